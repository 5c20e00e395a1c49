"""Where camera frames come from: a webcam, a video file or a still image, all read alike.

No Qt here: ``CameraScanner`` runs these in its capture thread. ``LatestFrame``
is the hand-over between capture and decoding that keeps only the newest frame.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np

from scanners.errors import SourceError
from scanners.images import check_pixels, load_image

__all__ = ["Frame", "FrameSource", "is_jpeg", "CameraSource", "VideoFileSource", "ImageSource",
           "LatestFrame", "SourceError", "open_source", "read_image", "is_image_path"]

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm",
                  ".pbm", ".gif"}
REQUEST_SIZE = (1280, 720)
IMAGE_FPS = 10.0  # how often a still image is handed on again, like a camera on a tripod


class Frame:
    """One picture and when it was taken.

    ``taken`` is in seconds on the source's own clock: monotonic time for a
    camera, the position in the file for a video or image, so that "the same
    code within 1.5 s" means the same thing at any playback speed. ``at`` is the
    wall-clock time it was captured.

    A frame from an MJPG camera or file may arrive still compressed (``jpeg``):
    it is decoded when its ``image`` is first asked for, in the decode thread, so
    a frame dropped for a newer one is never decoded at all.
    """

    __slots__ = ("_image", "_jpeg", "index", "taken", "at")

    def __init__(self, image: np.ndarray | None, index: int, taken: float, at: datetime, *,
                 jpeg: np.ndarray | None = None) -> None:
        if image is None and jpeg is None:
            raise ValueError("a frame needs an image or its JPEG bytes")
        self._image = image
        self._jpeg = jpeg
        self.index = index
        self.taken = taken
        self.at = at

    @property
    def image(self) -> np.ndarray:
        """The picture (BGR or grey uint8); decoded from the JPEG on first use."""
        if self._image is None:
            assert self._jpeg is not None  # one of the two is always set
            decoded = cv2.imdecode(self._jpeg, cv2.IMREAD_COLOR)
            if decoded is None:
                raise SourceError(f"frame {self.index} is not a readable JPEG picture")
            self._image, self._jpeg = decoded, None
        return self._image

    @property
    def compressed(self) -> bool:
        """Still the camera's JPEG: nobody has looked at the picture yet."""
        return self._image is None

    def __repr__(self) -> str:
        return f"Frame(index={self.index}, taken={self.taken:.3f})"


def is_jpeg(data: np.ndarray | None) -> bool:
    """Whether ``data`` is a still-compressed JPEG frame (one row or column of bytes)."""
    return (data is not None and data.dtype == np.uint8 and data.ndim <= 2
            and min(data.shape) == 1 and data.size > 4
            and int(data.flat[0]) == 0xFF and int(data.flat[1]) == 0xD8)


