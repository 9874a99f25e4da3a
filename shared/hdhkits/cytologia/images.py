"""The image files as the notebooks will meet them: safe names, headers, end markers, duplicates.

``check`` must tell what the reader, the detector and the crop code will meet, without
decoding 69,168 images. :func:`header_table` therefore reads, for each image named in
``train.csv`` / ``test.csv``, only what costs no decoding:

* the name itself: an absolute path, a ``..`` component or a symlink that resolves
  outside the images folder is refused *by name* and the file is never opened
  (``unsafe_name``);
* the first bytes (magic number): a zero-byte file (``empty_image``), a PNG, GIF, BMP,
  TIFF or WebP named ``.jpg`` (``not_jpeg``, saying what it really is), bytes that are no
  image at all (``unreadable_file``);
* the JPEG's frame header (its width and height, parsed here so that Pillow's
  decompression-bomb check never runs on a huge file): a side above :data:`MAX_SIDE`
  is refused before any decoding (``oversized_image``);
* the last bytes: a JPEG that does not end with the end-of-image marker ``FF D9`` was cut
  (``truncated_image``).

Those are errors: the reader cannot use such an image (:func:`image_findings`, with
the images that are missing and the size warning of
:func:`~hdhkits.cytologia.plausibility.image_size_findings`). Byte-identical copies
(:func:`duplicate_file_findings`, hashing only files of equal size) are a warning.
:func:`decode_findings` (``check --deep``) decodes every image as well.
:func:`open_image` is how the kit's code opens an image: it refuses the same files before
decoding them.
"""

from __future__ import annotations

import contextlib
import os
import struct
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

import pandas as pd

from ..files import file_digest
from ..findings import Finding, clip, error, short_list, warning
from ..notebook import tqdm
from .plausibility import image_size_findings

__all__ = [
    "IMAGE_ERROR_KINDS",
    "MAX_SIDE",
    "ImageRefused",
    "decode_findings",
    "duplicate_file_findings",
    "header_findings",
    "header_table",
    "image_findings",
    "image_sizes",
    "name_problem",
    "open_image",
    "probe_image",
]

#: Largest image side (px) the kit reads; the official images are about 370 px, the largest about 800.
MAX_SIDE = 4096
#: Kinds of the image errors :func:`header_findings` reports, with the fix each gets.
IMAGE_ERROR_KINDS = {
    "unsafe_name": "use plain file names of the images folder, as in the official release (no folders, no '..', "
    "no links leaving images/)",
    "empty_image": "download or extract those images again (zero bytes: the copy failed)",
    "truncated_image": "download or extract those images again (the file was cut before its end)",
    "not_jpeg": "convert them to JPEG, or take the official files again: the release holds only JPEGs",
    "oversized_image": f"resize them (at most {MAX_SIDE} px a side) or leave them out: the kit never decodes them",
    "unreadable_file": "download or extract those images again",
}
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF (WebP?) file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
)
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# Broken images named in one error, each with what is wrong (a line stays readable).
_NAMED = 3


class ImageRefused(OSError):
    """An image the kit will not decode (unsafe name, too large, not a readable JPEG)."""


def name_problem(folder: str | Path, name: str) -> str | None:
    """Why an image name cannot be read inside ``folder`` (None when it can).

    Absolute names and names with a ``..`` component are refused from the text alone;
    a symlink is followed only to see where it points (the target is never opened).
    """
    text = str(name)
    if not text.strip():
        return "an empty name"
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or PureWindowsPath(text).drive:
        return "an absolute path, outside the images folder"
    if ".." in PurePosixPath(text.replace("\\", "/")).parts:
        return "a name with a '..' component, leaving the images folder"
    root = os.path.realpath(folder)
    target = os.path.realpath(os.path.join(folder, text))
    if os.path.commonpath([root, target]) != root:
        return "a link pointing outside the images folder"
    return None


def _jpeg_size(fh: BinaryIO) -> tuple[int, int] | None:
    """Width and height from a JPEG's frame header (None when no frame header is found)."""
    fh.seek(2)
    while True:
        marker = fh.read(2)
        while len(marker) == 2 and marker[0] == 0xFF and marker[1] == 0xFF:  # fill bytes
            marker = marker[1:] + fh.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        if marker[1] in (0xD8, 0x01) or 0xD0 <= marker[1] <= 0xD7:  # markers without a length
            continue
        raw = fh.read(2)
        if len(raw) < 2:
            return None
        length = struct.unpack(">H", raw)[0]
        if marker[1] in _SOF:
            frame = fh.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        fh.seek(length - 2, os.SEEK_CUR)


