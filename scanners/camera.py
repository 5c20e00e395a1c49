"""Camera scanning: capture thread keeps the newest frame, one decode thread reads it.

``CameraScanner.start(source)`` takes a camera index, or a path to a video or
image file (read through the same code, which is how it is tested). Signals
arrive on the main thread: ``scan_received(Scan)`` for each new code,
``preview(QImage, outlines)`` for each decoded frame, ``sharpness_measured``
(variance of the Laplacian over the code in view, to help hold it at the right
distance) and ``state_changed`` with "on", "off" or "error: <reason>".

Frames are read together (``scanners.multiframe``): deconvolution only on the
sharpest recent frames, and a read two frames agree on counts even when
neither frame believed it alone.

The decode loop is a generator run by a small worker thread, the shape of
superqt's GeneratorWorker: it yields one result per frame and stops between
frames when asked to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from scanners.capture import Frame, LatestFrame, SourceError, open_source
from scanners.debounce import Debouncer
from scanners.decode import Decoded, decode_frame, to_gray
from scanners.device import DeviceScanner
from scanners.multiframe import FrameCombiner, frame_sharpness
from scanners.scan import Scan

log = logging.getLogger(__name__)


@dataclass
class FrameResult:
    """What the decode loop yields for one frame."""

    frame: Frame
    codes: list[Decoded]
    scans: list[Scan] = field(default_factory=list)
    sharpness: float | None = None  # of the code in view, read or not; None: no code seen


def decode_loop(frames: Callable[[], Frame | None], formats: set[str] | None,
                debouncer: Debouncer) -> Generator[FrameResult, None, None]:
    """Decode frames from ``frames()`` until it returns None; yield each frame's result."""
    combiner = FrameCombiner()
    while (frame := frames()) is not None:
        try:
            gray = to_gray(frame.image)  # an MJPG frame is decoded here, not when captured
        except SourceError as exc:
            log.warning("camera frame skipped: %s", exc)
            yield FrameResult(frame, [])
            continue
        combiner.begin(frame.taken)
        report = decode_frame(gray, formats, recover=combiner.worth_recovering,
                              rotated_2d=combiner.rotated_2d_due())
        codes = combiner.combine(report)
        new = debouncer.frame([(c.text, c.symbology) for c in codes], frame.taken)
        scans = [Scan(text, symbology, "camera", frame.at) for text, symbology in new]
        sharp = frame_sharpness(gray, codes, report.regions)
        yield FrameResult(frame, codes, scans, sharp)


class _CaptureThread(QThread):
    failed = Signal(str)
    opened = Signal()

    def __init__(self, source: int | str, holder: LatestFrame, pace: bool) -> None:
        super().__init__()
        self.source = source
        self.holder = holder
        self.pace = pace
        self.abort = threading.Event()
        self.captured = 0

    def run(self) -> None:
        try:
            source = open_source(self.source, pace=self.pace, abort=self.abort)
        except SourceError as exc:
            self.failed.emit(str(exc))  # before close(), so "error" is seen before "off"
            self.holder.close()
            return
        self.opened.emit()
        try:
            while not self.abort.is_set():
                frame = source.read()
                if frame is None or not self.holder.put(frame):
                    break
                self.captured += 1
        except SourceError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: log it, tell the user, keep the app
            log.exception("camera capture failed")
            self.failed.emit(f"capture failed ({exc})")
        finally:
            source.close()
            self.holder.close()


class _DecodeThread(QThread):
    """Runs ``decode_loop`` and emits what it yields (GeneratorWorker shape)."""

    yielded = Signal(object)
    errored = Signal(str)

    def __init__(self, holder: LatestFrame, formats: set[str] | None, debouncer: Debouncer,
                 preview: bool) -> None:
        super().__init__()
        self.holder = holder
        self.formats = formats
        self.debouncer = debouncer
        self.preview = preview
        self.quit_requested = threading.Event()
        self.decoded = 0

    def run(self) -> None:
        loop = decode_loop(self.holder.take, self.formats, self.debouncer)
        try:
            for result in loop:
                self.decoded += 1
                image = _to_qimage(result.frame) if self.preview else None
                self.yielded.emit((result, image))
                if self.quit_requested.is_set():
                    break
        except Exception as exc:
            log.exception("camera decoding failed")
            self.errored.emit(f"decoding failed ({exc})")
        finally:
            loop.close()


