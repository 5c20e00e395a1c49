"""A harder corpus: 1-D codes as a fixed-focus webcam sees them at the counter.

``scanners.synthetic`` pastes labels into frames with mild, hand-picked distortions.
This corpus derives each frame from a camera held at a distance instead, so that
blur, size and noise come together the way they do on a real webcam:

* **Camera.** 1280x720, focal length ``FOCAL_PX`` = 1000 px (about 65 degrees wide,
  a typical laptop or USB webcam), fixed focus at ``FOCUS_MM`` = 500 mm, aperture
  ``APERTURE_MM`` = 1.0 mm (a 2.4 mm f/2.4 lens). A point at distance d is spread
  over a disk of diameter ``APERTURE_MM * FOCAL_PX * |1/d - 1/FOCUS_MM|`` pixels
  (thin lens): 2 px at 25 cm, 8 px at 10 cm.
* **Labels.** 1-D codes printed with a module (narrowest bar) of 0.33-0.45 mm, the
  range of office label printers; at d the module is ``module_mm * FOCAL_PX / d``
  pixels (1.5 px at 25 cm, 4 px at 10 cm). So defocus at 10-25 cm spreads each
  point over 1.3-2.1 modules: the bars are still there, but a decoder's edge
  finder no longer sees them.
* **Motion.** A hand moving at 2-10 cm/s during a 1/60-1/30 s indoor exposure
  smears the label by 1-12 px: along the bars (harmless to the bar sequence) or
  across them (the same blur as defocus, in one direction).
* **Light.** Low light: the signal at 25-45 % with shot noise (variance
  proportional to the signal) and read noise, as a webcam's gain gives it. The
  noise is modelled at a 5 ms exposure (``REFERENCE_EXPOSURE_S``); a shorter one
  (``photograph(gain=...)``, ``moving(exposure_s=...)``) needs the gain turned up
  by the ratio: shot noise times its square root, read noise times it.

Each class below draws its distances, angles, speeds and light from ranges; a
sample keeps what was drawn (``Sample.params``) so a failure can be looked at.
Payloads are drawn too (valid check digits), so a run over several seeds is also
a hunt for misreads. Printed labels from the app (``ui/labels``) come in as
images through ``photograph`` (this package does not import ``ui``: the bench and
tests render them and hand them over).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from scanners.checks import gs1_check_digit, upca_to_upce, upce_to_upca
from scanners.synthetic import FRAME_SIZE, _background, _normal, render_label

FOCAL_PX = 1000.0
FOCUS_MM = 500.0
APERTURE_MM = 1.0
RENDER_MODULE = 4  # px per module when a label is rendered, before it is "photographed"
# The exposure the classes' noise is modelled at; a shorter one turns the gain up by the ratio.
REFERENCE_EXPOSURE_S = 0.005

SYMBOLOGIES = ("code128", "gs1-128", "code39", "ean13", "ean8", "upca", "upce", "itf")


@dataclass(frozen=True)
class Shot:
    """The ranges one class draws from; (low, high) each."""

    distance_mm: tuple[float, float] = (200.0, 260.0)
    module_mm: tuple[float, float] = (0.38, 0.55)
    angle: tuple[float, float] = (-8.0, 8.0)  # degrees in the image plane
    tilt: tuple[float, float] = (0.0, 0.08)  # far edge shrink (perspective)
    motion_px: tuple[float, float] = (0.0, 0.0)  # smear length
    motion_across: bool = False  # smear across the bars (else along them)
    light: tuple[float, float] = (0.8, 1.0)  # signal level (1 = well lit)
    read_noise: tuple[float, float] = (2.0, 4.0)  # grey levels
    jpeg: tuple[int, int] = (70, 90)
    module_px: tuple[float, float] | None = None  # overrides distance for the code's size


CLASSES: dict[str, Shot] = {
    # Fixed focus at 50 cm, label held at 18-25 cm: blur disk 2-3.6 px, modules 1.5-3 px.
    "defocus-25cm": Shot(distance_mm=(180.0, 250.0)),
    # ... and at 10-18 cm: blur disk 3.6-8 px, modules 2-5.5 px.
    "defocus-10cm": Shot(distance_mm=(100.0, 180.0)),
    "motion-along": Shot(motion_px=(4.0, 14.0)),
    "motion-across": Shot(motion_px=(1.0, 3.0), motion_across=True),
    # Half the usual size in the frame: modules of 1.1-1.5 px, label at the focus distance.
    "small": Shot(module_px=(1.1, 1.5), distance_mm=(450.0, 550.0)),
    "rotated": Shot(angle=(20.0, 90.0)),
    "low-light": Shot(light=(0.25, 0.45), read_noise=(4.0, 7.0), jpeg=(55, 75)),
    "combined": Shot(angle=(-90.0, 90.0), tilt=(0.0, 0.15), motion_px=(1.0, 3.0),
                     light=(0.4, 0.7), read_noise=(3.0, 6.0), jpeg=(55, 75)),
}
BLUR_CLASSES = ("defocus-25cm", "defocus-10cm", "motion-along", "motion-across", "combined")


@dataclass(frozen=True)
class Sample:
    """One frame and what a correct decoder returns for it (``expected``, raw text)."""

    cls: str
    symbology: str
    content: str
    expected: str
    frame: np.ndarray = field(repr=False)
    corners: np.ndarray = field(repr=False)
    params: dict[str, float] = field(default_factory=dict)


def defocus_px(distance_mm: float) -> float:
    """Diameter (px) of the blur disk at ``distance_mm`` for the modelled webcam."""
    return APERTURE_MM * FOCAL_PX * abs(1.0 / distance_mm - 1.0 / FOCUS_MM)


def random_content(symbology: str, rng: np.random.Generator) -> tuple[str, str]:
    """(what to encode, what a decoder returns) for a random valid payload."""
    def digits(n: int) -> str:
        return "".join(str(d) for d in rng.integers(0, 10, n))

    if symbology == "code128":
        text = f"IT-{int(rng.integers(0, 10**6)):06d}"
        return text, text
    if symbology == "code39":
        text = f"LOC-{chr(65 + int(rng.integers(0, 26)))}{int(rng.integers(1, 100))}"
        return text, text
    if symbology == "gs1-128":
        body = "0" + digits(12)
        gtin = body + str(gs1_check_digit(body))
        serial = f"S{int(rng.integers(0, 10**5)):05d}"
        return f"(01){gtin}(21){serial}", f"01{gtin}21{serial}"
    if symbology in ("ean13", "ean8", "upca", "itf"):
        n = {"ean13": 12, "ean8": 7, "upca": 11, "itf": 13}[symbology]
        body = ("1" if symbology == "itf" else str(int(rng.integers(1, 10)))) + digits(n - 1)
        text = body + str(gs1_check_digit(body))
        return text, text
    if symbology == "upce":
        while True:
            six = digits(6)
            upca = upce_to_upca("0" + six + "0")[:-1]
            upca += str(gs1_check_digit(upca))
            upce = upca_to_upce(upca)
            if upce is not None:
                return upce, upce
    raise ValueError(f"no random payload for {symbology}")


def photograph(label: np.ndarray, module_render_px: float, shot: Shot, rng: np.random.Generator,
               size: tuple[int, int] = FRAME_SIZE, *, gain: float = 1.0
               ) -> tuple[np.ndarray, np.ndarray, dict]:
    """A webcam frame (BGR, JPEG-decoded) of ``label`` (grey, ``module_render_px`` per module).

    ``gain`` is how far the sensor's gain is turned up over the one the classes are
    modelled at (``REFERENCE_EXPOSURE_S``): 2 for half the exposure, with twice the
    read noise and twice the shot noise's variance. Returns the frame, the label's
    corners in it, and what was drawn.
    """
    optics = _optics(label, module_render_px, shot, rng, size)
    light = float(rng.uniform(*shot.light))
    frame = with_shot_noise(optics.scene * light, light, gain, rng)
    frame = frame + _normal(rng, frame.shape, float(rng.uniform(*shot.read_noise)) * gain)
    grey = np.clip(frame, 0, 255).astype(np.uint8)
    tint = (rng.uniform(0.9, 1.1), 1.0, rng.uniform(0.9, 1.1))
    colour = cv2.merge([cv2.convertScaleAbs(grey, alpha=t) for t in tint])
    quality = int(rng.integers(shot.jpeg[0], shot.jpeg[1] + 1))
    ok, buf = cv2.imencode(".jpg", colour, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    params = {**optics.params, "light": round(light, 2), "jpeg": quality}
    if gain != 1.0:
        params["gain"] = round(gain, 2)
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    assert decoded is not None  # encoded just now
    return decoded, optics.corners, params


@dataclass(frozen=True)
class _Optics:
    """What reaches the sensor: the scene (float grey, blurred by the lens and the
    class's motion), where the label's corners are, and what was drawn."""

    scene: np.ndarray
    corners: np.ndarray
    params: dict[str, float]


def _optics(label: np.ndarray, module_render_px: float, shot: Shot, rng: np.random.Generator,
            size: tuple[int, int]) -> _Optics:
    w, h = size
    distance = float(rng.uniform(*shot.distance_mm))
    module_mm = float(rng.uniform(*shot.module_mm))
    if shot.module_px is not None:
        module_px = float(rng.uniform(*shot.module_px))
    else:
        module_px = module_mm * FOCAL_PX / distance
    scale = module_px / module_render_px
    lh, lw = label.shape[:2]
    diag = float(np.hypot(lw, lh)) * scale
    if diag > 0.95 * h:  # keep the label in view at any angle: hold it further away
        scale *= 0.95 * h / diag
        module_px *= 0.95 * h / diag
        diag = 0.95 * h
    cx = rng.uniform(diag / 2 + 4, max(diag / 2 + 5, w - diag / 2 - 4))
    cy = rng.uniform(diag / 2 + 4, max(diag / 2 + 5, h - diag / 2 - 4))
    half = np.array([[-lw, -lh], [lw, -lh], [lw, lh], [-lw, lh]], dtype=np.float32) * scale / 2
    tilt = float(rng.uniform(*shot.tilt))
    if tilt:
        for i in [(0, 1), (1, 2), (2, 3), (3, 0)][int(rng.integers(0, 4))]:
            half[i] *= 1.0 - tilt
    angle = float(rng.uniform(*shot.angle)) * (1 if rng.random() < 0.5 else -1)
    theta = np.deg2rad(angle)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]],
                   dtype=np.float32)
    corners = half @ rot.T + np.array([cx, cy], dtype=np.float32)
    src = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(label.astype(np.float32), matrix, (w, h), flags=cv2.INTER_AREA,
                                 borderValue=0)
    mask = cv2.warpPerspective(np.ones_like(label, dtype=np.float32), matrix, (w, h),
                               flags=cv2.INTER_LINEAR, borderValue=0)
    scene = _background(rng, size)
    frame = scene + mask * ((0.9 * warped + 12.0) - scene)
    blur = defocus_px(distance) if shot.module_px is None else 0.4
    frame = cv2.filter2D(frame, -1, disk_kernel(blur), borderType=cv2.BORDER_REPLICATE)
    motion = float(rng.uniform(*shot.motion_px))
    if motion > 0.3:
        # Across the bars = along the code's length (the label's x axis after rotation).
        direction = angle + (0.0 if shot.motion_across else 90.0) + float(rng.uniform(-10, 10))
        frame = cv2.filter2D(frame, -1, line_kernel(motion, direction),
                             borderType=cv2.BORDER_REPLICATE)
    params = {"distance_mm": round(distance, 1), "module_px": round(module_px, 2),
              "defocus_px": round(blur, 2), "motion_px": round(motion, 2),
              "angle": round(angle, 1)}
    return _Optics(frame, corners, params)


def with_shot_noise(frame: np.ndarray, light: float, gain: float,
                    rng: np.random.Generator) -> np.ndarray:
    """``frame`` (float grey, at light level ``light``) with the sensor's shot noise.

    Its variance grows with the signal: about 0.25 grey level^2 per level at gain 1,
    more when the gain is turned up, for low light (``1 / light``) or for a shorter
    exposure (``gain``): the same picture brightness from fewer photons.
    """
    sigma = np.sqrt(np.maximum(frame, 0.0) * 0.25 * gain / light)
    return frame + sigma * _normal(rng, frame.shape, 1.0)


def disk_kernel(diameter: float) -> np.ndarray:
    """A normalised, anti-aliased disk of ``diameter`` px (defocus); 1x1 when tiny."""
    if diameter < 0.5:
        return np.ones((1, 1), np.float32)
    r = diameter / 2
    n = int(np.ceil(r)) + 1
    ys, xs = np.mgrid[-n:n + 1, -n:n + 1].astype(np.float32)
    k = np.clip(r + 0.5 - np.hypot(xs, ys), 0.0, 1.0)
    return (k / k.sum()).astype(np.float32)


def line_kernel(length: float, angle_deg: float) -> np.ndarray:
    """A normalised straight smear of ``length`` px at ``angle_deg`` (motion blur)."""
    n = int(np.ceil(length / 2)) + 1
    k = np.zeros((2 * n + 1, 2 * n + 1), np.float32)
    t = np.deg2rad(angle_deg)
    steps = max(int(length * 4), 2)
    for s in np.linspace(-length / 2, length / 2, steps):
        x, y = n + s * np.cos(t), n + s * np.sin(t)
        x0, y0 = int(np.floor(x)), int(np.floor(y))
        fx, fy = x - x0, y - y0
        for dx, dy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)),
                            (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
            if 0 <= x0 + dx < k.shape[1] and 0 <= y0 + dy < k.shape[0]:
                k[y0 + dy, x0 + dx] += wgt
    return k / k.sum()


def corpus(seed: int, classes: Iterable[str] = CLASSES, symbologies: Iterable[str] = SYMBOLOGIES,
           per_cell: int = 1, *, gain: float = 1.0) -> Iterator[Sample]:
    """``per_cell`` frames for every (class, symbology) pair, the same for the same seed.

    ``gain`` > 1: the same scenes taken with a shorter exposure (``photograph``).
    """
    rng = np.random.default_rng(seed)
    symbologies = list(symbologies)
    for cls in classes:
        shot = CLASSES[cls]
        for symbology in symbologies:
            for _ in range(per_cell):
                content, expected = random_content(symbology, rng)
                label = render_label(symbology, content, module_px=RENDER_MODULE)
                frame, corners, params = photograph(label, RENDER_MODULE, shot, rng, gain=gain)
                yield Sample(cls, symbology, content, expected, frame, corners, params)


def moving(label: np.ndarray, rng: np.random.Generator, *, duration_s: float = 0.5,
           fps: float = 30.0, exposure_s: float = REFERENCE_EXPOSURE_S, hold: int = 15,
           shot: Shot | None = None) -> tuple[list[np.ndarray], int]:
    """Frames of a label brought into view from the left by hand and stopped.

    The label starts just out of view and comes to rest where ``photograph`` would
    put it in ``duration_s``, along a minimum-jerk path (how a hand moves to a
    target: fastest half way, about 1.9 times the mean speed), then is held for
    ``hold`` frames. Each frame is smeared across the bars by the distance moved
    during the exposure (``exposure_s``), then read off the sensor with its own
    noise: a shorter exposure than ``REFERENCE_EXPOSURE_S`` smears less but needs
    the gain turned up by the ratio (``with_shot_noise``; read noise times the
    gain), and each frame is JPEG-compressed as the shot's class says. Returns the
    frames and the index of the first one in which the whole label is in view.
    """
    shot = shot or Shot(angle=(0.0, 3.0), tilt=(0.0, 0.02))
    optics = _optics(label, RENDER_MODULE, shot, rng, FRAME_SIZE)
    corners = optics.corners
    light = float(rng.uniform(*shot.light))
    read_noise = float(rng.uniform(*shot.read_noise))
    tint = (rng.uniform(0.9, 1.1), 1.0, rng.uniform(0.9, 1.1))
    quality = int(rng.integers(shot.jpeg[0], shot.jpeg[1] + 1))
    gain = REFERENCE_EXPOSURE_S / exposure_s
    travel = float(corners[:, 0].max()) + 5.0  # from just outside the left edge
    steps = max(int(round(duration_s * fps)), 1)

    def position(t: float) -> float:  # offset from the resting place, px
        tau = min(max(t / duration_s, 0.0), 1.0)
        return -travel * (1 - (10 * tau**3 - 15 * tau**4 + 6 * tau**5))

    def speed(t: float) -> float:  # px per second
        tau = min(max(t / duration_s, 0.0), 1.0)
        return travel / duration_s * 30 * tau**2 * (1 - tau) ** 2

    frames: list[np.ndarray] = []
    entered = -1
    h, w = optics.scene.shape[:2]
    for i in range(steps + 1 + hold):
        t = i / fps
        offset = position(t)
        shift = np.array([[1, 0, offset], [0, 1, 0]], dtype=np.float32)
        scene = cv2.warpAffine(optics.scene, shift, (w, h), borderMode=cv2.BORDER_REPLICATE)
        smear = speed(t) * exposure_s
        if smear > 0.5:
            scene = cv2.filter2D(scene, -1, line_kernel(smear, 0.0),
                                 borderType=cv2.BORDER_REPLICATE)
        frame = with_shot_noise(scene * light, light, gain, rng)
        frame = frame + _normal(rng, frame.shape, read_noise * gain)
        grey = np.clip(frame, 0, 255).astype(np.uint8)
        colour = cv2.merge([cv2.convertScaleAbs(grey, alpha=c) for c in tint])
        ok, buf = cv2.imencode(".jpg", colour, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        picture = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        assert picture is not None  # encoded just now
        frames.append(picture)
        if entered < 0 and corners[:, 0].min() + offset >= 0:
            entered = i
    return frames, entered
