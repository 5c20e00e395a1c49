"""Shared pieces of the desktop-app tests (no tests here): a context on a copy of the demo
database, the main window, and a guard that no QThread outlives its test."""

from __future__ import annotations

import weakref
from datetime import datetime

import pytest
from PySide6.QtCore import QThread

from inventory import models as m
from inventory.operators import OperatorRef, os_operator
from scanners.scan import Scan
from ui.events import ChangeBus
from ui.settings import Settings
from ui.tasks import TaskRunner
from ui.views.base import AppContext

# The offscreen platform cannot raise windows, grab the keyboard or propagate size hints.
IGNORE_OFFSCREEN = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def no_threads_left(monkeypatch):
    """Fail a test that leaves a QThread running (napari's check, by wrapping start)."""
    started: list[weakref.ref] = []
    original = QThread.start

    def start(self, *args):
        started.append(weakref.ref(self))
        return original(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    yield started
    running = [t for t in (r() for r in started) if t is not None and t.isRunning()]
    for t in running:
        t.quit()
        t.wait(2000)
    assert not running, f"{len(running)} QThread(s) still running after the test"


def operator(role: str) -> OperatorRef:
    op = m.Operator.get_or_none(m.Operator.username == f"op-{role}")
    if op is None:
        op = m.Operator.create(username=f"op-{role}", name=f"{role} user", role=role)
    return OperatorRef(op.id, op.username, op.name, op.role)


@pytest.fixture
def ui_settings(tmp_path, qapp):
    return Settings.in_file(str(tmp_path / "stockroom.ini"))


@pytest.fixture
def ctx(qapp, demo_db, demo_url, ui_settings, no_threads_left):
    """The app context on a copy of the demo database; the worker is shut down after."""
    runner = TaskRunner(demo_db)
    context = AppContext(demo_db, os_operator(demo_db), ChangeBus(), ui_settings, runner,
                         demo_url)
    context.topics = []  # the kinds of change of every notice, in order
    context.notices = []
    context.bus.changed.connect(context.notices.append)
    context.bus.changed.connect(lambda changes: context.topics.extend(sorted(changes.kinds)))
    yield context
    runner.shutdown()


@pytest.fixture
def window(qtbot, ctx):
    """The main window on the demo database, shown."""
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1400, 880)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def show_page(qtbot, ctx, cls):
    """One page in its own shown window."""
    page = cls(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitExposed(page)
    settle(page)
    return page


def settle(page) -> None:
    """Let the worker deliver what the page asked for (the rest of a long id list...)."""
    assert page.ctx.runner.wait_idle(10_000)


def scan(text: str, source: str = "usb") -> Scan:
    return Scan(text, "code128", source, datetime.now())


def table_texts(page, column: str, limit: int = 50) -> list[str]:
    settle(page)
    model = page.model
    col = model.column_of(column)
    rows = range(min(model.rowCount(), limit))
    for r in rows:
        model.row_values(r)  # read now (painting would read them on the worker)
    return [model.index(r, col).data() for r in rows]


def detail_text(page) -> str:
    """Everything the detail pane shows, labels and table cells, as one string."""
    from PySide6.QtWidgets import QLabel, QProgressBar, QTableWidget

    body = page.detail.widget()
    parts = [w.text() for w in body.findChildren(QLabel)]
    parts += [b.text() for b in body.findChildren(QProgressBar)]
    for t in body.findChildren(QTableWidget):
        parts += [t.item(r, c).text() for r in range(t.rowCount())
                  for c in range(t.columnCount()) if t.item(r, c)]
    return " | ".join(parts)