class FrameSource:
    """Base: ``read()`` returns the next frame, or None at the end (or when aborted)."""

    fps: float = 30.0
    description: str = ""

    def read(self) -> Frame | None:
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or file."""

    def _frame(self, image: np.ndarray, index: int, media_time: float | None = None, *,
               compressed: bool = False) -> Frame:
        """``image`` as a Frame; ``compressed``: it is the bytes of a JPEG (decoded later,
        or found broken then)."""
        taken = time.monotonic() if media_time is None else media_time
        if compressed:
            # Copied: the capture backend reuses its buffer for the next frame.
            return Frame(None, index, taken, datetime.now(), jpeg=image.reshape(-1).copy())
        return Frame(image, index, taken, datetime.now())


# Short exposures against motion blur, shortest first, in each backend's unit: V4L2 takes
# 100 us steps (25 = 2.5 ms, 50 = 5 ms), DirectShow / Media Foundation log2 seconds
# (-9 = 1/512 s, -8 = 1/256 s). The shortest halves the smear of a label moved into view
# (about a frame sooner readable, bench/bench_camera.py) for twice the gain's noise;
# where the picture is too dark with it, the next one is tried, then automatic exposure.
SHORT_EXPOSURE_S = 0.0025  # the first step, in seconds (what bench_camera simulates)
EXPOSURE_STEPS = {"V4L2": (1.0, (25.0, 50.0)), "DSHOW": (0.25, (-9.0, -8.0)),
                  "MSMF": (0.25, (-9.0, -8.0))}
AUTO_EXPOSURE = {"V4L2": 3.0}  # the backend's "automatic" value (else 0.75)
TOO_DARK = 45.0  # mean grey level under which an exposure step is given up
EXPOSURE_CHECK_FRAMES = 5  # frames for a new exposure to take effect before it is judged


def tune_for_barcodes(cap, backend: str) -> dict[str, bool]:
    """Ask the camera for autofocus and a short exposure, where it supports them.

    ``cap`` is a ``cv2.VideoCapture`` (or anything with its ``get``/``set``).
    Returns what the device accepted: autofocus, and short exposure (the shortest
    of ``EXPOSURE_STEPS``). A device without autofocus keeps its own focus setting
    (focus values mean different distances on different cameras). The exposure is
    judged a few frames later by ``check_exposure``.
    """
    accepted = {"autofocus": bool(cap.set(cv2.CAP_PROP_AUTOFOCUS, 1))}
    if not accepted["autofocus"] and cap.get(cv2.CAP_PROP_FOCUS) >= 0:
        accepted["focus"] = True  # a manual focus exists: left as the user set it
    mode_steps = EXPOSURE_STEPS.get(backend)
    accepted["short_exposure"] = False
    if mode_steps is not None:
        manual, steps = mode_steps
        accepted["short_exposure"] = bool(cap.set(cv2.CAP_PROP_AUTO_EXPOSURE, manual)
                                          and cap.set(cv2.CAP_PROP_EXPOSURE, steps[0]))
    return accepted


def check_exposure(cap, backend: str, image: np.ndarray, step: int = 0) -> int | None:
    """After exposure step ``step`` took effect: the step to use from now on.

    The same step when ``image`` is bright enough; the next longer one when it is
    too dark (set here; judge it again a few frames later); None when even the
    longest is too dark: automatic exposure again.
    """
    if float(image.mean()) >= TOO_DARK:
        return step
    steps = EXPOSURE_STEPS.get(backend, (0.0, ()))[1]
    if step + 1 < len(steps) and cap.set(cv2.CAP_PROP_EXPOSURE, steps[step + 1]):
        return step + 1
    cap.set(cv2.CAP_PROP_AUTO_EXPOSURE, AUTO_EXPOSURE.get(backend, 0.75))
    return None


class CameraSource(FrameSource):
    """A webcam by index; asks for MJPG at 1280x720, a one-frame driver buffer,
    autofocus and a short exposure (``tune_for_barcodes``)."""

    def __init__(self, index: int) -> None:
        self.description = f"camera {index}"
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            self._cap.release()
            raise SourceError(f"camera {index} did not open (not connected, or in use)")
        self._cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, REQUEST_SIZE[0])
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, REQUEST_SIZE[1])
        self._cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self.fps = self._cap.get(cv2.CAP_PROP_FPS) or 30.0
        self._backend = self._cap.getBackendName()
        self.tuning = tune_for_barcodes(self._cap, self._backend)
        self._exposure_step: int | None = 0 if self.tuning["short_exposure"] else None
        self._exposure_check = EXPOSURE_CHECK_FRAMES
        # V4L2 hands MJPG frames over undecoded when asked: the decode thread then
        # decodes only the frames it reads (``Frame.image``).
        self._raw = self._backend == "V4L2" and bool(self._cap.set(cv2.CAP_PROP_CONVERT_RGB, 0))
        self._index = 0

    def read(self) -> Frame | None:
        ok, image = self._cap.read()
        if not ok:
            raise SourceError(f"{self.description} stopped sending pictures")
        if self._raw and self._index == 0 and not is_jpeg(image):
            # Not MJPG after all (raw YUV bytes): let OpenCV convert from now on.
            self._raw = False
            self._cap.set(cv2.CAP_PROP_CONVERT_RGB, 1)
            ok, image = self._cap.read()
            if not ok:
                raise SourceError(f"{self.description} stopped sending pictures")
        frame = self._frame(image, self._index, compressed=self._raw)
        if self._exposure_step is not None and self._index == self._exposure_check:
            # A few frames in, the new exposure has taken effect.
            step = check_exposure(self._cap, self._backend, frame.image, self._exposure_step)
            if step is None:
                self.tuning["short_exposure"] = False
            elif step != self._exposure_step:
                self._exposure_check += EXPOSURE_CHECK_FRAMES
            self._exposure_step = step
        self._index += 1
        return frame

    def close(self) -> None:
        self._cap.release()


class VideoFileSource(FrameSource):
    """A video file, paced at its own frame rate unless ``pace`` is False."""

    def __init__(self, path: str | Path, *, pace: bool = True,
                 abort: threading.Event | None = None) -> None:
        self.description = str(path)
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            self._cap.release()
            raise SourceError(f"{path}: not a video file OpenCV can read")
        width = int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        try:
            check_pixels(path, width, height)
        except SourceError:
            self._cap.release()
            raise
        self.fps = self._cap.get(cv2.CAP_PROP_FPS) or 30.0
        self._raw = False
        fourcc = int(self._cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little")
        if fourcc.upper() == b"MJPG" and self._cap.getBackendName() == "FFMPEG":
            # Each packet is a JPEG: hand it over undecoded, like an MJPG camera.
            self._cap, self._raw = _raw_mjpeg(self._cap, path)
        self._pace = pace
        self._abort = abort or threading.Event()
        self._start = 0.0
        self._index = 0

    def read(self) -> Frame | None:
        if self._pace:
            if self._index == 0:
                self._start = time.monotonic()
            due = self._start + self._index / self.fps
            delay = due - time.monotonic()
            if delay > 0 and self._abort.wait(delay):
                return None
        ok, image = self._cap.read()
        if not ok:
            return None
        self._index += 1
        return self._frame(image, self._index - 1, (self._index - 1) / self.fps,
                           compressed=self._raw)

    def close(self) -> None:
        self._cap.release()


def _raw_mjpeg(cap: cv2.VideoCapture, path: str | Path) -> tuple[cv2.VideoCapture, bool]:
    """``cap`` reopened to hand over its packets undecoded where each is a whole JPEG;
    and whether it was."""
    raw = cv2.VideoCapture(str(path))
    if raw.isOpened() and raw.set(cv2.CAP_PROP_FORMAT, -1):
        ok, packet = raw.read()
        if ok and is_jpeg(packet):
            raw.release()
            raw = cv2.VideoCapture(str(path))
            if raw.isOpened() and raw.set(cv2.CAP_PROP_FORMAT, -1):
                cap.release()
                return raw, True
    raw.release()
    return cap, False


class ImageSource(FrameSource):
    """A still image handed on ``IMAGE_FPS`` times a second (``repeat`` times, or forever)."""

    def __init__(self, path: str | Path, *, pace: bool = True, repeat: int | None = None,
                 abort: threading.Event | None = None) -> None:
        self.description = str(path)
        self._image = read_image(path)
        self.fps = IMAGE_FPS
        self._pace = pace
        self._repeat = repeat
        self._abort = abort or threading.Event()
        self._index = 0

    def read(self) -> Frame | None:
        if self._repeat is not None and self._index >= self._repeat:
            return None
        if self._pace and self._index and self._abort.wait(1 / self.fps):
            return None
        self._index += 1
        return self._frame(self._image, self._index - 1, (self._index - 1) / self.fps)


def read_image(path: str | Path) -> np.ndarray:
    """Load an image file as BGR (its declared size checked first), or raise SourceError."""
    if not os.path.isfile(path):
        raise SourceError(f"{path}: no such file")
    image = load_image(path)
    if image is None:
        raise SourceError(f"{path}: not an image file OpenCV can read")
    return image


def is_image_path(path: str | Path) -> bool:
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def open_source(source: int | str | Path, *, pace: bool = True,
                abort: threading.Event | None = None) -> FrameSource:
    """A camera index, or a path to a video or image file, as a frame source."""
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
        return CameraSource(int(source))
    if not os.path.isfile(source):
        raise SourceError(f"{source}: no such file")
    if is_image_path(source):
        return ImageSource(source, pace=pace, repeat=None if pace else 3, abort=abort)
    return VideoFileSource(source, pace=pace, abort=abort)


class LatestFrame:
    """Hand-over from capture to decoding that keeps only the newest frame.

    ``lossless=True`` makes ``put`` wait until the last frame was taken instead
    (for tests and file decoding, where every frame should be looked at).
    """

    def __init__(self, *, lossless: bool = False) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self._lossless = lossless
        self.dropped = 0

    def put(self, frame: Frame) -> bool:
        """Offer a frame; False once closed."""
        with self._cond:
            while self._lossless and self._frame is not None and not self._closed:
                self._cond.wait()
            if self._closed:
                return False
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify_all()
            return True

    def take(self) -> Frame | None:
        """The newest frame, waiting for one; None when closed and empty."""
        with self._cond:
            while self._frame is None and not self._closed:
                self._cond.wait()
            frame, self._frame = self._frame, None
            self._cond.notify_all()
            return frame

    def close(self, *, discard: bool = False) -> None:
        """No more frames; ``take`` returns what is left (nothing if ``discard``)."""
        with self._cond:
            self._closed = True
            if discard:
                self._frame = None
            self._cond.notify_all()
