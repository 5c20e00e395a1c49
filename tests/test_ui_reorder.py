"""The Reorder view on the demo database: lines with reasons, chart, approve, export."""

from __future__ import annotations

import csv

from openpyxl import load_workbook

from inventory import models as m
from inventory.replenishment.engine import BUY
from ui.views.reorder import ReorderPage

from .ui_support import settle


def test_reorder_view_shows_demo_lines_and_approving_creates_orders(qtbot, ctx, tmp_path):  # noqa: F811
    bus = ctx.bus
    page = ReorderPage(ctx)
    qtbot.addWidget(page)
    settle(page)
    lines = page.visible_lines()
    # at or below the reorder point, or short of what approved requests need by their date
    assert lines and all(ln.position <= ln.reorder_point or ln.commitments for ln in lines)
    # The reasons in plain words; the statistics one click away.
    words = page.detail.toPlainText()
    assert "a month" in words and "Counted now" in words and "sd " not in words
    from PySide6.QtCore import QUrl

    page.detail.anchorClicked.emit(QUrl("statistics"))
    assert "Demand" in page.detail.toPlainText() and "Position" in page.detail.toPlainText()
    assert page.chart.chart().series()  # history, projection and reorder point drawn

    buy_rows = [i for i, ln in enumerate(lines) if ln.action == BUY]
    assert buy_rows
    page.table.clearSelection()
    for r in buy_rows[:2]:
        page.table.selectionModel().select(
            page.model.index(r, 0), page.table.selectionModel().SelectionFlag.Select
            | page.table.selectionModel().SelectionFlag.Rows)
    drafts_before = m.PurchaseOrder.select().where(m.PurchaseOrder.status == "draft").count()
    with qtbot.waitSignal(bus.changed) as sig:
        page.approve_selected()
    assert sig.args[0].touches("orders")
    settle(page)
    views = page.approved
    assert views and all(v.status == "draft" for v in views)
    drafts = m.PurchaseOrder.select().where(m.PurchaseOrder.status == "draft").count()
    assert drafts == drafts_before + len(views)
    assert "Draft purchase orders" in page.status.text()
    assert len(page.visible_lines()) < len(lines)  # approved lines now count as on order

    # The export holds what the window shows: one row per visible line, same numbers.
    shown = [(ln.product, ln.location, ln.action, float(ln.quantity), float(ln.reorder_point),
              float(ln.position)) for ln in page.visible_lines()]
    page.export_to(str(tmp_path / "list.csv"))
    with open(tmp_path / "list.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert shown and [(r["product"], r["location"], r["action"], float(r["quantity"]),
                       float(r["reorder_point"]), float(r["position"])) for r in rows] == shown
    page.export_to(str(tmp_path / "list.xlsx"))
    wb = load_workbook(tmp_path / "list.xlsx", read_only=True)
    header, *body = [list(r) for r in wb.active.iter_rows(values_only=True)]
    wb.close()
    col = {name: header.index(name) for name in
           ("product", "location", "action", "quantity", "reorder_point", "position")}
    assert [(r[col["product"]], r[col["location"]], r[col["action"]])
            + tuple(float(r[col[c]]) for c in ("quantity", "reorder_point", "position"))
            for r in body] == shown


def test_reorder_view_filters_by_location_and_lists_license_alerts(qtbot, ctx):  # noqa: F811
    page = ReorderPage(ctx)
    qtbot.addWidget(page)
    settle(page)
    page.location.setCurrentText("Northwind Logistics (3PL)")
    assert page.visible_lines()
    assert {ln.location for ln in page.visible_lines()} == {"LOC-3PL-NW"}
    assert page.license_rows.rowCount() > 0
    assert page.asset_rows.rowCount() > 0
    alerts = {page.asset_rows.row(r)[0] for r in range(page.asset_rows.rowCount())}
    assert alerts <= {"Overdue loan", "Warranty ends"} and alerts


def test_the_licenses_tab_counts_the_renewals_the_dashboard_counts(qtbot, ctx):
    from inventory.queries import dashboard

    page = ReorderPage(ctx)
    qtbot.addWidget(page)
    settle(page)
    rows = page.license_rows
    last = rows.columnCount() - 1
    due = [r for r in range(rows.rowCount())
           if rows.index(r, last).data().startswith("Renewal due")]
    assert due and len(due) == dashboard.counts().renewals_due
