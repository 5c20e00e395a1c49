"""Reading a blurred or small 1-D code from a region that was located but not read.

A 1-D code carries all its information across the bars; along them every row
repeats the same thing. So the region is straightened (bars upright, their
direction taken from the image gradients) and stretched three times across the
bars, and its rows are averaged into profiles across the bars (the whole band,
and its top, middle and bottom thirds): many scan lines combined into one, which
cancels most sensor and JPEG noise. A blurred profile is then sharpened by Wiener
deconvolution along the bar direction with the blurs a webcam gives (defocus
disk, motion smear, Gaussian) of the width measured from the profile's steepest
edge. Each version is drawn as a thin image and read by zxing-cpp, binarised half
way between its dark and light levels.

Nothing here decides whether a read is believed: ``scanners.decode`` counts
how many versions agree and applies the check digits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

UPSCALE = 3.0  # straighten at this scale: sub-pixel edges survive the row averaging
REACH = 3.2  # the profile runs this many times the located length (see _bars_extent)
BAND = 0.6  # share of the region's height (along the bars) averaged into the profile
ROWS = 3  # rows of the image a profile is drawn into for the decoder
MAX_BAND_ROWS = 24  # rows of the straightened band (a taller one is sampled every few rows)
MAX_LENGTH_PX = 2400  # longest profile (after upscaling)
_PAD = 64


@dataclass(frozen=True)
class Strip:
    """A region's profile across the bars, and how to map it back to the image."""

    profile: np.ndarray  # float32, one value per upscaled pixel across the bars
    bands: tuple[np.ndarray, ...]  # the same over the top, middle and bottom third
    to_image: np.ndarray  # 2x3 affine: strip (x, y) -> image (x, y); y in 0..ROWS
    blur_px: float  # estimated blur width, in upscaled pixels
    contrast: float  # grey levels between the darkest and lightest 2 %
    module_px: float  # estimated narrowest bar, in upscaled pixels
    scale: float  # upscaled pixels per image pixel

    def map_points(self, points: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not points:
            return []
        pts = np.asarray(points, dtype=np.float32).reshape(-1, 1, 2)
        out = cv2.transform(pts, self.to_image).reshape(-1, 2)
        return [(int(round(x)), int(round(y))) for x, y in out]


def strip(gray: np.ndarray, corners: np.ndarray, reach: float = REACH) -> Strip:
    """The averaged profile across the bars of the region inside ``corners``.

    Which way the bars run is taken from the region's own gradients (the locators'
    boxes do not say which side runs across the bars). ``reach`` is how much longer
    than the region the profile runs (the boxes often stop short of a blurred code's
    ends and quiet zones).
    """
    pts = np.asarray(corners, dtype=np.float32).reshape(-1, 2)
    theta = _across(gray, pts)
    u = np.array([np.cos(theta), np.sin(theta)], dtype=np.float32)  # across the bars
    v = np.array([-np.sin(theta), np.cos(theta)], dtype=np.float32)  # along them
    a, b = pts @ u, pts @ v
    length, height = float(a.max() - a.min()), float(b.max() - b.min())
    centre = u * (a.max() + a.min()) / 2 + v * (b.max() + b.min()) / 2
    scale = min(UPSCALE, MAX_LENGTH_PX / max(length * reach + 16, 1.0))
    out_w = int((length * reach + 16) * scale)
    # Along the bars nothing changes: no need to enlarge, and a tall band is sampled
    # every few rows (cubic interpolation still reads the rows in between).
    band = max(height * BAND, 6.0)
    rows = min(band, MAX_BAND_ROWS)
    along = rows / band
    out_h = int(rows)
    matrix = np.array([[scale * u[0], scale * u[1], out_w / 2 - scale * float(centre @ u)],
                       [along * v[0], along * v[1], out_h / 2 - along * float(centre @ v)]],
                      dtype=np.float64)
    crop = cv2.warpAffine(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    first, last = _bars_extent(crop.mean(axis=0), scale)
    crop = crop[:, first:last]
    profile = crop.mean(axis=0)
    thirds = np.array_split(crop, 3, axis=0)
    bands = tuple(t.mean(axis=0).astype(np.float32) for t in thirds)
    lo, hi = _levels(profile, 0.02, 0.98)
    contrast = hi - lo
    slope = float(np.abs(np.diff(cv2.GaussianBlur(profile.reshape(1, -1), (0, 0), 1.0)[0])).max())
    blur = contrast / max(slope, 1e-3)
    # Strip rows 0..ROWS map onto the averaged band.
    to_crop = np.array([[1.0, 0.0, float(first)], [0.0, out_h / ROWS, 0.0]], dtype=np.float64)
    inverse = cv2.invertAffineTransform(matrix)
    to_image = _compose(inverse, to_crop)
    return Strip(profile.astype(np.float32), bands, to_image, blur, contrast,
                 _module_width(profile, lo, hi), scale)


def _bars_extent(profile: np.ndarray, scale: float) -> tuple[int, int]:
    """The stretch of ``profile`` with bars in it around its middle, quiet zones included.

    The locators' boxes are often half a blurred code long, so the profile is taken
    ``REACH`` times longer and trimmed back here to where the bars' ups and downs
    stop (with a margin for the quiet zones), so desk clutter beyond does not
    disturb the levels the decoder's threshold sits between.
    """
    n = len(profile)
    win = max(int(6 * scale) | 1, 3)
    mean = cv2.blur(profile.reshape(1, -1), (win, 1), borderType=cv2.BORDER_REPLICATE)[0]
    sq = cv2.blur((profile * profile).reshape(1, -1), (win, 1),
                  borderType=cv2.BORDER_REPLICATE)[0]
    activity = np.sqrt(np.maximum(sq - mean * mean, 0.0))
    middle = activity[n // 3: 2 * n // 3]
    if middle.size == 0 or middle.max() <= 0:
        return 0, n
    peak = n // 3 + int(np.argmax(middle))
    quiet = activity < 0.12 * float(activity[peak])
    # Walk out from the busiest point to the first stretch of quiet as long as a
    # quiet zone (about 14 image pixels); the bars end there.
    run = max(int(14 * scale), 4)
    first, last = 0, n
    count = 0
    for i in range(peak, -1, -1):
        count = count + 1 if quiet[i] else 0
        if count >= run:
            first = i
            break
    count = 0
    for i in range(peak, n):
        count = count + 1 if quiet[i] else 0
        if count >= run:
            last = i + 1
            break
    return first, last


def _across(gray: np.ndarray, pts: np.ndarray) -> float:
    """The direction (radians) across the bars inside the polygon ``pts``: the gradients'."""
    h, w = gray.shape[:2]
    x0, y0 = (int(v) for v in np.clip(np.floor(pts.min(axis=0)), 0, [w - 1, h - 1]))
    x1, y1 = (int(v) for v in np.clip(np.ceil(pts.max(axis=0)) + 1, 1, [w, h]))
    patch = gray[y0:y1, x0:x1].astype(np.float32)
    if patch.shape[0] < 3 or patch.shape[1] < 3:
        return 0.0
    gx = cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3)
    mask = np.zeros(patch.shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(pts - [x0, y0]).astype(np.int32), 1)
    sel = mask.astype(bool)
    if not sel.any():
        sel[:] = True
    sxx, syy, sxy = (float(x[sel].sum()) for x in (gx * gx, gy * gy, gx * gy))
    return 0.5 * float(np.arctan2(2 * sxy, sxx - syy))


def _module_width(profile: np.ndarray, lo: float, hi: float) -> float:
    """About how wide the narrowest bar is: the bars' span over their number of edges.

    Code 128 and EAN average about 1.8 modules per bar or space; blur hides the
    narrowest ones, so this errs on the wide side.
    """
    above = profile > (lo + hi) / 2
    edges = np.flatnonzero(above[1:] != above[:-1])
    if len(edges) < 4:
        return float(len(profile))
    return float(edges[-1] - edges[0]) / ((len(edges) - 1) * 1.8)


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2x3 affine ``outer(inner(p))``."""
    a = np.vstack([outer, [0, 0, 1]])
    b = np.vstack([inner, [0, 0, 1]])
    return (a @ b)[:2]


def _kernel(kind: str, width: float) -> np.ndarray:
    """A 1-D blur of ``width`` px: "disk" (defocus: a disk's line spread), "box" (motion)."""
    n = int(np.ceil(width / 2)) + 1
    x = np.arange(-n, n + 1, dtype=np.float64)
    if kind == "disk":
        k = np.sqrt(np.clip(1.0 - (2 * x / max(width, 1e-6)) ** 2, 0.0, None))
    elif kind == "box":
        k = np.clip(width / 2 + 0.5 - np.abs(x), 0.0, 1.0)
    else:  # gaussian, width = 2.5 sigma
        k = np.exp(-0.5 * (x / max(width / 2.5, 1e-6)) ** 2)
    return k / k.sum()


def _fft_size(n: int) -> int:
    return cv2.getOptimalDFTSize(n)


def deconvolve(profile: np.ndarray, kind: str, width: float, nsr: float) -> np.ndarray:
    """Wiener deconvolution of ``profile`` by a ``kind`` blur of ``width`` px."""
    return _Spectrum(profile).deconvolve(kind, width, nsr)


class _Spectrum:
    """A profile's Fourier transform, kept for deconvolving it by several blurs."""

    def __init__(self, profile: np.ndarray) -> None:
        q = np.pad(profile.astype(np.float64), _PAD, mode="edge")
        self.mean = float(q.mean())
        self.length = len(profile)
        self.n = _fft_size(len(q))
        padded = np.full(self.n, self.mean)
        padded[:len(q)] = q
        self.spectrum = np.fft.rfft(padded - self.mean)

    def deconvolve(self, kind: str, width: float, nsr: float) -> np.ndarray:
        k = _kernel(kind, width)
        kpad = np.zeros(self.n)
        kpad[:len(k)] = k
        kpad = np.roll(kpad, -(len(k) // 2))
        transfer = np.fft.rfft(kpad)
        restored = np.fft.irfft(self.spectrum * np.conj(transfer)
                                / (np.abs(transfer) ** 2 + nsr), self.n)
        return (restored[_PAD:_PAD + self.length] + self.mean).astype(np.float32)


def _levels(profile: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """The ``low`` and ``high`` fractions (0..1) of a profile's sorted values."""
    ordered = np.sort(profile)
    last = len(ordered) - 1
    return float(ordered[int(low * last)]), float(ordered[int(high * last)])


def as_grey(profile: np.ndarray) -> np.ndarray:
    """A profile drawn as a ``ROWS``-high grey image, its mid-range at 128.

    Decoded with zxing-cpp's fixed-threshold binariser: the threshold is then half
    way between the profile's dark and light levels, which is where the edges of a
    blurred bar lie (zxing-cpp's local binarisers need more rows than a profile has).
    """
    lo, hi = _levels(profile, 0.01, 0.99)
    row = np.clip(128 + (profile - (lo + hi) / 2) * (255.0 / max(hi - lo, 1e-3)), 0, 255)
    return np.repeat(row.astype(np.uint8)[None, :], ROWS, axis=0)


def versions(s: Strip) -> Iterator[tuple[str, np.ndarray]]:
    """Images of the profiles to decode, plainest first: (name, image)."""
    profiles = (("all", s.profile),) + tuple(zip(("top", "middle", "bottom"), s.bands,
                                                 strict=True))
    for name, profile in profiles:
        yield name, as_grey(profile)
    blur = float(np.clip(s.blur_px, 2.0, 40.0))
    spectra = [(name, _Spectrum(profile)) for name, profile in profiles]
    for kind in ("disk", "box", "gaussian"):
        for name, spectrum in spectra:
            yield f"{name}-{kind}", as_grey(spectrum.deconvolve(kind, blur, 0.02))
