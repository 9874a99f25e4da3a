"""Image mosaics for the notebooks, shown as JPEG so notebooks stay small."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

__all__ = ["draw_boxes", "mosaic", "show_jpeg"]

TRUTH_COLOUR = (0, 150, 0)
PRED_COLOUR = (220, 30, 30)


def draw_boxes(
    image: np.ndarray | Image.Image,
    boxes: Sequence[Sequence[float]],
    colour: tuple[int, int, int] | str = TRUTH_COLOUR,
    width: int = 3,
) -> Image.Image:
    """Copy of an image with boxes ``(x1, y1, x2, y2)`` drawn on it."""
    im = Image.fromarray(image) if isinstance(image, np.ndarray) else image.copy()
    d = ImageDraw.Draw(im)
    for b in boxes:
        d.rectangle([float(v) for v in b[:4]], outline=colour, width=width)
    return im


def mosaic(
    images: Sequence[np.ndarray | Image.Image], labels: Sequence[str] | None = None, tile: int = 120, cols: int = 6
) -> Image.Image:
    """Tiles of ``tile`` x ``tile`` pixels with an optional caption each."""
    n = len(images)
    rows = max(1, -(-n // cols))
    cap = 14 if labels is not None else 0
    out = Image.new("RGB", (cols * tile, rows * (tile + cap)), (255, 255, 255))
    d = ImageDraw.Draw(out)
    for i, img in enumerate(images):
        im = Image.fromarray(img) if isinstance(img, np.ndarray) else img
        r, c = divmod(i, cols)
        out.paste(im.convert("RGB").resize((tile, tile), Image.Resampling.BILINEAR), (c * tile, r * (tile + cap) + cap))
        if labels is not None:
            d.text((c * tile + 3, r * (tile + cap) + 1), str(labels[i])[: max(22, tile // 6)], fill=(0, 0, 0))
    return out


def show_jpeg(image: Image.Image, quality: int = 80) -> None:
    """Display a PIL image in a notebook as JPEG (a fraction of the size of a PNG figure)."""
    from IPython.display import Image as IPImage
    from IPython.display import display

    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    display(IPImage(data=buf.getvalue(), format="jpeg"))
