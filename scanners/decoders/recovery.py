"""Reading a blurred or small 1-D code from a region that was located but not read.

A 1-D code carries all its information across the bars; along them every row
repeats the same thing. So the region is straightened (bars upright) at three
times its size, its angle refined from the image gradients, and its rows are
averaged into one profile across the bars: many scan lines combined into one,
which cancels most sensor and JPEG noise. A blurred profile is then sharpened by
Wiener deconvolution along the bar direction with the blurs a webcam gives
(defocus disk, motion smear, Gaussian), at widths around the one measured from
the profile's steepest edge. Each version is handed to zxing-cpp both as grey
and binarised at its local mean.

Nothing here decides whether a read is believed: ``scanners.decode`` counts
how many versions agree and applies the check digits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

UPSCALE = 3.0  # straighten at this scale: sub-pixel edges survive the row averaging
BAND = 0.6  # share of the region's height (along the bars) averaged into the profile
ROWS = 12  # rows of the image a profile is drawn into for the decoder
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


def strip(gray: np.ndarray, corners: np.ndarray) -> Strip:
    """The averaged profile across the bars of the region inside ``corners``."""
    (cx, cy), (w, h), angle = cv2.minAreaRect(np.asarray(corners, dtype=np.float32))
    if w < h:
        w, h, angle = h, w, angle + 90.0
    scale = min(UPSCALE, MAX_LENGTH_PX / max(w * 1.3 + 16, 1.0))
    out_w = int((w * 1.3 + 16) * scale)
    out_h = max(int(h * BAND * scale), 6)
    crop, matrix = _warp(gray, (cx, cy), angle, scale, out_w, out_h)
    # The locator's angle is a few degrees off at times; averaging rows at a slant smears
    # the bars, so the bars' own direction (structure tensor) corrects it.
    gx = cv2.Sobel(crop, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(crop, cv2.CV_32F, 0, 1, ksize=3)
    delta = 0.5 * float(np.degrees(np.arctan2(2 * float((gx * gy).sum()),
                                              float((gx * gx - gy * gy).sum()))))
    if 0.3 < abs(delta) < 15:
        crop, matrix = _warp(gray, (cx, cy), angle + delta, scale, out_w, out_h)
    profile = crop.mean(axis=0)
    thirds = np.array_split(crop, 3, axis=0)
    bands = tuple(t.mean(axis=0).astype(np.float32) for t in thirds)
    lo, hi = np.percentile(profile, (2, 98))
    contrast = float(hi - lo)
    slope = float(np.abs(np.diff(cv2.GaussianBlur(profile.reshape(1, -1), (0, 0), 1.0)[0])).max())
    blur = contrast / max(slope, 1e-3)
    # Strip rows 0..ROWS map onto the averaged band.
    to_crop = np.array([[1.0, 0.0, 0.0], [0.0, out_h / ROWS, 0.0]], dtype=np.float64)
    inverse = cv2.invertAffineTransform(matrix)
    to_image = _compose(inverse, to_crop)
    return Strip(profile.astype(np.float32), bands, to_image, blur, contrast,
                 _module_width(profile, lo, hi), scale)


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


def _warp(gray, centre, angle, scale, out_w, out_h):
    cx, cy = centre
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, scale)
    matrix[0, 2] += out_w / 2 - cx
    matrix[1, 2] += out_h / 2 - cy
    crop = cv2.warpAffine(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)
    return crop.astype(np.float32), matrix


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


def deconvolve(profile: np.ndarray, kind: str, width: float, nsr: float) -> np.ndarray:
    """Wiener deconvolution of ``profile`` by a ``kind`` blur of ``width`` px."""
    q = np.pad(profile.astype(np.float64), _PAD, mode="edge")
    mean = q.mean()
    n = len(q)
    k = _kernel(kind, width)
    kpad = np.zeros(n)
    kpad[:len(k)] = k
    kpad = np.roll(kpad, -(len(k) // 2))
    transfer = np.fft.rfft(kpad)
    spectrum = np.fft.rfft(q - mean)
    restored = np.fft.irfft(spectrum * np.conj(transfer) / (np.abs(transfer) ** 2 + nsr), n)
    return (restored + mean)[_PAD:-_PAD].astype(np.float32)


def as_grey(profile: np.ndarray) -> np.ndarray:
    """A profile drawn as a ``ROWS``-high grey image, its mid-range at 128.

    Decoded with zxing-cpp's fixed-threshold binariser: the threshold is then half
    way between the profile's dark and light levels, which is where the edges of a
    blurred bar lie (zxing-cpp's local binarisers need more rows than a profile has).
    """
    lo, hi = np.percentile(profile, (1, 99))
    row = np.clip(128 + (profile - (lo + hi) / 2) * (255.0 / max(hi - lo, 1e-3)), 0, 255)
    return np.repeat(row.astype(np.uint8)[None, :], ROWS, axis=0)


def versions(s: Strip) -> Iterator[tuple[str, np.ndarray]]:
    """Images of the profiles to decode, plainest first: (name, image)."""
    profiles = (("all", s.profile),) + tuple(zip(("top", "middle", "bottom"), s.bands,
                                                 strict=True))
    for name, profile in profiles:
        yield name, as_grey(profile)
    blur = float(np.clip(s.blur_px, 2.0, 40.0))
    for kind in ("disk", "box", "gaussian"):
        for name, profile in profiles:
            yield f"{name}-{kind}", as_grey(deconvolve(profile, kind, blur, 0.02))
