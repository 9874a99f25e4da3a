"""The 23 CYTOLOGIA cell classes, their real train counts and the morphology the twin draws.

The class codes and counts are those of the real train set (CHALLENGES.md). The
morphology table is what a haematologist would name for each class on a
May-Grünwald-Giemsa smear; the twin generator (:mod:`hdhkits.cytologia.drawing`) draws
each leukocyte from it with random variation, so neighbouring classes overlap.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["CLASSES", "CLASS_GROUPS", "CLASS_NAMES", "MORPHOLOGY", "TRAIN_COUNTS", "class_proportions"]

#: The 23 class codes, in the order of the real train counts (most frequent first).
CLASSES: tuple[str, ...] = (
    "PNN",
    "Lysee",
    "LAM3",
    "LLC",
    "LyB",
    "MO",
    "MBL",
    "LGL",
    "EO",
    "Thromb",
    "Er",
    "B",
    "LF",
    "LY",
    "M",
    "MM",
    "LH_lyAct",
    "MoB",
    "PM",
    "BA",
    "LM",
    "LZMG",
    "SS",
)

#: What each code means.
CLASS_NAMES: dict[str, str] = {
    "PNN": "segmented neutrophil",
    "LY": "lymphocyte",
    "MO": "monocyte",
    "EO": "eosinophil",
    "BA": "basophil",
    "Er": "erythroblast",
    "Thromb": "giant platelet",
    "Lysee": "lysed (smudge) cell",
    "PM": "promyelocyte",
    "M": "myelocyte",
    "MM": "metamyelocyte",
    "LyB": "lymphoblast",
    "MBL": "myeloblast",
    "MoB": "monoblast",
    "B": "blast, undifferentiated",
    "LAM3": "promyelocytic leukaemia cell (AML-M3)",
    "LGL": "large granular lymphocyte",
    "LH_lyAct": "hyperbasophilic / activated lymphocyte",
    "LLC": "chronic lymphocytic leukaemia cell",
    "LF": "follicular lymphoma cell",
    "LM": "mantle-cell lymphoma cell",
    "LZMG": "marginal-zone lymphoma cell",
    "SS": "Sézary cell",
}

#: Boxes per class in the real train set (52,748 boxes).
TRAIN_COUNTS: dict[str, int] = {
    "PNN": 6827,
    "Lysee": 3408,
    "LAM3": 3338,
    "LLC": 3158,
    "LyB": 3029,
    "MO": 2743,
    "MBL": 2668,
    "LGL": 2439,
    "EO": 2432,
    "Thromb": 2319,
    "Er": 2308,
    "B": 2263,
    "LF": 2131,
    "LY": 2092,
    "M": 1994,
    "MM": 1707,
    "LH_lyAct": 1705,
    "MoB": 1531,
    "PM": 1152,
    "BA": 1001,
    "LM": 944,
    "LZMG": 845,
    "SS": 714,
}

#: Families of look-alike classes (for plots and confusion-matrix reading).
CLASS_GROUPS: dict[str, tuple[str, ...]] = {
    "lymphoid": ("LY", "LLC", "LGL", "LH_lyAct", "LM", "LZMG", "LF", "SS"),
    "blasts": ("MBL", "MoB", "B", "LyB", "LAM3"),
    "granulocytic": ("PM", "M", "MM", "PNN", "EO", "BA"),
    "other": ("MO", "Er", "Thromb", "Lysee"),
}

# Optical-density colour vectors (absorbance of R, G, B). A pixel is
# background * exp(-OD): a large R absorbance gives blue/purple, a large G/B absorbance red.
_NUC = (1.15, 1.60, 0.50)  # deep purple chromatin
_CYT_PALE = (0.30, 0.18, 0.02)  # pale sky-blue lymphocyte cytoplasm
_CYT_DEEP = (0.75, 0.50, 0.12)  # deep blue (basophilic) cytoplasm
_CYT_GREY = (0.28, 0.24, 0.08)  # grey-blue monocyte cytoplasm
_CYT_PINK = (0.08, 0.17, 0.06)  # pink-lilac neutrophil cytoplasm
_CYT_SALMON = (0.06, 0.22, 0.14)  # pinkish myelocyte cytoplasm
_CYT_POLY = (0.30, 0.32, 0.18)  # polychromatic (erythroblast) cytoplasm
_GR_AZUR = (0.50, 1.35, 0.45)  # azurophilic red-purple granules
_GR_NEUT = (0.22, 0.42, 0.16)  # fine lilac neutrophilic granules
_GR_EO = (0.07, 0.62, 0.90)  # orange-red eosinophilic granules
_GR_BA = (1.40, 1.90, 0.90)  # blue-black basophilic granules
_GR_PLT = (0.45, 0.75, 0.25)  # purple platelet granulomere


def _m(**kw: Any) -> dict:
    """One class's morphology with defaults (sizes in pixels at magnification 1)."""
    base = dict(
        radius=(60.0, 6.0),  # cell radius: mean, sd
        aspect=(1.0, 0.05),  # ellipse aspect of the cell
        wobble=0.03,  # low-order boundary irregularity
        villi=0.0,  # amplitude of high-frequency (hairy) cytoplasm edge
        nuc_frac=(0.6, 0.05),  # nucleus radius / cell radius
        nuc_shapes=(("round", 1.0),),
        lobes=(3, 4),  # lobe count range for "lobed"
        eccentric=(0.1, 0.05),  # nucleus offset / cell radius
        nuc_od=(1.0, 0.08),  # nucleus stain strength
        chrom_sigma=1.5,  # chromatin texture scale (px): fine blasts ~0.8, clumped ~2.5
        chrom_amp=0.35,  # chromatin texture contrast
        nucleoli=(0, 0),  # number of nucleoli (min, max)
        cyto_color=_CYT_PALE,
        cyto_od=(0.9, 0.15),
        granules=(),  # tuples (colour, size px, density per 100 px2 of cytoplasm, over_nucleus)
        vacuoles=(0, 0),
        auer=0.0,  # probability of Auer rods
        cyto_texture=0.15,
    )
    base.update(kw)
    return base


