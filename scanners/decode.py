"""Find and read the codes in an image.

``decode_image`` is what the camera worker and ``main.py decode`` call:

1. zxing-cpp on the whole frame (halved first when it is noisy), the enabled
   formats only;
2. if that finds nothing: OpenCV's barcode locator marks likely 1-D regions;
   each is straightened and enlarged, then read by zxing-cpp, pyzbar (where
   libzbar is installed) and zxing-cpp again on a sharpened copy;
3. if still nothing: zxing-cpp for 2-D codes with rotation on.

Every result is normalised (UPC-A as 12 digits, UPC-E as 8) and validated: a
code whose check digit or GS1 structure is wrong is dropped, and so is a read
that ``scanners.trust`` does not believe. A misread is never reported.
"""

from __future__ import annotations

import cv2
import numpy as np

from scanners import trust
from scanners.checks import is_valid, upca_to_upce
from scanners.decoders import Decoded, regions, zbar, zxing
from scanners.scan import SYMBOLOGIES

__all__ = ["Decoded", "decode_image", "decoder_names", "decoder_summary", "DEFAULT_FORMATS",
           "ONE_D"]

DEFAULT_FORMATS = frozenset(SYMBOLOGIES) - {"unknown"}
ONE_D = trust.ONE_D

# A result of the key symbology is also accepted when one of these is enabled.
_COVERED_BY = {
    "upca": {"ean13"},
    "gs1-128": {"code128"},
    "gs1-qr": {"qr"},
    "gs1-datamatrix": {"datamatrix"},
}

SECOND_LOOK_PX = 640  # px: how long a code is drawn for its second look
NOISY = 8.0  # median neighbour difference (grey levels) above which a frame is halved first


def decoder_names() -> list[str]:
    """The decoders this machine can use, in the order they are tried."""
    names = [zxing.NAME]
    if zbar.available():
        names.append(zbar.NAME)
    return names


def decoder_summary() -> str:
    """One line for a status bar or log: which decoders are in use, and why one is not."""
    if zbar.available():
        return f"decoders: {zxing.NAME}, {zbar.NAME}"
    return f"decoders: {zxing.NAME} ({zbar.UNAVAILABLE_REASON}; {zbar.NAME} not used)"


def decode_image(image: np.ndarray, formats: set[str] | None = None) -> list[Decoded]:
    """Every valid code found in ``image`` (BGR, BGRA or grayscale uint8 array).

    ``formats`` restricts the symbologies read (names from ``scanners.scan.SYMBOLOGIES``);
    ``None`` reads them all.
    """
    enabled = _check_formats(formats)
    gray = to_gray(image)
    hits, scale = _first_pass(gray, enabled)
    found = [code for code in _accept(hits, enabled)
             if not trust.needs_second_look(code, scale) or _second_look_agrees(gray, code)]
    if found:
        return found
    one_d = enabled & ONE_D
    if one_d:
        found = _located_retry(gray, one_d, enabled)
    two_d = enabled - ONE_D
    if not found and two_d:
        # zxing-cpp finds some tilted DataMatrix symbols only when asked to rotate.
        found = _accept(zxing.read(gray, zxing.formats_for(two_d), try_rotate=True), enabled)
    return found


def _located_retry(gray: np.ndarray, one_d: frozenset[str],
                   enabled: frozenset[str]) -> list[Decoded]:
    """1-D codes in the regions OpenCV locates, each straightened and enlarged.

    Each crop is read by up to three passes (zxing-cpp, pyzbar, zxing-cpp on a
    sharpened copy). A code with a strong check (Code 128) counts at once; a
    weak-check code (EAN/UPC, ITF, Code 39) only when two passes agree on it and
    none reads the crop differently.
    """
    found: list[Decoded] = []
    one_d_formats = zxing.formats_for(one_d)
    for candidate in regions.candidates(gray):
        passes = (
            lambda c=candidate.crop: zxing.read(c, one_d_formats, try_downscale=False),
            lambda c=candidate.crop: zbar.read(c, one_d, rows_only=True),
            lambda c=candidate.crop: zxing.read(regions.sharpen(c), one_d_formats,
                                                try_downscale=False),
        )
        votes: dict[tuple[str, str], list] = {}
        confirmed: list[Decoded] = []
        for read in passes:
            for hit in _accept(read(), enabled):
                key = (hit.text, hit.symbology)
                votes.setdefault(key, [0, hit])[0] += 1
            weak = [key for key in votes if key[1] in trust.WEAK_CHECK]
            confirmed = [hit for key, (n, hit) in votes.items()
                         if key[1] not in trust.WEAK_CHECK or (n >= 2 and len(weak) == 1)]
            if confirmed:
                break
        for hit in confirmed:
            decoded = Decoded(hit.text, hit.symbology, candidate.map_points(hit.outline))
            if decoded not in found:
                found.append(decoded)
    return found


def _first_pass(gray: np.ndarray, enabled: frozenset[str]) -> tuple[list[Decoded], float]:
    """zxing-cpp on the whole frame: the codes, and the scale of the image it looked at."""
    # Without try_rotate zxing-cpp reads 1-D codes within about 30 degrees of level
    # (and 2-D codes at any angle) in half the time; steeper 1-D codes are left
    # to the located-and-straightened retry, which handles any angle.
    formats = zxing.formats_for(enabled)
    if noise_level(gray) <= NOISY:
        return zxing.read(gray, formats, try_rotate=False), 1.0
    # Noise makes zxing-cpp chase edges everywhere (slow); averaging 2x2 pixels
    # removes most of it. Small codes that need every pixel go to the retry.
    half = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    return [Decoded(h.text, h.symbology, [(2 * x, 2 * y) for x, y in h.outline])
            for h in zxing.read(half, formats, try_rotate=False, try_downscale=False)], 0.5


def _second_look_agrees(gray: np.ndarray, code: Decoded) -> bool:
    """Read a small 1-D code again from its region, straightened and enlarged."""
    corners = np.asarray(code.outline, dtype=np.float32)
    candidate = regions.straighten(gray, corners, min_aspect=0.25, long_side=SECOND_LOOK_PX)
    hits = zxing.read(candidate.crop, zxing.formats_for({code.symbology}), try_rotate=False,
                      try_downscale=False)
    return any(normalise(h.text, h.symbology)[0] == code.text for h in hits)


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
    """Median difference between horizontal neighbours on every 16th row: sensor noise."""
    rows = gray[::16].astype(np.int16)
    return float(np.median(np.abs(rows[:, 1:] - rows[:, :-1])))


def normalise(text: str, symbology: str) -> tuple[str, str]:
    """One spelling per code whatever the decoder: UPC-A as 12 digits, UPC-E as 8."""
    if symbology in ("ean13", "upca") and len(text) == 13 and text.startswith("0"):
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
        decoded = Decoded(text, symbology, result.outline)
        if not is_valid(text, symbology):
            continue
        if decoded not in out:
            out.append(decoded)
    return trust.without_conflicts(out)


def _check_formats(formats: set[str] | None) -> frozenset[str]:
    if formats is None:
        return DEFAULT_FORMATS
    unknown = set(formats) - DEFAULT_FORMATS
    if unknown:
        raise ValueError(f"unknown symbology {sorted(unknown)}; known: {sorted(DEFAULT_FORMATS)}")
    return frozenset(formats)
