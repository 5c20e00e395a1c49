"""Serial and USB-CDC scanners: pyserial in a worker thread, reconnecting on replug.

``SerialScanner.start(port)`` opens the port in a worker; each code (framed by
CR/LF or an idle gap, see ``scanners.framing``) arrives as ``scan_received(Scan)``
on the main thread. When the device goes away the worker reports "waiting" and
keeps trying to open the same path (use a stable one such as
``/dev/serial/by-id/...``) until it is back ("connected") or ``stop()`` is called.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

import serial
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot
from serial.tools import list_ports

from scanners.device import DeviceScanner
from scanners.framing import Framer, frame_text
from scanners.scan import Scan, symbology_from_aim

log = logging.getLogger(__name__)

POLL_S = 0.005  # read timeout: how often the worker looks at the clock and the stop flag


def available_ports() -> list[str]:
    """Device paths of the serial ports this machine has now."""
    return sorted(port.device for port in list_ports.comports())


class _SerialWorker(QThread):
    frame_read = Signal(object)  # bytes
    state_changed = Signal(str)

    def __init__(self, port: str, baudrate: int, idle_gap_s: float, retry_s: float) -> None:
        super().__init__()
        self.port = port
        self.baudrate = baudrate
        self.idle_gap_s = idle_gap_s
        self.retry_s = retry_s
        self.stopping = threading.Event()
        self.last_error = ""
        self._state = ""

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                device = serial.Serial(self.port, self.baudrate, timeout=POLL_S)
            except (serial.SerialException, OSError, ValueError) as exc:
                self.last_error = str(exc)
                self._set_state("waiting")
                self.stopping.wait(self.retry_s)
                continue
            self._set_state("connected")
            try:
                self._read(device)
            except (serial.SerialException, OSError) as exc:
                self.last_error = str(exc)
                log.info("serial scanner on %s went away: %s", self.port, exc)
                self._set_state("waiting")
            finally:
                device.close()

    def _read(self, device: serial.Serial) -> None:
        framer = Framer(self.idle_gap_s)
        try:
            while not self.stopping.is_set():
                data = device.read(device.in_waiting or 1)
                now = time.monotonic()
                for frame in framer.feed(data, now):
                    self.frame_read.emit(frame)
                tail = framer.flush_idle(now)
                if tail:
                    self.frame_read.emit(tail)
        finally:
            # Bytes that arrived before an unplug or stop are still a code.
            tail = framer.flush()
            if tail:
                self.frame_read.emit(tail)


class SerialScanner(DeviceScanner):
    """A scanner on a serial port: ``start(port)``, ``stop()``, signals on the main thread.

    `state_changed` says "connected", "waiting" or "stopped"."""

    def __init__(self, parent: QObject | None = None, *, idle_gap_ms: int = 50,
                 retry_ms: int = 500) -> None:
        super().__init__(parent, "stopped")
        self.idle_gap_ms = idle_gap_ms
        self.retry_ms = retry_ms
        self._worker: _SerialWorker | None = None

    @property
    def last_error(self) -> str:
        """Why the port could not be opened or was lost, for the status line."""
        return self._worker.last_error if self._worker else ""

    def start(self, port: str, baudrate: int = 9600) -> None:
        """Read codes from ``port``; waits for the device if it is not there yet."""
        self.stop()
        worker = _SerialWorker(port, baudrate, self.idle_gap_ms / 1000, self.retry_ms / 1000)
        self._stop_when_app_quits()
        worker.frame_read.connect(self._on_frame)
        worker.state_changed.connect(self._set_state)
        self._worker = worker
        worker.start()

    def stop(self) -> None:
        """Close the port and end the worker thread; returns once it has ended."""
        worker = self._worker
        if worker is None:
            return
        worker.stopping.set()
        worker.wait()
        # Deliver what the worker queued before it ended, then say we stopped.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        worker.frame_read.disconnect(self._on_frame)
        worker.state_changed.disconnect(self._set_state)
        self._worker = None
        worker.deleteLater()
        self._set_state("stopped")

    @Slot(object)
    def _on_frame(self, frame: bytes) -> None:
        text = frame_text(frame)
        self.scan_received.emit(Scan(text, symbology_from_aim(text), "serial", datetime.now()))