def _ends_with_eoi(fh: BinaryIO, size: int) -> bool:
    fh.seek(max(0, size - 64))
    tail = fh.read().rstrip(b"\x00\r\n ")  # some writers pad after the marker
    return tail.endswith(b"\xff\xd9")


def probe_image(folder: str | Path, name: str) -> tuple[int, int, str, str]:
    """What an image file holds, from its name, first bytes, frame header and last bytes.

    Returns
    -------
    width, height, kind, detail : (int, int, str, str)
        ``kind`` is ``"ok"``, ``"missing"`` or one of :data:`IMAGE_ERROR_KINDS`; ``detail``
        says what is wrong in a few words (empty when ``ok``).
    """
    unsafe = name_problem(folder, name)
    if unsafe is not None:
        return 0, 0, "unsafe_name", unsafe
    path = Path(folder) / name
    if not path.is_file():
        return 0, 0, "missing", "not in the images folder"
    size = path.stat().st_size
    if size == 0:
        return 0, 0, "empty_image", "zero bytes"
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
            if not head.startswith(b"\xff\xd8\xff"):
                what = next((w for magic, w in _MAGIC if head.startswith(magic)), None)
                if what is not None:
                    return 0, 0, "not_jpeg", f"{what}, not a JPEG"
                return 0, 0, "unreadable_file", f"not an image (first bytes {head[:4].hex(' ')})"
            wh = _jpeg_size(fh)
            if wh is None:
                return 0, 0, "truncated_image", "no frame header: the file stops before the image data"
            if max(wh) > MAX_SIDE:
                return wh[0], wh[1], "oversized_image", f"{wh[0]} x {wh[1]} px, above {MAX_SIDE} px a side"
            if not _ends_with_eoi(fh, size):
                return wh[0], wh[1], "truncated_image", "no JPEG end marker (FF D9): the file was cut"
    except OSError as exc:
        return 0, 0, "unreadable_file", str(exc) or type(exc).__name__
    return wh[0], wh[1], "ok", ""


def header_table(folder: str | Path, names: Iterable[str]) -> pd.DataFrame:
    """:func:`probe_image` of every image named (duplicates read once).

    Returns
    -------
    DataFrame
        Indexed by ``NAME``: ``width, height, kind, detail``.
    """
    unique = pd.unique(pd.Series(list(names), dtype=object).astype(str))
    rows = [(name, *probe_image(folder, name)) for name in unique]
    return pd.DataFrame(rows, columns=["NAME", "width", "height", "kind", "detail"]).set_index("NAME")


def _named(table: pd.DataFrame) -> str:
    shown = [f"{clip(str(name), 40)} ({clip(detail, 50)})" for name, detail in table["detail"].head(_NAMED).items()]
    more = f" … ({len(table)} images)" if len(table) > _NAMED else ""
    return "; ".join(shown) + more


def header_findings(table: pd.DataFrame, images_dir: str = "images") -> list[Finding]:
    """One error per kind of broken image in a :func:`header_table`, naming the images."""
    folder = f"{images_dir.rstrip('/')}/"
    found = []
    for kind, fix in IMAGE_ERROR_KINDS.items():
        bad = table[table["kind"] == kind]
        if len(bad):
            what = "name(s) in train.csv or test.csv refused" if kind == "unsafe_name" else "image(s) cannot be used"
            found.append(error(f"{len(bad)} {what}: {_named(bad)}", file=folder, count=len(bad), kind=kind, fix=fix))
    return found


def image_sizes(folder: str | Path, names: Iterable[str]) -> pd.DataFrame:
    """Width and height of images from their headers (no decoding), and what is wrong with each.

    Parameters
    ----------
    folder : path
        The images folder.
    names : iterable of str
        Image file names (duplicates are read once). A name leaving the folder is refused
        and never opened (:func:`name_problem`).

    Returns
    -------
    DataFrame
        Indexed by ``NAME``: ``width``, ``height`` (0 when unknown), ``status`` (``"ok"``,
        ``"missing"`` or what is wrong), ``kind`` and ``detail``
        (:func:`probe_image`).
    """
    table = header_table(folder, names)
    table["status"] = table["detail"].where(~table["kind"].isin(["ok", "missing"]), table["kind"])
    return table[["width", "height", "status", "kind", "detail"]]


