"""The Showback page, its statements PDF, the dashboard's Business tab and a device's
repairs, on the demo in a real window (offscreen)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from inventory import models as m
from inventory.costing import showback
from inventory.costing.calendar import Month
from inventory.costing.tables import Repair
from ui.views.devices import DevicesPage
from ui.views.showback import ShowbackPage

from .ui_support import detail_text, settle, show_page

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen


def cell_texts(table, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def money(text: str) -> float:
    """A figure as the window shows it (currency sign, group separators) as a number."""
    return float(re.sub(r"[^\d.\-]", "", text))


def test_showback_lines_add_up_and_a_line_opens_its_items(qtbot, ctx, today):
    page = show_page(qtbot, ctx, ShowbackPage)
    qtbot.waitUntil(lambda: page.sb is not None, timeout=10_000)
    month = Month.of(today).shift(-1)
    assert page.chosen_month == month
    totals = [money(t) for t in cell_texts(page.lines, 6)]
    assert sum(totals[:-1]) == pytest.approx(totals[-1], abs=0.01 * len(totals))
    assert cell_texts(page.lines, 0)[-1] == "Total"
    expected = showback.showback(ctx.db, month)
    assert totals[-1] == pytest.approx(expected.total, abs=0.01)
    page.select("CC-300")
    settle(page)
    items = showback.items(ctx.db, month, "CC-300")
    assert page.item_tables["devices"].rowCount() == len(items["devices"]) > 0
    assert page.items.tabText(1) == f"Devices ({len(items['devices'])})"
    assert page.items.currentIndex() == 1  # from the chart to the items
    page.basis.setCurrentIndex(1)  # price: the demo's rate card raises laptops and phones
    settle(page)
    qtbot.waitUntil(lambda: page.sb.basis == "price", timeout=10_000)
    assert page.sb.total > expected.total


def test_export_statements_writes_one_page_per_cost_centre(qtbot, ctx, tmp_path):
    page = show_page(qtbot, ctx, ShowbackPage)
    qtbot.waitUntil(lambda: page.sb is not None, timeout=10_000)
    out = tmp_path / "statements.pdf"
    page.write_statements(out)
    settle(page)
    qtbot.waitUntil(out.exists, timeout=20_000)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", out.read_bytes()))
    assert pages == len(page.sb.lines) >= 10
    assert "Wrote the statements of" in page.messages.text()


def test_the_business_tab_shows_every_kpi(qtbot, window):
    dashboard = window.show_page("dashboard")
    dashboard.tabs.setCurrentWidget(dashboard.business)
    qtbot.waitUntil(lambda: dashboard.business.kpis is not None, timeout=30_000)
    for tile in dashboard.business.tiles.values():
        assert tile.value.text() not in ("…", "")
    assert dashboard.business.tiles["turns"].value.text().endswith("×")


def test_a_device_shows_its_repairs(qtbot, ctx):
    repaired = (Repair.select().join(m.Asset).where((Repair.cost > 0)
                                                    & (m.Asset.status != "retired"))
                .order_by(Repair.id).first())
    tag = m.Asset.get_by_id(repaired.asset_id).tag
    page = show_page(qtbot, ctx, DevicesPage)
    page.search.setText(tag)
    page.search.flush()
    settle(page)
    assert page.select_id(repaired.asset_id)
    qtbot.waitUntil(lambda: "Repairs (" in detail_text(page), timeout=5000)
    text = detail_text(page)
    assert repaired.vendor in text and repaired.reference in text


def open_settings(qtbot, page):
    page.open_settings()
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=10_000)
    return page.dialog


def test_a_manager_edits_budgets_rates_and_lives_in_the_window(qtbot, ctx, today):
    from inventory.costing import settings

    page = show_page(qtbot, ctx, ShowbackPage)
    qtbot.waitUntil(lambda: page.sb is not None, timeout=10_000)
    year = page.chosen_month.year
    dialog = open_settings(qtbot, page)
    assert dialog.budget_table.rowCount() >= 9 and dialog.tabs.count() == 3
    dialog.set_budget("CC-300", "123456.78")
    dialog.set_budget("CC-NEW", "1000")
    laptop = next(r for r in range(dialog.rule_table.rowCount())
                  if dialog.rule_table.item(r, 0).text() == "Category: laptop")
    dialog.rule_table.item(laptop, 1).setText("48")
    dialog.rule_table.item(laptop, 2).setText("10")
    model = next(n for n in dialog.settings.devices
                 if not any(r.key == n for r in dialog.settings.rates))
    dialog.add_rate("device", "product", model, "70")
    before = len(settings.rate_card(ctx.db))
    dialog.save()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)
    settle(page)
    budgets = settings.budgets(ctx.db, year)
    assert float(budgets["CC-300"]) == pytest.approx(123456.78)
    assert float(budgets["CC-NEW"]) == 1000
    rule = next(r for r in settings.depreciation_rules(ctx.db) if r.key == "laptop")
    assert (rule.life_months, float(rule.residual_pct)) == (48, 10)
    rates = settings.rate_card(ctx.db)
    assert len(rates) == before + 1
    assert any(r.kind == "device" and r.key == model and float(r.amount) == 70
               for r in rates)
    assert "Saved 4 changes" in page.messages.text()  # 2 budgets, a life, a rate
    assert "costs" in ctx.topics  # the page reads the month again


def test_a_wrong_amount_in_the_settings_says_what_to_fix_and_writes_nothing(qtbot, ctx):
    from inventory.costing import settings

    page = show_page(qtbot, ctx, ShowbackPage)
    qtbot.waitUntil(lambda: page.sb is not None, timeout=10_000)
    year = page.chosen_month.year
    before = settings.budgets(ctx.db, year)
    dialog = open_settings(qtbot, page)
    dialog.set_budget("CC-300", "lots")
    dialog.save()
    assert dialog.isVisible() and "is not a number" in dialog.error.text()
    dialog.set_budget("CC-300", "1e40")  # beyond any budget: refused by the command
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error.text() != "" and "not a number" not in
                    dialog.error.text(), timeout=10_000)
    assert dialog.isVisible()
    assert settings.budgets(ctx.db, year) == before
    dialog.reject()


def test_without_the_role_the_cost_settings_are_read_only(qtbot, ctx):
    from PySide6.QtWidgets import QDialogButtonBox

    from .ui_support import operator

    ctx.operator = operator("service_desk")
    page = show_page(qtbot, ctx, ShowbackPage)
    qtbot.waitUntil(lambda: page.sb is not None, timeout=10_000)
    dialog = open_settings(qtbot, page)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled() and "may not" in save.toolTip()
    assert not dialog.budget_table.item(0, 1).flags() & Qt.ItemFlag.ItemIsEditable
    dialog.reject()


def test_the_chart_draws_every_label_elides_a_long_one_and_scrolls_when_crowded(qtbot):
    from ui.widgets import stacked_rows

    from .test_ui_layout import dropped_chart_labels

    long = "Research and development, advanced manufacturing engineering (EMEA)"
    names = [f"CC-{i:03d}" for i in range(40)] + [long]
    area = stacked_rows.chart(names, [("Devices", [100.0 + i for i in range(41)]),
                                      ("Licenses", [50.0] * 41)])
    qtbot.addWidget(area)
    area.resize(600, 300)
    area.show()
    qtbot.waitExposed(area)
    chart = area.widget()
    rows = chart.rows()
    assert [r.label for r in rows] == names
    assert rows[-1].text != long and rows[-1].text.endswith("…")
    assert long in chart.tooltip_for(rows[-1]) and "Licenses" in chart.tooltip_for(rows[-1])
    assert all(r.label_rect.height() >= stacked_rows.ROW_MIN for r in rows)
    assert area.verticalScrollBar().maximum() > 0  # 41 rows: the chart scrolls
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    assert chart.rows()[-1].parts  # the last row has its bars
    # every row in view somewhere: the check the window's test makes, at each scroll
    visible = [p for p in dropped_chart_labels(chart) if "outside" not in p]
    assert visible == []


def test_a_page_whose_figures_arrive_while_hidden_still_shows_the_chart(qtbot, ctx):
    """The figures can come back from the worker before the page is first laid out (the
    splitter's sizes are all 0 then): the chart below the lines must not be squeezed out."""
    from .test_ui_layout import dropped_chart_labels

    page = ShowbackPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.sb is not None, timeout=10_000)
    page.resize(960, 560)
    page.show()
    qtbot.waitExposed(page)
    page.items.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.split.sizes()[1] >= page.below.minimumSizeHint().height(),
                    timeout=5_000)
    assert page.split.sizes()[0] >= 60  # and the lines keep theirs
    assert dropped_chart_labels(page.chart_view.widget()) == []
