"""Helpers of the desktop-app tests (no tests, no fixtures here: those are in conftest.py):
operators by role, a page in its own window, waiting for the worker, reading tables."""

from __future__ import annotations

from datetime import datetime

import pytest

from inventory import models as m
from inventory.operators import OperatorRef
from scanners.scan import Scan

# The offscreen platform cannot raise windows, grab the keyboard or propagate size hints.
IGNORE_OFFSCREEN = pytest.mark.qt_log_ignore("This plugin does not support")


def operator(role: str) -> OperatorRef:
    op = m.Operator.get_or_none(m.Operator.username == f"op-{role}")
    if op is None:
        op = m.Operator.create(username=f"op-{role}", name=f"{role} user", role=role)
    return OperatorRef(op.id, op.username, op.name, op.role)


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
    return " | ".join(parts).replace("\u200b", "")  # (wrapping points in long words)
