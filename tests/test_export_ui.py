"""Export… from a table view (what it shows) and of a named table on a worker thread."""

from __future__ import annotations

import csv

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from inventory.exchange.tables import Filters
from ui.export_actions import export_action, export_table, export_view


def _read(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_export_what_the_view_shows(qtbot, tmp_path):
    model = QStandardItemModel(0, 3)
    model.setHorizontalHeaderLabels(["Tag", "Secret", "Note"])
    for tag, note in (("IT-1", "=cmd|' /C calc'!A0"), ("IT-2", "fine")):
        model.appendRow([QStandardItem(tag), QStandardItem("hidden"), QStandardItem(note)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setColumnHidden(1, True)
    out = export_view(view, None, "devices", path=tmp_path / "devices.csv")
    assert _read(out) == [["Tag", "Note"], ["IT-1", "'=cmd|' /C calc'!A0"], ["IT-2", "fine"]]
    action = export_action(view, "devices")
    assert action.text() == "Export…"


def test_export_ledger_on_a_worker(qtbot, demo_db, tmp_path):
    out = export_table(None, demo_db, "movements", Filters(kind="receive"),
                       path=tmp_path / "receipts.xlsx")
    assert out is not None and out.exists()
    from openpyxl import load_workbook

    wb = load_workbook(out, read_only=True)
    kinds = {row[2] for row in wb.active.iter_rows(min_row=2, values_only=True)}
    wb.close()
    assert kinds == {"receive"}
