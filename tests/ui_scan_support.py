"""Shared pieces of the scan station tests: a station on a copy of the demo database,
scans delivered as a scanner would, and quick looks at the ledger."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from inventory import models as m
from inventory.operators import OperatorRef, os_operator
from scanners.scan import Scan
from ui.events import ChangeBus
from ui.scan_station import ScanStationPage
from ui.tasks import TaskRunner
from ui.views.base import AppContext

from .ui_support import operator  # noqa: F401 - the scan tests take it from here

# The offscreen platform cannot do this for a shown window; nothing to do with us.
IGNORE_OFFSCREEN = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class Station:
    """A scan station page, shown, with what it emitted recorded."""

    def __init__(self, qtbot, db, op: OperatorRef | None = None, settings=None) -> None:
        self.qtbot, self.db = qtbot, db
        self.op = op or os_operator(db)
        self.bus = ChangeBus()
        self.topics: list[str] = []  # the kinds of change of every notice, in order
        self.notices: list = []
        self.bus.changed.connect(self.notices.append)
        self.bus.changed.connect(lambda changes: self.topics.extend(sorted(changes.kinds)))
        self.runner = TaskRunner(db)
        self.ctx = AppContext(db, self.op, self.bus, settings, self.runner)
        self.page = ScanStationPage(self.ctx)
        self.page.chime.enabled = False  # no beeps from the test run; `played` still fires
        self.sounds: list[str] = []
        self.page.chime.played.connect(self.sounds.append)
        self.outcomes: list = []
        self.page.scan_handled.connect(self.outcomes.append)
        # The worker ends with the page (before it is closed and deleted).
        qtbot.addWidget(self.page, before_close_func=lambda _w: self._close())
        self.page.resize(1200, 780)
        self.page.show()
        qtbot.waitExposed(self.page)
        self.page.activateWindow()
        qtbot.waitUntil(self.page.isActiveWindow, timeout=2000)
        self.page.focus_field()

    def _close(self) -> None:
        self.page.shutdown()
        self.runner.shutdown()

    def wait(self) -> None:
        """Until every queued scan and action has answered."""
        assert self.page.wait(20_000), "the scan station did not answer in time"

    # -- scanning -------------------------------------------------------------
    def scan(self, text: str, symbology: str = "unknown", source: str = "usb"):
        """A scan as a device delivers it to the station (the main window forwards it);
        its answer, once the station has given it."""
        self.page._last = ("", "", 0.0)  # each test scan is deliberate, not a repeat
        before = len(self.outcomes)
        assert self.page.handle_scan(Scan(text, symbology, source, datetime.now()))
        self.wait()
        assert len(self.outcomes) > before, f"the scan {text!r} gave no answer"
        return self.outcomes[-1]

    def do(self, action: str):
        """A station action ("confirm", "undo_last", "cancel"); its answer."""
        before = len(self.outcomes)
        getattr(self.page, action)()
        self.wait()
        assert len(self.outcomes) > before, f"{action} gave no answer"
        return self.outcomes[-1]

    def mode(self, name: str):
        """Switch mode, as its button or key does; the answer."""
        self.page.set_mode(name)
        self.wait()
        return self.outcomes[-1]

    def type(self, text: str):
        """A code typed into the station's scan field, ended with Enter."""
        before = len(self.outcomes)
        self.page._last = ("", "", 0.0)
        self.qtbot.keyClicks(self.page.field, text)
        self.qtbot.keyClick(self.page.field, Qt.Key.Key_Return)
        self.wait()
        assert len(self.outcomes) == before + 1, f"typing {text!r} gave no answer"
        return self.outcomes[-1]

    def key(self, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        """A key press in the station, as a person at the counter does it; returns once
        the station has answered it."""
        QTest.keyClick(self.page.field, key, modifiers)
        self.wait()

    # -- what the window shows ---------------------------------------------------
    @property
    def shown(self) -> str:
        return self.page.feedback.text()

    @property
    def state(self) -> str:
        return self.page.feedback.state


def movements() -> int:
    return m.Movement.select().count()


def asset(tag: str) -> m.Asset:
    return m.Asset.get(m.Asset.tag == tag)


def in_stock(n: int, location: str = "LOC-HQ-SR") -> list[str]:
    loc = m.Location.get(m.Location.code == location)
    q = (m.Asset.select(m.Asset.tag)
         .where((m.Asset.status == "in_stock") & (m.Asset.location == loc.id))
         .order_by(m.Asset.id).limit(n))
    return [a.tag for a in q]


def stock(product_id: int, location: str) -> int:
    loc = m.Location.get(m.Location.code == location)
    sl = m.StockLevel.get_or_none((m.StockLevel.product == product_id)
                                  & (m.StockLevel.location == loc.id))
    return sl.quantity if sl else 0


def spare_at(location: str = "LOC-HQ-SR", at_least: int = 5) -> m.Product:
    loc = m.Location.get(m.Location.code == location)
    return (m.Product.select().join(m.StockLevel)
            .where((m.StockLevel.location == loc.id) & (m.StockLevel.quantity >= at_least)
                   & (m.Product.kind == "spare") & m.Product.gtin.is_null(False))
            .order_by(m.Product.id).first())