#: Morphology parameters per class; see :func:`hdhkits.cytologia.drawing.draw_leukocyte`.
MORPHOLOGY: dict[str, dict] = {
    # -- mature granulocytes and their precursors: a maturation continuum --------------
    "PNN": _m(
        radius=(64, 6),
        nuc_frac=(0.62, 0.05),
        nuc_shapes=(("lobed", 0.85), ("band", 0.15)),
        lobes=(3, 5),
        eccentric=(0.05, 0.04),
        chrom_sigma=2.2,
        chrom_amp=0.30,
        nuc_od=(1.05, 0.08),
        cyto_color=_CYT_PINK,
        cyto_od=(1.0, 0.2),
        granules=((_GR_NEUT, 0.9, 1.6, False),),
    ),
    "MM": _m(
        radius=(67, 6),
        nuc_frac=(0.58, 0.05),
        nuc_shapes=(("kidney", 0.75), ("band", 0.25)),
        eccentric=(0.15, 0.06),
        chrom_sigma=2.0,
        chrom_amp=0.30,
        cyto_color=_CYT_SALMON,
        cyto_od=(1.0, 0.2),
        granules=((_GR_NEUT, 0.9, 1.4, False),),
    ),
    "M": _m(
        radius=(71, 7),
        nuc_frac=(0.56, 0.05),
        nuc_shapes=(("oval", 0.6), ("indented", 0.4)),
        eccentric=(0.22, 0.07),
        chrom_sigma=1.8,
        chrom_amp=0.32,
        cyto_color=_CYT_SALMON,
        cyto_od=(1.1, 0.2),
        granules=((_GR_NEUT, 0.9, 1.5, False), (_GR_AZUR, 1.1, 0.15, False)),
    ),
    "PM": _m(
        radius=(82, 8),
        nuc_frac=(0.55, 0.05),
        nuc_shapes=(("round", 0.5), ("oval", 0.5)),
        eccentric=(0.22, 0.07),
        chrom_sigma=1.1,
        chrom_amp=0.25,
        nucleoli=(0, 2),
        cyto_color=_CYT_DEEP,
        cyto_od=(0.75, 0.15),
        granules=((_GR_AZUR, 1.3, 0.9, True),),
    ),
    "EO": _m(
        radius=(68, 6),
        nuc_frac=(0.55, 0.05),
        nuc_shapes=(("lobed", 1.0),),
        lobes=(2, 3),
        eccentric=(0.08, 0.05),
        chrom_sigma=2.0,
        chrom_amp=0.30,
        cyto_color=_CYT_PINK,
        cyto_od=(0.6, 0.15),
        granules=((_GR_EO, 1.6, 2.6, False),),
    ),
    "BA": _m(
        radius=(58, 5),
        nuc_frac=(0.55, 0.06),
        nuc_shapes=(("lobed", 0.6), ("kidney", 0.4)),
        lobes=(2, 3),
        chrom_sigma=2.0,
        cyto_color=_CYT_PINK,
        cyto_od=(0.7, 0.15),
        nuc_od=(0.8, 0.1),
        granules=((_GR_BA, 1.8, 1.2, True),),
    ),
    # -- monocytic ----------------------------------------------------------------------
    "MO": _m(
        radius=(80, 8),
        aspect=(1.0, 0.08),
        wobble=0.05,
        nuc_frac=(0.58, 0.06),
        nuc_shapes=(("kidney", 0.5), ("indented", 0.3), ("band", 0.2)),
        eccentric=(0.12, 0.06),
        chrom_sigma=1.3,
        chrom_amp=0.22,
        nuc_od=(0.85, 0.08),
        cyto_color=_CYT_GREY,
        cyto_od=(1.0, 0.2),
        granules=((_GR_AZUR, 0.8, 0.25, False),),
        vacuoles=(0, 6),
    ),
    # -- blasts ------------------------------------------------------------------------
    "MBL": _m(
        radius=(71, 7),
        nuc_frac=(0.74, 0.05),
        nuc_shapes=(("round", 0.7), ("oval", 0.3)),
        eccentric=(0.10, 0.05),
        chrom_sigma=0.8,
        chrom_amp=0.22,
        nuc_od=(0.85, 0.08),
        nucleoli=(1, 3),
        cyto_color=_CYT_DEEP,
        cyto_od=(0.9, 0.15),
        granules=((_GR_AZUR, 1.0, 0.12, False),),
    ),
    "MoB": _m(
        radius=(84, 8),
        nuc_frac=(0.64, 0.05),
        nuc_shapes=(("round", 0.5), ("indented", 0.5)),
        eccentric=(0.12, 0.05),
        chrom_sigma=0.8,
        chrom_amp=0.20,
        nuc_od=(0.80, 0.08),
        nucleoli=(1, 3),
        cyto_color=_CYT_GREY,
        cyto_od=(1.2, 0.2),
        vacuoles=(0, 3),
    ),
    "B": _m(
        radius=(68, 7),
        nuc_frac=(0.82, 0.04),
        nuc_shapes=(("round", 0.8), ("oval", 0.2)),
        eccentric=(0.06, 0.04),
        chrom_sigma=0.8,
        chrom_amp=0.22,
        nuc_od=(0.88, 0.08),
        nucleoli=(1, 3),
        cyto_color=_CYT_DEEP,
        cyto_od=(1.0, 0.15),
    ),
    "LyB": _m(
        radius=(58, 6),
        nuc_frac=(0.84, 0.04),
        nuc_shapes=(("round", 0.8), ("indented", 0.2)),
        eccentric=(0.06, 0.04),
        chrom_sigma=1.0,
        chrom_amp=0.26,
        nuc_od=(0.98, 0.08),
        nucleoli=(0, 1),
        cyto_color=_CYT_DEEP,
        cyto_od=(0.8, 0.15),
    ),
    "LAM3": _m(
        radius=(80, 8),
        wobble=0.05,
        nuc_frac=(0.6, 0.06),
        nuc_shapes=(("lobed", 0.5), ("kidney", 0.3), ("round", 0.2)),
        lobes=(2, 2),
        chrom_sigma=1.0,
        chrom_amp=0.22,
        nuc_od=(0.85, 0.08),
        nucleoli=(0, 2),
        cyto_color=_CYT_GREY,
        cyto_od=(0.9, 0.2),
        granules=((_GR_AZUR, 1.3, 1.3, True),),
        auer=0.45,
    ),
    # -- lymphoid ----------------------------------------------------------------------
    "LY": _m(
        radius=(47, 4),
        nuc_frac=(0.80, 0.05),
        nuc_shapes=(("round", 0.85), ("indented", 0.15)),
        eccentric=(0.12, 0.05),
        chrom_sigma=2.0,
        chrom_amp=0.38,
        nuc_od=(1.10, 0.08),
        cyto_color=_CYT_PALE,
        cyto_od=(1.0, 0.2),
    ),
    "LLC": _m(
        radius=(44, 4),
        nuc_frac=(0.84, 0.04),
        nuc_shapes=(("round", 1.0),),
        eccentric=(0.08, 0.04),
        chrom_sigma=2.6,
        chrom_amp=0.55,
        nuc_od=(1.15, 0.08),
        cyto_color=_CYT_PALE,
        cyto_od=(0.8, 0.2),
    ),
    "LGL": _m(
        radius=(56, 5),
        nuc_frac=(0.64, 0.05),
        nuc_shapes=(("round", 0.6), ("indented", 0.4)),
        eccentric=(0.22, 0.06),
        chrom_sigma=2.0,
        chrom_amp=0.36,
        nuc_od=(1.05, 0.08),
        cyto_color=_CYT_PALE,
        cyto_od=(0.9, 0.2),
        granules=((_GR_AZUR, 1.3, 0.35, False),),
    ),
    "LH_lyAct": _m(
        radius=(72, 8),
        wobble=0.06,
        nuc_frac=(0.58, 0.06),
        nuc_shapes=(("round", 0.6), ("oval", 0.4)),
        eccentric=(0.22, 0.07),
        chrom_sigma=1.5,
        chrom_amp=0.30,
        nuc_od=(0.95, 0.08),
        nucleoli=(0, 1),
        cyto_color=_CYT_DEEP,
        cyto_od=(1.25, 0.2),
        vacuoles=(0, 3),
    ),
    "LM": _m(
        radius=(56, 5),
        nuc_frac=(0.80, 0.05),
        nuc_shapes=(("indented", 0.6), ("round", 0.4)),
        eccentric=(0.10, 0.05),
        chrom_sigma=1.5,
        chrom_amp=0.32,
        nuc_od=(1.02, 0.08),
        nucleoli=(0, 1),
        cyto_color=_CYT_PALE,
        cyto_od=(0.9, 0.2),
    ),
    "LZMG": _m(
        radius=(58, 5),
        villi=0.09,
        nuc_frac=(0.66, 0.05),
        nuc_shapes=(("round", 0.7), ("oval", 0.3)),
        eccentric=(0.2, 0.06),
        chrom_sigma=1.9,
        chrom_amp=0.34,
        nuc_od=(1.05, 0.08),
        cyto_color=_CYT_PALE,
        cyto_od=(1.1, 0.2),
    ),
    "LF": _m(
        radius=(48, 4),
        nuc_frac=(0.84, 0.04),
        nuc_shapes=(("cleaved", 1.0),),
        eccentric=(0.08, 0.04),
        chrom_sigma=1.8,
        chrom_amp=0.36,
        nuc_od=(1.08, 0.08),
        cyto_color=_CYT_PALE,
        cyto_od=(0.8, 0.2),
    ),
    "SS": _m(
        radius=(54, 6),
        nuc_frac=(0.80, 0.05),
        nuc_shapes=(("cerebriform", 1.0),),
        eccentric=(0.08, 0.04),
        chrom_sigma=1.6,
        chrom_amp=0.30,
        nuc_od=(1.05, 0.08),
        cyto_color=_CYT_PALE,
        cyto_od=(0.8, 0.2),
    ),
    # -- other -------------------------------------------------------------------------
    "Er": _m(
        radius=(48, 5),
        nuc_frac=(0.52, 0.06),
        nuc_shapes=(("round", 1.0),),
        eccentric=(0.12, 0.06),
        chrom_sigma=2.4,
        chrom_amp=0.45,
        nuc_od=(1.30, 0.1),
        cyto_color=_CYT_POLY,
        cyto_od=(1.0, 0.25),
    ),
    "Thromb": _m(
        radius=(36, 6),
        aspect=(1.0, 0.15),
        wobble=0.10,
        nuc_frac=(0.0, 0.0),
        nuc_shapes=(("none", 1.0),),
        cyto_color=_CYT_PINK,
        cyto_od=(1.4, 0.3),
        granules=((_GR_PLT, 1.0, 3.0, False),),
    ),
    "Lysee": _m(
        radius=(72, 12),
        aspect=(1.0, 0.15),
        wobble=0.14,
        nuc_frac=(0.95, 0.03),
        nuc_shapes=(("smudge", 1.0),),
        eccentric=(0.0, 0.02),
        chrom_sigma=2.5,
        chrom_amp=0.45,
        nuc_od=(0.55, 0.12),
        cyto_color=_CYT_PALE,
        cyto_od=(0.4, 0.1),
    ),
}


def class_proportions() -> np.ndarray:
    """Real train-set class frequencies, in :data:`CLASSES` order (they sum to 1)."""
    counts = np.array([TRAIN_COUNTS[c] for c in CLASSES], dtype=float)
    return counts / counts.sum()
