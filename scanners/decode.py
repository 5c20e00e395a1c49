"""Find and read the codes in an image: zxing-cpp, then a located-and-straightened retry.

``decode_image`` is what the camera worker and ``main.py decode`` call. Every
result is normalised (UPC-A as 12 digits, UPC-E as 8) and validated: a code
whose check digit or GS1 structure is wrong is dropped, never reported.
"""

from __future__ import annotations

import cv2
import numpy as np

from scanners.checks import is_valid, upca_to_upce
from scanners.decoders import Decoded, regions, zbar, zxing
from scanners.scan import SYMBOLOGIES

__all__ = ["Decoded", "decode_image", "decoder_names", "DEFAULT_FORMATS", "ONE_D"]

DEFAULT_FORMATS = frozenset(SYMBOLOGIES) - {"unknown"}
ONE_D = frozenset({"code128", "gs1-128", "code39", "ean13", "ean8", "upca", "upce", "itf"})

# A result of the key symbology is also accepted when one of these is enabled.
_COVERED_BY = {
    "upca": {"ean13"},
    "gs1-128": {"code128"},
    "gs1-qr": {"qr"},
    "gs1-datamatrix": {"datamatrix"},
}

# 1-D symbologies whose only protection is a mod-10 (or no) check digit.
WEAK_CHECK = frozenset({"ean13", "ean8", "upca", "upce", "itf", "code39"})
MIN_LINE_SPAN = 3.0  # px: a weak-check 1-D read seen on fewer rows than this is not trusted

NOISY = 8.0  # median neighbour difference (grey levels) above which a frame is smoothed first


def decoder_names() -> list[str]:
    """The decoders this machine can use, in the order they are tried."""
    names = [zxing.NAME]
    if zbar.available():
        names.append(zbar.NAME)
    return names


def decode_image(image: np.ndarray, formats: set[str] | None = None) -> list[Decoded]:
    """Every valid code found in ``image`` (BGR, BGRA or grayscale uint8 array).

    ``formats`` restricts the symbologies read (names from ``scanners.scan.SYMBOLOGIES``);
    ``None`` reads them all.
    """
    enabled = _check_formats(formats)
    gray = to_gray(image)
    formats_ = zxing.formats_for(enabled)
    if noise_level(gray) > NOISY:
        # Noise makes zxing-cpp chase edges everywhere (slow); averaging 2x2 pixels
        # removes most of it. Small codes that need every pixel go to the retry.
        half = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2),
                          interpolation=cv2.INTER_AREA)
        hits = [Decoded(h.text, h.symbology, [(2 * x, 2 * y) for x, y in h.outline])
                for h in zxing.read(half, formats_, try_downscale=False)]
    else:
        hits = zxing.read(gray, formats_)
    found = _accept(hits, enabled)
    if found:
        return found
    one_d = enabled & ONE_D
    if not one_d:
        return []
    one_d_formats = zxing.formats_for(one_d)
    for candidate in regions.candidates(gray):
        hits = zxing.read(candidate.crop, one_d_formats, try_downscale=False)
        if not hits:
            hits = zbar.read(candidate.crop, one_d)
        if not hits:
            hits = zxing.read(regions.sharpen(candidate.crop), one_d_formats, try_downscale=False)
        mapped = [Decoded(h.text, h.symbology, candidate.map_points(h.outline)) for h in hits]
        found.extend(d for d in _accept(mapped, enabled) if d not in found)
    return found


def to_gray(image: np.ndarray) -> np.ndarray:
    """One-channel uint8 view of a BGR/BGRA/grey image."""
    if image.dtype != np.uint8:
        raise ValueError(f"expected an 8-bit image, got {image.dtype}")
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.ndim == 3 and image.shape[2] == 1:
        return image[:, :, 0]
    raise ValueError(f"expected a grey, BGR or BGRA image, got shape {image.shape}")


def noise_level(gray: np.ndarray) -> float:
    """Median difference between horizontal neighbours on every 8th row: sensor noise."""
    rows = gray[::8].astype(np.int16)
    return float(np.median(np.abs(rows[:, 1:] - rows[:, :-1])))


def normalise(text: str, symbology: str) -> tuple[str, str]:
    """One spelling per code whatever the decoder: UPC-A as 12 digits, UPC-E as 8."""
    if symbology == "ean13" and len(text) == 13 and text.startswith("0"):
        return text[1:], "upca"
    if symbology == "upca" and len(text) == 13 and text.startswith("0"):
        return text[1:], "upca"
    if symbology == "upce" and len(text) in (12, 13):
        upca = text[-12:]
        upce = upca_to_upce(upca)
        return (upce, "upce") if upce else (upca, "upca")
    return text, symbology


def _accept(results: list[Decoded], enabled: frozenset[str]) -> list[Decoded]:
    out: list[Decoded] = []
    for result in results:
        text, symbology = normalise(result.text, result.symbology)
        if symbology not in enabled and not (_COVERED_BY.get(symbology, set()) & enabled):
            continue
        if not is_valid(text, symbology):
            continue
        if symbology in WEAK_CHECK and _span(result.outline) < MIN_LINE_SPAN:
            # Read on one or two scan lines only: a damaged EAN has a 1 in 10
            # chance of a valid check digit, so such a read needs a better look.
            continue
        decoded = Decoded(text, symbology, result.outline)
        if decoded not in out:
            out.append(decoded)
    return _without_conflicts(out)


def _without_conflicts(found: list[Decoded]) -> list[Decoded]:
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


def _span(outline: list[tuple[int, int]]) -> float:
    """How many pixels across the bars a 1-D read covers (its outline's height)."""
    if len(outline) != 4:
        return float("inf")
    p = np.asarray(outline, dtype=np.float32)
    return float(np.linalg.norm(((p[3] - p[0]) + (p[2] - p[1])) / 2))


def _check_formats(formats: set[str] | None) -> frozenset[str]:
    if formats is None:
        return DEFAULT_FORMATS
    unknown = set(formats) - DEFAULT_FORMATS
    if unknown:
        raise ValueError(f"unknown symbology {sorted(unknown)}; known: {sorted(DEFAULT_FORMATS)}")
    return frozenset(formats)
