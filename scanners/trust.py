"""When a decoder's answer is not to be believed as it is: thin reads, tiny bars, clashes.

Check digits catch most misreads (``scanners.checks``); these rules catch the rest
seen on webcam frames: a blurred EAN read on a few scan lines (a 1 in 10 chance
of a valid check digit), a Code 128 whose bars are barely more than a pixel
wide, and two different readings of the same symbol.
"""

from __future__ import annotations

import cv2
import numpy as np

from scanners.decoders import Decoded

# 1-D symbologies whose only protection is a mod-10 (or no) check digit.
WEAK_CHECK = frozenset({"ean13", "ean8", "upca", "upce", "itf", "code39"})
MIN_MODULE_PX = 2.0  # px: narrower bars than this need a second, enlarged look

_FIXED_MODULES = {"ean13": 95, "upca": 95, "ean8": 67, "upce": 51}
ONE_D = frozenset({"code128", "gs1-128", "code39", "ean13", "ean8", "upca", "upce", "itf"})


def span(outline: list[tuple[int, int]]) -> float:
    """How many pixels across the bars a 1-D read covers (its outline's height)."""
    if len(outline) != 4:
        return float("inf")
    p = np.asarray(outline, dtype=np.float32)
    return float(np.linalg.norm(((p[3] - p[0]) + (p[2] - p[1])) / 2))


def length(outline: list[tuple[int, int]]) -> float:
    """The length of a 1-D read along the bars' sequence (its outline's width)."""
    if len(outline) != 4:
        return 0.0
    p = np.asarray(outline, dtype=np.float32)
    return float(np.linalg.norm(((p[1] - p[0]) + (p[2] - p[3])) / 2))


def modules(text: str, symbology: str) -> int:
    """About how many modules (narrowest bar widths) the code is long; errs on the high side."""
    if symbology in _FIXED_MODULES:
        return _FIXED_MODULES[symbology]
    if symbology == "itf":
        return 9 * len(text) + 9
    if symbology == "code39":
        return 16 * (len(text) + 2)
    return 11 * (len(text.replace("\x1d", "")) + 3) + 2  # Code 128 in set B


def needs_second_look(code: Decoded, scale: float = 1.0) -> bool:
    """A 1-D read to confirm from a straightened, enlarged crop before it is believed.

    Every weak-check code (a blurred EAN read on a few lines can pass its mod-10
    check with a wrong number, 1 time in 10), and any 1-D code whose bars were
    under ``MIN_MODULE_PX`` wide in the image the decoder saw (``scale`` is that
    image's size relative to the outline's coordinates).
    """
    if code.symbology not in ONE_D or len(code.outline) != 4:
        return False
    if code.symbology in WEAK_CHECK:
        return True
    module_px = length(code.outline) * scale / modules(code.text, code.symbology)
    return module_px < MIN_MODULE_PX


def without_conflicts(found: list[Decoded]) -> list[Decoded]:
    """Drop codes that sit on top of a different reading of the same place.

    Two different texts read from one symbol mean at least one is wrong, and
    which one cannot be told from here; reporting neither is the safe answer.
    """
    if len(found) < 2:
        return found
    clash: set[int] = set()
    for i, a in enumerate(found):
        for j in range(i + 1, len(found)):
            b = found[j]
            overlap = _inside(a.outline, b.outline) or _inside(b.outline, a.outline)
            if a.text != b.text and overlap:
                clash.update((i, j))
    return [d for i, d in enumerate(found) if i not in clash]


def _inside(outline: list[tuple[int, int]], other: list[tuple[int, int]]) -> bool:
    """True when the centre of ``outline`` lies within ``other``."""
    if len(outline) < 3 or len(other) < 3:
        return False
    cx, cy = np.mean(np.asarray(outline, dtype=np.float32), axis=0)
    polygon = np.asarray(other, dtype=np.float32).reshape(-1, 1, 2)
    return cv2.pointPolygonTest(polygon, (float(cx), float(cy)), False) >= 0