def image_findings(sizes: pd.DataFrame, images_dir: str = "images") -> list[Finding]:
    """Errors for images named in the CSV files but absent or unusable, then the size warning."""
    found = []
    folder = f"{images_dir.rstrip('/')}/"
    missing = sizes.index[sizes["status"] == "missing"]
    if len(missing):
        found.append(
            error(
                f"{len(missing)} image(s) named in train.csv or test.csv are not in the images folder, "
                f"e.g. {short_list(missing[:3], quote=False)}",
                file=folder,
                count=len(missing),
                kind="missing_file",
                fix="copy every image of the release into the images folder",
            )
        )
    return found + header_findings(sizes, images_dir) + image_size_findings(sizes, images_dir)


def duplicate_file_findings(folder: str | Path, table: pd.DataFrame, images_dir: str = "images") -> list[Finding]:
    """A warning for byte-identical images among the usable ones of a :func:`header_table`.

    Only files sharing their size with another are hashed, so a folder of distinct
    images costs one ``stat`` per image.
    """
    ok = [name for name in table.index[table["kind"] == "ok"]]
    sizes = pd.Series({name: (Path(folder) / name).stat().st_size for name in ok}, dtype="int64")
    same_size = sizes[sizes.duplicated(keep=False)]
    if same_size.empty:
        return []
    digests = pd.Series({name: file_digest(Path(folder) / name) for name in same_size.index})
    groups = [sorted(g.index) for _, g in digests.groupby(digests) if len(g) > 1]
    if not groups:
        return []
    # a group of many copies names its first three; the count of groups closes the list
    shown = "; ".join(" = ".join(g[:3]) + (f" (+{len(g) - 3})" if len(g) > 3 else "") for g in groups[:2])
    shown += f" … ({len(groups)} groups)" if len(groups) > 2 else ""
    n = sum(len(g) for g in groups)
    return [
        warning(
            f"{n} image(s) are byte-identical copies of another, in {len(groups)} group(s): {shown}",
            file=f"{images_dir.rstrip('/')}/",
            count=n,
            kind="duplicate_image",
            fix="the reader groups copies (perceptual hash, re-saved copies too) and the folds keep each "
            "group together, so validation never scores a picture it trained on",
        )
    ]


def decode_findings(
    folder: str | Path, names: Iterable[str], images_dir: str = "images", progress: bool = True
) -> list[Finding]:
    """An error naming the images that fail to decode whole (``check --deep``).

    Parameters
    ----------
    folder : path
        The images folder.
    names : iterable of str
        Images whose header is fine (the others are already reported).
    images_dir : str
        Named on the finding.
    progress : bool
        Show a progress bar (69,168 official images take minutes).
    """
    names = list(names)
    failed = {}
    for name in tqdm(names, desc="decoding images", disable=not progress):
        try:
            with open_image(Path(folder) / name) as im:
                im.load()
        except (OSError, ValueError, SyntaxError) as exc:
            failed[name] = str(exc) or type(exc).__name__
    if not failed:
        return []
    bad = pd.DataFrame({"detail": pd.Series(failed)})
    return [
        error(
            f"{len(failed)} image(s) cannot be decoded: {_named(bad)}",
            file=f"{images_dir.rstrip('/')}/",
            count=len(failed),
            kind="undecodable_image",
            fix="download or extract those images again",
        )
    ]


@contextlib.contextmanager
def open_image(path: str | Path) -> Iterator:
    """Open an image with Pillow, refusing (before any decoding) one larger than :data:`MAX_SIDE` a side.

    Pillow's decompression-bomb warning never shows: sizes above the limit are refused
    with :class:`ImageRefused` naming the file and its size.
    """
    from PIL import Image

    path = Path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise ImageRefused(f"{path.name}: {exc}; the kit reads images of at most {MAX_SIDE} px a side") from None
    with im:
        if max(im.size) > MAX_SIDE:
            raise ImageRefused(
                f"{path.name} is {im.size[0]} x {im.size[1]} px, above {MAX_SIDE} px a side: not decoded"
            )
        yield im
