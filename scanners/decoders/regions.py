"""Find candidate 1-D code regions with OpenCV and straighten them for another try.

Only OpenCV's locator is used: its own decoder misreads Code 128 as EAN, so the
straightened, enlarged crops go back to zxing-cpp (and zbar).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

_local = threading.local()

CROP_LONG_SIDE = 900  # px: enlarge small codes to about this width
MAX_SCALE = 3.0
MAX_CROP_HEIGHT = 220  # px: a band across the bars is enough for a 1-D decoder
MAX_CANDIDATES = 3
LOCATE_MAX_WIDTH = 960  # px: wider frames are located at half size


@dataclass(frozen=True)
class Candidate:
    """A straightened crop and the affine map from crop to image coordinates."""

    crop: np.ndarray
    to_image: np.ndarray  # 2x3

    def map_points(self, points: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Crop coordinates -> image coordinates."""
        if not points:
            return []
        pts = np.asarray(points, dtype=np.float32).reshape(-1, 1, 2)
        out = cv2.transform(pts, self.to_image).reshape(-1, 2)
        return [(int(round(x)), int(round(y))) for x, y in out]


def _detector() -> cv2.barcode.BarcodeDetector:
    detector = getattr(_local, "detector", None)
    if detector is None:
        detector = _local.detector = cv2.barcode.BarcodeDetector()
    return detector


def locate(gray: np.ndarray, factor: float | None = None) -> list[np.ndarray]:
    """Corners (4x2 float arrays) of the regions that look like 1-D codes.

    ``factor`` is how much the frame is shrunk first (default: 2 for frames wider
    than ``LOCATE_MAX_WIDTH``, else 1).
    """
    # The locator costs about four times less at half a 720p frame and still
    # finds most codes that are too small to decode there.
    if factor is None:
        factor = 2.0 if gray.shape[1] > LOCATE_MAX_WIDTH else 1.0
    small = gray if factor == 1 else cv2.resize(
        gray, (int(gray.shape[1] / factor), int(gray.shape[0] / factor)),
        interpolation=cv2.INTER_AREA)
    found, points = _detector().detect(small)
    if not found or points is None:
        return []
    boxes = [np.asarray(p, dtype=np.float32).reshape(4, 2) * factor for p in points]
    boxes.sort(key=lambda b: -cv2.contourArea(b))
    return boxes[:MAX_CANDIDATES]


TEXTURE_WINDOW = 9  # px at half size: the neighbourhood the bar texture is measured over
TEXTURE_COHERENCE = 0.6  # gradients this aligned (1 = all one direction) ...
TEXTURE_ENERGY = 3000.0  # ... and this strong (mean squared Sobel gradient) ...
TEXTURE_ALTERNATION = 0.15  # ... and alternating in sign (bars, not a single edge)
TEXTURE_MIN_AREA = 150  # px at half size


def locate_texture(gray: np.ndarray) -> list[np.ndarray]:
    """Corners of regions with the texture of bars, from the gradients' structure tensor.

    Cheaper than OpenCV's locator and it still finds codes whose bars are too fine,
    faint or smeared for it: where the gradients in a neighbourhood are strong, share
    one direction, and change sign (many edges rather than one). Each region's box is
    aligned with that direction, so a code is found at any angle. Looked at half size.
    """
    half = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2),
                      interpolation=cv2.INTER_AREA).astype(np.float32)
    gx = cv2.Sobel(half, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(half, cv2.CV_32F, 0, 1, ksize=3)
    win = (TEXTURE_WINDOW, TEXTURE_WINDOW)
    jxx = cv2.boxFilter(gx * gx, -1, win)
    jyy = cv2.boxFilter(gy * gy, -1, win)
    jxy = cv2.boxFilter(gx * gy, -1, win)
    energy = jxx + jyy + 1e-3
    coherence = cv2.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy) / energy
    mx, my = cv2.boxFilter(gx, -1, win), cv2.boxFilter(gy, -1, win)
    alternation = (mx * mx + my * my) / energy
    mask = ((coherence > TEXTURE_COHERENCE) & (energy > TEXTURE_ENERGY)
            & (alternation < TEXTURE_ALTERNATION)).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    boxes = []
    for contour in contours:
        if cv2.contourArea(contour) < TEXTURE_MIN_AREA:
            continue
        x, y, w, h = cv2.boundingRect(contour)
        inside = np.zeros((h, w), np.uint8)
        cv2.drawContours(inside, [contour], -1, 1, -1, offset=(-x, -y))
        sel = inside.astype(bool)
        sxx, syy = float(jxx[y:y + h, x:x + w][sel].sum()), float(jyy[y:y + h, x:x + w][sel].sum())
        sxy = float(jxy[y:y + h, x:x + w][sel].sum())
        across = 0.5 * np.arctan2(2 * sxy, sxx - syy)  # the gradients' direction: across the bars
        ux, uy = np.cos(across), np.sin(across)
        pts = contour.reshape(-1, 2).astype(np.float32)
        a = pts @ np.array([ux, uy], dtype=np.float32)
        b = pts @ np.array([-uy, ux], dtype=np.float32)
        if b.max() - b.min() < 6:
            continue
        box = np.array([[a.min(), b.min()], [a.max(), b.min()], [a.max(), b.max()],
                        [a.min(), b.max()]], dtype=np.float32)
        corners = np.stack([box[:, 0] * ux - box[:, 1] * uy,
                            box[:, 0] * uy + box[:, 1] * ux], axis=1)
        boxes.append((corners * 2).astype(np.float32))
    boxes.sort(key=lambda c: -cv2.contourArea(c))
    return boxes[:MAX_CANDIDATES]


def straighten(gray: np.ndarray, corners: np.ndarray, min_aspect: float = 0.0,
               long_side: int = CROP_LONG_SIDE) -> Candidate:
    """Rotate the region level, add a quiet zone and enlarge it.

    ``min_aspect`` widens a thin region (a code read on a few rows only) to at
    least that fraction of its length, so the crop holds whole bars.
    """
    (cx, cy), (w, h), angle = cv2.minAreaRect(corners)
    if w < h:
        w, h, angle = h, w, angle + 90.0
    h = max(h, w * min_aspect)
    w, h = w * 1.3 + 8, h * 1.15 + 8
    scale = float(np.clip(long_side / max(w, 1.0), 1.0, MAX_SCALE))
    out_w = int(w * scale)
    out_h = int(min(h * scale, MAX_CROP_HEIGHT))
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, scale)
    matrix[0, 2] += out_w / 2 - cx
    matrix[1, 2] += out_h / 2 - cy
    crop = cv2.warpAffine(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)
    return Candidate(crop, cv2.invertAffineTransform(matrix))


def candidates(gray: np.ndarray) -> Iterator[Candidate]:
    """Straightened crops of the likely 1-D code regions, largest first."""
    for corners in locate(gray):
        yield straighten(gray, corners)


def sharpen(crop: np.ndarray) -> np.ndarray:
    """Unsharp mask, for a blurred crop."""
    return cv2.addWeighted(crop, 1.8, cv2.GaussianBlur(crop, (0, 0), 3), -0.8, 0)
