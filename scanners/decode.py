"""Find and read the codes in an image.

``decode_image`` is what the camera worker and ``main.py decode`` call:

1. zxing-cpp on the whole frame, the enabled formats only: 1-D codes with every
   three rows averaged into one (six when the frame is noisy; a third of the
   time, and every pixel across the bars kept), 2-D codes at half size;
2. if that finds nothing: OpenCV's barcode locator marks likely 1-D regions;
   each is recovered (``decoders.recovery``: straightened at 3x, rows averaged
   into profiles across the bars, deconvolved for defocus / motion blur) and
   the profiles read by zxing-cpp; a region still unread is straightened and
   enlarged and read by zxing-cpp and pyzbar (where libzbar is installed);
   where nothing is located, zxing-cpp reads the whole frame at full size;
3. if still nothing: zxing-cpp for 2-D codes with rotation on.

This expensive part runs only on frames where a 1-D region was located but
not read. ``decode_frame`` also says what it located and could not read (for
``decode --explain`` and for the camera's multi-frame reading).

Every result is normalised (UPC-A as 12 digits, UPC-E as 8) and validated: a
code whose check digit or GS1 structure is wrong is dropped, and so is a read
that ``scanners.trust`` does not believe. A misread is never reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from scanners import trust
from scanners.checks import is_valid, upca_to_upce
from scanners.decoders import Decoded, recovery, regions, zbar, zxing
from scanners.scan import SYMBOLOGIES

__all__ = ["Decoded", "FrameReport", "Region", "decode_frame", "decode_image", "decoder_names",
           "decoder_summary", "DEFAULT_FORMATS", "ONE_D"]

Point = tuple[int, int]

DEFAULT_FORMATS = frozenset(SYMBOLOGIES) - {"unknown"}
ONE_D = trust.ONE_D

# A result of the key symbology is also accepted when one of these is enabled.
_COVERED_BY = {
    "upca": {"ean13"},
    "gs1-128": {"code128"},
    "gs1-qr": {"qr"},
    "gs1-datamatrix": {"datamatrix"},
}

# Versions of a recovered profile that must agree before a code is believed on one frame.
VOTES_STRONG = 2  # Code 128 / GS1-128 (mod-103 check character)
VOTES_WEAK = 3  # EAN/UPC/ITF (mod 10), Code 39 (no check)
EDGE_MARGIN_PX = 3  # px: a region this close to the frame's edge is cut off
TWO_D_HALF_WIDTH = 960  # px: wider frames are searched for 2-D codes at half size
SECOND_LOOK_PX = 640  # px: how long a code is drawn for its second look
NOISY = 8.0  # median neighbour difference (grey levels) above which a frame is noisy
ROW_AVERAGE = 3  # rows averaged into one for the first pass's 1-D look
NOISY_ROW_AVERAGE = 6  # ... on a noisy frame


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


@dataclass
class Region:
    """A 1-D code region that was located in a frame but gave no believed code."""

    corners: list[Point]
    sharpness: float  # variance of the Laplacian over the region
    blur_px: float  # how far an edge is spread, in image pixels
    module_px: float  # about how wide the narrowest bars are, in image pixels
    cut_off: bool  # touches the frame's edge
    tentative: list[Decoded] = field(default_factory=list)  # read, but not often enough

    @property
    def centre(self) -> Point:
        x, y = np.mean(np.asarray(self.corners, dtype=np.float32), axis=0)
        return int(round(x)), int(round(y))


@dataclass
class FrameReport:
    """What one frame gave: believed codes, and the 1-D regions it could not read."""

    codes: list[Decoded]
    regions: list[Region] = field(default_factory=list)


def decode_image(image: np.ndarray, formats: set[str] | None = None) -> list[Decoded]:
    """Every valid code found in ``image`` (BGR, BGRA or grayscale uint8 array).

    ``formats`` restricts the symbologies read (names from ``scanners.scan.SYMBOLOGIES``);
    ``None`` reads them all.
    """
    return decode_frame(image, formats).codes


def decode_frame(image: np.ndarray, formats: set[str] | None = None, *,
                 recover: bool | Callable[[float], bool] = True,
                 rotated_2d: bool = True) -> FrameReport:
    """``decode_image`` with the located but unread 1-D regions as well.

    ``recover`` says whether to deconvolve a blurred region: a bool, or a function
    of the region's sharpness (the camera deconvolves only on the sharpest recent
    frames, see ``scanners.multiframe``). ``rotated_2d=False`` skips the last,
    slowest step (2-D codes at full size with rotation: 3-8 ms on a 720p frame);
    the camera runs it a few times a second, not on every frame.
    """
    enabled = _check_formats(formats)
    gray = to_gray(image)
    hits, scale = _first_pass(gray, enabled)
    found = [code for code in _accept(hits, enabled)
             if not trust.needs_second_look(code, scale) or _second_look_agrees(gray, code)]
    if found:
        return FrameReport(found)
    one_d = enabled & ONE_D
    unread: list[Region] = []
    if one_d:
        found, unread = _located_retry(gray, one_d, enabled, recover)
    two_d = enabled - ONE_D
    if not found and two_d and rotated_2d:
        # zxing-cpp finds some tilted DataMatrix symbols only when asked to rotate.
        # At full size: the first pass looked at half size, where small ones are lost.
        hits = zxing.read(gray, zxing.formats_for(two_d), try_rotate=True, try_downscale=False)
        found = _accept(hits, enabled)
    return FrameReport(found, [] if found else unread)


def _located_retry(gray: np.ndarray, one_d: frozenset[str], enabled: frozenset[str],
                   recover: bool | Callable[[float], bool]) -> tuple[list[Decoded],
                                                                     list[Region]]:
    """1-D codes in the regions OpenCV locates; and the regions that gave none."""
    found: list[Decoded] = []
    unread: list[Region] = []
    one_d_formats = zxing.formats_for(one_d)
    located = regions.locate(gray)
    if not located:
        # Small, faint or smeared codes OpenCV's locator misses.
        located = regions.locate_texture(gray)
    if not located:
        # Nothing looks like bars: the first pass's full-size look, for what both
        # locators miss.
        return _full_size(gray, one_d_formats, enabled), []
    for corners in located:
        strip = recovery.strip(gray, corners)
        sharp: float | None = None  # measured only when needed (0.2 ms)
        if callable(recover):
            sharp = sharpness(gray, corners)
            deconvolve = recover(sharp)
        else:
            deconvolve = recover
        codes, tentative = _recover(strip, one_d_formats, enabled, deconvolve)
        if not codes and deconvolve:  # the last resort, on the frames worth it
            codes = _crop_passes(regions.straighten(gray, corners), one_d, one_d_formats,
                                 enabled)
        for code in codes:
            if code not in found:
                found.append(code)
        if not codes:
            sharp = sharpness(gray, corners) if sharp is None else sharp
            unread.append(_region(gray, corners, strip, sharp, tentative))
    return found, unread


def _recover(strip: recovery.Strip, formats: list, enabled: frozenset[str],
             deconvolve: bool) -> tuple[list[Decoded], list[Decoded]]:
    """Codes believed from the versions of a region's profiles, and those read too rarely.

    A code is believed when enough versions read it (``VOTES_STRONG`` /
    ``VOTES_WEAK``) and no version read the region differently.
    """
    votes: dict[tuple[str, str], list] = {}
    for n, (_name, image) in enumerate(recovery.versions(strip)):
        if n >= 4 and not deconvolve:
            break
        for hit in _accept(zxing.read(image, formats, try_rotate=False, try_downscale=False,
                                      fixed_threshold=True), enabled):
            key = (hit.text, hit.symbology)
            votes.setdefault(key, [0, hit])[0] += 1
        if len(votes) > 1:
            return [], []  # two readings of one region: believe neither
        believed = [hit for (text, symbology), (count, hit) in votes.items()
                    if count >= (VOTES_WEAK if symbology in trust.WEAK_CHECK else VOTES_STRONG)]
        if believed:
            return [Decoded(h.text, h.symbology, strip.map_points(h.outline))
                    for h in believed], []
    return [], [Decoded(h.text, h.symbology, strip.map_points(h.outline))
                for _count, h in votes.values()]


def _crop_passes(candidate: regions.Candidate, one_d: frozenset[str], one_d_formats: list,
                 enabled: frozenset[str]) -> list[Decoded]:
    """A straightened, enlarged crop read by zxing-cpp and pyzbar.

    A code with a strong check (Code 128) counts at once; a weak-check code
    (EAN/UPC, ITF, Code 39) only when both agree and neither reads it differently.
    """
    passes = (
        lambda c=candidate.crop: zxing.read(c, one_d_formats, try_downscale=False),
        lambda c=candidate.crop: zbar.read(c, one_d, rows_only=True),
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
    return [Decoded(hit.text, hit.symbology, candidate.map_points(hit.outline))
            for hit in confirmed]


def sharpness(gray: np.ndarray, corners) -> float:
    """Variance of the Laplacian over the box around ``corners`` (0 when it is empty)."""
    pts = np.asarray(corners, dtype=np.float32).reshape(-1, 2)
    if len(pts) < 3:
        return 0.0
    h, w = gray.shape[:2]
    x0, y0 = (int(v) for v in np.clip(np.floor(pts.min(axis=0)), 0, [w, h]))
    x1, y1 = (int(v) for v in np.clip(np.ceil(pts.max(axis=0)), 0, [w, h]))
    patch = gray[y0:y1, x0:x1]
    if patch.size < 16:
        return 0.0
    return float(cv2.Laplacian(patch, cv2.CV_32F).var())


def _region(gray: np.ndarray, corners: np.ndarray, strip: recovery.Strip, sharp: float,
            tentative: list[Decoded]) -> Region:
    h, w = gray.shape[:2]
    pts = np.asarray(corners, dtype=np.float32)
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    cut = bool(x0 <= EDGE_MARGIN_PX or y0 <= EDGE_MARGIN_PX or x1 >= w - 1 - EDGE_MARGIN_PX
               or y1 >= h - 1 - EDGE_MARGIN_PX)
    return Region([(int(round(x)), int(round(y))) for x, y in pts], sharp,
                  strip.blur_px / strip.scale, strip.module_px / strip.scale, cut, tentative)


def _first_pass(gray: np.ndarray, enabled: frozenset[str]) -> tuple[list[Decoded], float]:
    """The cheap look at the whole frame: the codes, and the scale of the image looked at.

    1-D codes are read from the frame with every ``ROW_AVERAGE`` rows averaged into
    one (``NOISY_ROW_AVERAGE`` on a noisy frame): across the bars (within about 30
    degrees of level; steeper ones are left to the located retry, which handles any
    angle) every pixel is kept, and a label that is sharp and large enough is read
    in a third of the time. What this misses goes to the located retry (each region
    straightened at three times its size), or, where nothing looks like a code, to
    one look at full size.
    """
    half = _half(gray)
    rows = ROW_AVERAGE
    if noise_level(gray) > NOISY:
        # Noise makes zxing-cpp chase edges everywhere (slow). Averaging more rows
        # removes most of it and keeps every pixel across the bars (halving the
        # frame, as before, lost the 1-D codes of a camera's short exposure).
        rows = NOISY_ROW_AVERAGE
    # 2-D finders cost three times as much at full size and find the same symbols
    # at half size (modules of 2 px and up).
    one_d = zxing.formats_for(enabled & ONE_D)
    two_d = zxing.formats_for(enabled - ONE_D)
    found = _rows_averaged(gray, one_d, rows) if one_d else []
    if two_d and (gray.shape[1] > TWO_D_HALF_WIDTH or rows != ROW_AVERAGE):
        found += _doubled(zxing.read(half, two_d, try_rotate=False, try_downscale=False))
    elif two_d:
        found += zxing.read(gray, two_d, try_rotate=False)
    return found, 1.0


def _rows_averaged(gray: np.ndarray, formats: list, every: int = ROW_AVERAGE) -> list[Decoded]:
    """1-D codes read with every ``every`` rows averaged, in full-size coordinates."""
    h, w = gray.shape[:2]
    rows = h // every
    if rows < 8:
        return zxing.read(gray, formats, try_rotate=False, try_downscale=False)
    # Summed in numpy: cv2.resize with INTER_AREA takes 15 times as long for 1:3.
    total = np.zeros((rows, w), np.uint16)
    for k in range(every):
        total += gray[k:rows * every:every]
    short = (total // every).astype(np.uint8)
    hits = zxing.read(short, formats, try_rotate=False, try_downscale=False)
    return [Decoded(h.text, h.symbology, [(x, every * y + every // 2)
                                          for x, y in h.outline]) for h in hits]


def _full_size(gray: np.ndarray, formats: list, enabled: frozenset[str]) -> list[Decoded]:
    """1-D codes zxing-cpp reads in the whole frame at full size, believed as on the
    first pass (a second look where ``trust`` wants one)."""
    hits = zxing.read(gray, formats, try_rotate=False, try_downscale=False)
    return [code for code in _accept(hits, enabled)
            if not trust.needs_second_look(code) or _second_look_agrees(gray, code)]


def _half(gray: np.ndarray) -> np.ndarray:
    return cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)


def _doubled(hits: list[Decoded]) -> list[Decoded]:
    """Results read at half size, in full-size coordinates."""
    return [Decoded(h.text, h.symbology, [(2 * x, 2 * y) for x, y in h.outline]) for h in hits]


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
    rows = gray[::16]
    diff = cv2.absdiff(rows[:, 1:], rows[:, :-1])
    # From the histogram: np.median's partition takes ~10 ms on the many equal values
    # of a smooth, empty frame.
    counts = np.cumsum(np.bincount(diff.ravel(), minlength=256))
    return float(np.searchsorted(counts, (counts[-1] + 1) // 2))


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