def _to_qimage(frame: Frame) -> QImage | None:
    try:
        image = frame.image
    except SourceError:  # a broken frame: skipped, nothing to show
        return None
    if image.ndim == 2:
        h, w = image.shape
        return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_Grayscale8).copy()
    h, w = image.shape[:2]
    return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888).copy()


class CameraScanner(DeviceScanner):
    """A webcam, video file or image as a scanner. See the module docstring.

    `state_changed` says "on", "off" or "error: <reason>"."""

    preview = Signal(QImage, list)  # frame, outlines: list of four (x, y) points per code
    sharpness_measured = Signal(float)  # of the code in view (variance of the Laplacian)
    frame_decoded = Signal(object)  # the FrameResult of each decoded frame (diagnostics)

    def __init__(self, parent: QObject | None = None, *, formats: set[str] | None = None,
                 pace: bool = True, repeat_ms: int = 1500, lossless: bool | None = None,
                 send_preview: bool = True) -> None:
        super().__init__(parent, "off")
        self.formats = formats
        self.pace = pace
        self.repeat_ms = repeat_ms
        self.lossless = (not pace) if lossless is None else lossless
        self.send_preview = send_preview
        self._capture: _CaptureThread | None = None
        self._decode: _DecodeThread | None = None
        self._error = ""
        self._connected = False

    @property
    def threads(self) -> tuple[QThread, ...]:
        """The threads of the current or last run (for tests and diagnostics)."""
        return tuple(t for t in (self._capture, self._decode) if t is not None)

    @property
    def stats(self) -> dict[str, int]:
        """Frames captured, decoded and dropped (newer frame arrived first) in this run."""
        captured = self._capture.captured if self._capture else 0
        decoded = self._decode.decoded if self._decode else 0
        dropped = self._decode.holder.dropped if self._decode else 0
        return {"captured": captured, "decoded": decoded, "dropped": dropped}

    def start(self, source: int | str | Path) -> None:
        """Start reading ``source``: a camera index, or a video or image file path."""
        self.stop()
        self._error = ""
        holder = LatestFrame(lossless=self.lossless)
        src = source if isinstance(source, int) else str(source)
        self._capture = _CaptureThread(src, holder, self.pace)
        self._decode = _DecodeThread(holder, self.formats, Debouncer(self.repeat_ms / 1000),
                                     self.send_preview)
        self._stop_when_app_quits()
        self._capture.failed.connect(self._on_failed)
        self._capture.opened.connect(self._on_opened)
        self._decode.yielded.connect(self._on_result)
        self._decode.errored.connect(self._on_failed)
        self._decode.finished.connect(self._on_decode_finished)
        self._connected = True
        self._decode.start()
        self._capture.start()

    def stop(self) -> None:
        """Stop both threads and wait for them; no thread is left running."""
        capture, decode = self._capture, self._decode
        if capture is None or decode is None or not self._connected:
            return
        self._connected = False
        capture.abort.set()
        decode.quit_requested.set()
        decode.holder.close(discard=True)
        capture.wait()
        decode.wait()
        # Deliver what was decoded before the stop, then disconnect the old run.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        for signal, slot in ((capture.failed, self._on_failed), (capture.opened, self._on_opened),
                             (decode.yielded, self._on_result), (decode.errored, self._on_failed),
                             (decode.finished, self._on_decode_finished)):
            signal.disconnect(slot)
        self._set_state("off")

    @Slot()
    def _on_opened(self) -> None:
        self._set_state("on")

    @Slot(str)
    def _on_failed(self, reason: str) -> None:
        self._error = reason
        self._set_state(f"error: {reason}")

    @Slot(object)
    def _on_result(self, item: tuple[FrameResult, QImage | None]) -> None:
        result, image = item
        self.frame_decoded.emit(result)
        if image is not None:
            self.preview.emit(image, [list(c.outline) for c in result.codes])
        if result.sharpness is not None:
            self.sharpness_measured.emit(result.sharpness)
        for scan in result.scans:
            self.scan_received.emit(scan)

    @Slot()
    def _on_decode_finished(self) -> None:
        # The file ended (or the camera failed): report "off" unless an error says more.
        if not self._error:
            self._set_state("off")
