import numpy as np
from hdhkits.cytologia.classes import CLASS_GROUPS, CLASS_NAMES, CLASSES, MORPHOLOGY, TRAIN_COUNTS, class_proportions


def test_23_codes_with_names_counts_and_morphology():
    assert len(CLASSES) == 23 == len(set(CLASSES))
    assert set(CLASSES) == set(CLASS_NAMES) == set(TRAIN_COUNTS) == set(MORPHOLOGY)
    assert sum(TRAIN_COUNTS.values()) == 52748
    assert sorted(c for g in CLASS_GROUPS.values() for c in g) == sorted(CLASSES)


def test_proportions_follow_real_counts():
    p = class_proportions()
    assert np.isclose(p.sum(), 1)
    assert p[CLASSES.index("PNN")] == p.max() and p[CLASSES.index("SS")] == p.min()
