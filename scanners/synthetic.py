"""Synthetic labels and webcam-like frames, for demos, tests and benchmarks.

A label is rendered with zxing-cpp's writer (or python-barcode for the retail
codes with printed digits), then pasted into a 1280x720 scene the way a webcam
would see it: small, rotated, tilted, blurred, noisy, low in contrast and
JPEG-compressed. Everything is driven by a seeded ``numpy.random.Generator`` so a
corpus is the same on every machine.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

FRAME_SIZE = (1280, 720)

_ZXING_WRITE = {
    "code128": (zxingcpp.BarcodeFormat.Code128, False),
    "gs1-128": (zxingcpp.BarcodeFormat.Code128, True),
    "code39": (zxingcpp.BarcodeFormat.Code39, False),
    "ean13": (zxingcpp.BarcodeFormat.EAN13, False),
    "ean8": (zxingcpp.BarcodeFormat.EAN8, False),
    "upca": (zxingcpp.BarcodeFormat.UPCA, False),
    "upce": (zxingcpp.BarcodeFormat.UPCE, False),
    "itf": (zxingcpp.BarcodeFormat.ITF, False),
    "qr": (zxingcpp.BarcodeFormat.QRCode, False),
    "gs1-qr": (zxingcpp.BarcodeFormat.QRCode, True),
    "datamatrix": (zxingcpp.BarcodeFormat.DataMatrix, False),
    "gs1-datamatrix": (zxingcpp.BarcodeFormat.DataMatrix, True),
}

# One sample payload per symbology: what is encoded (GS1 in parenthesised form).
SAMPLE_CONTENT = {
    "code128": "IT-000123",
    "gs1-128": "(01)09501101530003(21)SER0001",
    "code39": "LOC-A12",
    "ean13": "9501101530003",
    "ean8": "96385074",
    "upca": "036000291452",
    "upce": "01234565",
    "itf": "15012345678907",
    "qr": "https://stock.example.com/a/IT-000123",
    "gs1-qr": "(01)09501101530003(10)LOT42(21)SN-77",
    "datamatrix": "SN:5CG1234XYZ",
    "gs1-datamatrix": "(01)09501101530003(17)271231(10)ABC123(21)S0042",
}

ONE_D = {"code128", "gs1-128", "code39", "ean13", "ean8", "upca", "upce", "itf"}


def render_label(symbology: str, content: str, module_px: int = 3) -> np.ndarray:
    """Render one code as a grayscale label (black on white, quiet zones included)."""
    fmt, gs1 = _ZXING_WRITE[symbology]
    kwargs = {"gs1": True} if gs1 else {}
    code = zxingcpp.create_barcode(content, fmt, **kwargs)
    image: np.ndarray = np.array(zxingcpp.write_barcode_to_image(code, scale=module_px),
                                 dtype=np.uint8)
    if symbology in ONE_D:
        # zxing-cpp draws 1-D codes short; a printed label is taller than that.
        image = cv2.resize(image, (image.shape[1], max(image.shape[0], image.shape[1] // 3)),
                           interpolation=cv2.INTER_NEAREST)
    pad = module_px * 4
    return cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def render_retail_label(symbology: str, content: str) -> np.ndarray:
    """Render an EAN/UPC/Code 39 label with printed digits using python-barcode."""
    import barcode
    from barcode.writer import ImageWriter
    from PIL import Image

    name = {"ean13": "ean13", "ean8": "ean8", "upca": "upca", "code39": "code39"}[symbology]
    options = {"add_checksum": False} if symbology == "code39" else {}
    data = content[:-1] if symbology in {"ean13", "ean8", "upca"} else content
    code = barcode.get(name, data, writer=ImageWriter(), options=options)
    buffer = io.BytesIO()
    code.write(buffer, options={"module_width": 0.33, "module_height": 12.0, "dpi": 200})
    buffer.seek(0)
    return np.array(Image.open(buffer).convert("L"), dtype=np.uint8)


@dataclass(frozen=True)
class Distortion:
    """How a camera sees a label; each field is a (low, high) range drawn per frame."""

    width_frac: tuple[float, float] = (0.30, 0.40)  # label width / frame width
    angle: tuple[float, float] = (-4.0, 4.0)  # degrees, in the image plane
    tilt: tuple[float, float] = (0.0, 0.03)  # perspective: far edge shrink factor
    blur: tuple[float, float] = (0.0, 0.4)  # gaussian sigma, px
    noise: tuple[float, float] = (1.0, 3.0)  # gaussian sigma, grey levels
    contrast: tuple[float, float] = (0.85, 1.0)
    jpeg: tuple[int, int] = (85, 95)


DISTORTIONS: dict[str, Distortion] = {
    "clean": Distortion(),
    "small": Distortion(width_frac=(0.13, 0.18)),
    "rotated": Distortion(angle=(20.0, 340.0)),
    "tilted": Distortion(tilt=(0.2, 0.35), angle=(-10.0, 10.0)),
    "blurred": Distortion(blur=(1.2, 2.0)),
    "noisy": Distortion(noise=(14.0, 22.0)),
    "low-contrast": Distortion(contrast=(0.18, 0.28)),
    "jpeg": Distortion(jpeg=(12, 25)),
    "webcam": Distortion(width_frac=(0.2, 0.3), angle=(-15.0, 15.0), tilt=(0.05, 0.15),
                         blur=(0.6, 1.0), noise=(4.0, 8.0), contrast=(0.55, 0.75), jpeg=(50, 70)),
}


def _background(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """A desk: smooth shading, a little texture, a few dark objects for clutter."""
    w, h = size
    coarse = rng.uniform(60, 170, size=(4, 6)).astype(np.float32)
    base = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    texture = cv2.GaussianBlur(_normal(rng, (h, w), 12.0), (0, 0), 3)
    scene = base + texture
    for _ in range(int(rng.integers(2, 6))):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.rectangle(scene, (x, y), (x + int(rng.integers(30, 250)), y + int(rng.integers(5, 60))),
                      float(rng.uniform(10, 90)), -1)
    return scene


def _normal(rng: np.random.Generator, shape: tuple[int, ...], sigma: float) -> np.ndarray:
    """Gaussian noise, fast (OpenCV's generator, seeded from ``rng`` so still reproducible)."""
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    out = np.empty(shape, dtype=np.float32)
    cv2.randn(out, np.float64(0.0), np.float64(sigma))  # type: ignore[call-overload]
    return out


def _draw(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


def composite(label: np.ndarray, distortion: Distortion, rng: np.random.Generator,
              size: tuple[int, int] = FRAME_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Paste ``label`` into a webcam-like BGR frame.

    Returns the frame and the label's four corners in frame coordinates.
    """
    w, h = size
    lh, lw = label.shape[:2]
    target_w = _draw(rng, distortion.width_frac) * w
    scale = target_w / lw
    # Keep the whole label on screen whatever its rotation.
    diag = np.hypot(lw, lh) * scale
    if diag > 0.95 * min(w, h) * 1.6:
        scale *= 0.95 * min(w, h) * 1.6 / diag
        diag = np.hypot(lw, lh) * scale
    cx = rng.uniform(diag / 2 + 5, max(diag / 2 + 6, w - diag / 2 - 5))
    cy = rng.uniform(min(diag / 2 + 5, h / 2), max(h / 2, h - diag / 2 - 5))
    half = np.array([[-lw, -lh], [lw, -lh], [lw, lh], [-lw, lh]], dtype=np.float32) * scale / 2
    tilt = _draw(rng, distortion.tilt)
    if tilt:
        # Shrink one edge (which one is random) as if the label leaned away.
        side = int(rng.integers(0, 4))
        pairs = [(0, 1), (1, 2), (2, 3), (3, 0)][side]
        for i in pairs:
            half[i] *= 1.0 - tilt
    theta = np.deg2rad(_draw(rng, distortion.angle))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]],
                   dtype=np.float32)
    corners = half @ rot.T + np.array([cx, cy], dtype=np.float32)
    src = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(label.astype(np.float32), matrix, (w, h), flags=cv2.INTER_AREA,
                                 borderValue=0)
    mask = cv2.warpPerspective(np.ones_like(label, dtype=np.float32), matrix, (w, h),
                               flags=cv2.INTER_LINEAR, borderValue=0)
    # Composed in grey (what decoders look at), tinted to colour at the end.
    scene = _background(rng, size)
    paper = 0.92 * warped + 8.0
    frame = scene + mask * (paper - scene)
    contrast = _draw(rng, distortion.contrast)
    mean = float(frame.mean())
    frame = mean + (frame - mean) * contrast
    sigma = _draw(rng, distortion.blur)
    if sigma > 0.05:
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    noise = _draw(rng, distortion.noise)
    frame += _normal(rng, frame.shape, noise)
    grey = np.clip(frame, 0, 255).astype(np.uint8)
    tint = (rng.uniform(0.9, 1.1), 1.0, rng.uniform(0.9, 1.1))
    colour = cv2.merge([cv2.convertScaleAbs(grey, alpha=t) for t in tint])
    quality = int(rng.integers(distortion.jpeg[0], distortion.jpeg[1] + 1))
    ok, buf = cv2.imencode(".jpg", colour, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    assert decoded is not None  # we encoded it just now
    return decoded, corners


@dataclass(frozen=True)
class Sample:
    """One frame of a corpus and what a correct decoder returns for it."""

    symbology: str
    content: str
    distortion: str
    frame: np.ndarray = field(repr=False)
    corners: np.ndarray = field(repr=False)


def corpus(seed: int, symbologies: Iterable[str], distortions: Iterable[str],
           per_cell: int = 1) -> Iterator[Sample]:
    """Yield ``per_cell`` frames for every (symbology, distortion) pair, reproducibly."""
    rng = np.random.default_rng(seed)
    symbologies, distortions = list(symbologies), list(distortions)
    for distortion in distortions:
        for symbology in symbologies:
            for _ in range(per_cell):
                content = SAMPLE_CONTENT[symbology]
                module = 2 if symbology in ONE_D else 6
                label = render_label(symbology, content, module_px=module)
                frame, corners = composite(label, DISTORTIONS[distortion], rng)
                yield Sample(symbology, content, distortion, frame, corners)


def write_video(path: str | Path, frames: Iterable[np.ndarray], fps: float = 30.0) -> Path:
    """Write BGR frames to an MJPG-in-AVI file with cv2.VideoWriter."""
    path = Path(path)
    writer = None
    try:
        for frame in frames:
            if writer is None:
                h, w = frame.shape[:2]
                writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (w, h))
                if not writer.isOpened():
                    raise OSError(f"cannot write video {path}")
            writer.write(frame)
    finally:
        if writer is not None:
            writer.release()
    return path


def blank_frame(rng: np.random.Generator, size: tuple[int, int] = FRAME_SIZE) -> np.ndarray:
    """A scene with no code in it."""
    grey = np.clip(_background(rng, size), 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
