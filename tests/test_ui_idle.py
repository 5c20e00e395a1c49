"""A window left alone does no work, and a change on the page on show does not make the
hidden pages measure themselves: at the counter, the next scan gets the UI thread."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from tests.ui_support import IGNORE_OFFSCREEN
from ui.widgets.detail import DetailPane
from ui.widgets.flow import FlowLayout
from ui.widgets.page_stack import PageStack

pytestmark = [IGNORE_OFFSCREEN]


class LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LayoutRequest:
            self.seen += 1
        return False


class CountingFlow(FlowLayout):
    measured = 0

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        CountingFlow.measured += 1
        return super().heightForWidth(width)


def spin(ms: int) -> None:
    until = time.perf_counter() + ms / 1000
    while time.perf_counter() < until:
        QApplication.processEvents()
        time.sleep(0.002)


def test_a_detail_pane_left_alone_stops_laying_itself_out(qtbot):
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.resize(420, 500)
    pane.show()
    qtbot.waitExposed(pane)
    pane.begin("Laptop 14 · IT-000123", "Deployed to Jane Doe")
    pane.field("Serial", "PF3K2M9X")
    pane.text("A long note that wraps over several lines in a narrow pane " * 4)
    pane.finish()
    spin(100)  # let it settle once
    body = pane.widget()
    counter = LayoutRequests()
    body.installEventFilter(counter)
    spin(300)
    assert counter.seen == 0, f"the idle pane laid its body out {counter.seen} times"
    assert body.height() >= body.layout().totalHeightForWidth(body.width())  # not cut


def test_a_change_on_the_page_on_show_does_not_measure_the_hidden_pages(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    stack = PageStack()
    QVBoxLayout(window).addWidget(stack)
    shown = QWidget()
    status = QLabel("Ready")
    status.setWordWrap(True)
    QVBoxLayout(shown).addWidget(status)
    hidden = QWidget()
    flow = CountingFlow()
    for text in ("Check out", "Check in", "Transfer", "Print labels"):
        flow.add_widget(QPushButton(text))
    outer = QVBoxLayout(hidden)
    outer.addLayout(flow)
    outer.addWidget(QLabel("A hidden page with a row that reflows"))
    stack.addWidget(shown)
    stack.addWidget(hidden)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    stack.setCurrentWidget(hidden)  # opened once, as a user opens every page
    spin(50)
    stack.setCurrentWidget(shown)
    spin(50)
    CountingFlow.measured = 0
    for i in range(10):  # ten scans, each a new answer of a different length
        status.setText(f"IT-{i:06d} · Laptop 14 · added to the basket" + " and more" * i)
        spin(10)
    assert CountingFlow.measured == 0
    stack.setCurrentWidget(hidden)  # shown again, it is laid out for the current width
    spin(50)
    assert all(not b.isHidden() and b.width() > 0 for b in hidden.findChildren(QPushButton))
