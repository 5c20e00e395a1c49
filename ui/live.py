"""What other desks do, live in this window; and whether the database can be reached.

`LiveUpdates` runs `inventory.live`'s listener (PostgreSQL LISTEN) or watcher (a shared
SQLite file's data_version) on a thread of its own and hands each `RemoteChange` to the
change bus on the UI thread, so pages refresh exactly as after a local write. On
PostgreSQL it also watches the server: `reachable_changed(False)` within a second or two
of the server going away, and once it is back `reachable_changed(True)` with LISTEN
resumed and every page read again (anything may have changed meanwhile).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from inventory import live
from inventory.changes import Changes
from inventory.dberrors import is_driver_error
from inventory.store import Store

from .events import ChangeBus

log = logging.getLogger(__name__)

POLL_S = 0.2  # the SQLite file is asked this often; PostgreSQL wakes at once on a notice
PING_EVERY_S = 1.0  # PostgreSQL: prove the server is there this often
RETRY_S = 0.5  # how often to try again while it is unreachable


class _Watch(QThread):
    remote = Signal(object)  # RemoteChange
    reachable = Signal(bool)

    def __init__(self, params: dict[str, Any] | None, path: str | None) -> None:
        super().__init__()
        self.setObjectName("stockroom-live")
        self._params, self._path = params, path
        self._stop = threading.Event()
        self.connected = threading.Event()  # listening (or watching) has begun

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        if self._params is not None:
            self._run_postgres(self._params)
        elif self._path is not None:
            self._run_sqlite(self._path)

    def _run_sqlite(self, path: str) -> None:
        watcher = live.SqliteWatcher(path)
        try:
            try:
                watcher.connect()
            except Exception:  # noqa: BLE001 - checked again at the next turn
                log.debug("data_version watcher could not start", exc_info=True)
            self.connected.set()
            while not self._stop.wait(POLL_S):
                try:
                    for change in watcher.check():
                        self.remote.emit(change)
                except Exception:  # noqa: BLE001 - a locked or moved file: try again later
                    log.debug("data_version check failed", exc_info=True)
                    watcher.close()
        finally:
            watcher.close()

    def _run_postgres(self, params: dict[str, Any]) -> None:
        listener = live.PgListener(params)
        up: bool | None = None
        last_ping = 0.0
        try:
            while not self._stop.is_set():
                try:
                    if listener.conn is None:
                        listener.connect()
                        if up is False:  # back: anything may have changed meanwhile
                            up = True
                            self.reachable.emit(True)
                            self.remote.emit(live.RemoteChange(Changes.everything()))
                    self.connected.set()
                    changes = listener.wait(POLL_S)
                    now = time.monotonic()
                    if now - last_ping >= PING_EVERY_S:
                        listener.ping()
                        last_ping = now
                    if up is not True:
                        up = True
                        self.reachable.emit(True)
                    for change in changes:
                        self.remote.emit(change)
                except Exception as exc:  # noqa: BLE001 - the server went away
                    if not (is_driver_error(exc) or isinstance(exc, OSError | ConnectionError)):
                        log.exception("live updates failed")
                    listener.close()
                    if up is not False:
                        up = False
                        self.reachable.emit(False)
                    self._stop.wait(RETRY_S)
        finally:
            listener.close()


class LiveUpdates(QObject):
    """Other desks' changes into the change bus; the server's reachability as a signal."""

    remote_changed = Signal(object)  # RemoteChange, after the bus was told
    reachable_changed = Signal(bool)

    def __init__(self, db: Store, url: str, bus: ChangeBus, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.bus = bus
        self.reachable = True
        params = live.listen_params(db)
        self._watch = _Watch(params, None if params is not None else live.sqlite_file(url))
        self._watch.remote.connect(self._on_remote)
        self._watch.reachable.connect(self._on_reachable)

    def start(self) -> None:
        self._watch.start()

    def wait_connected(self, timeout_s: float = 10.0) -> bool:
        """Block until the listener or watcher is in place (tests, benchmarks)."""
        return self._watch.connected.wait(timeout_s)

    def stop(self) -> None:
        self._watch.stop()
        self._watch.wait(5000)

    def _on_remote(self, change: live.RemoteChange) -> None:
        self.bus.publish(change.changes)
        self.remote_changed.emit(change)

    def _on_reachable(self, up: bool) -> None:
        if up != self.reachable:
            self.reachable = up
            if up:
                live.reconnect(self.db)  # this (the UI) thread's connection
            self.reachable_changed.emit(up)
