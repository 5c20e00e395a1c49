"""What every threaded scanner (serial, camera) shares: its state and a clean stop."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from scanners.scan import Scan


class DeviceScanner(QObject):
    """A scanner whose reading runs on worker threads; signals arrive on the main thread."""

    scan_received = Signal(Scan)
    state_changed = Signal(str)

    def __init__(self, parent: QObject | None, initial_state: str) -> None:
        super().__init__(parent)
        self._state = initial_state
        self._quit_hooked = False

    @property
    def state(self) -> str:
        return self._state

    def stop(self) -> None:
        raise NotImplementedError

    @Slot(str)
    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _stop_when_app_quits(self) -> None:
        # A QThread still running when Qt tears down aborts the process.
        app = QCoreApplication.instance()
        if app is not None and not self._quit_hooked:
            app.aboutToQuit.connect(self.stop)
            self._quit_hooked = True
