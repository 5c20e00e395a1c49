"""The Reorder view's What if tab: the backtest runs on the worker with a progress bar,
shows policy and min/max per class and the trade-off chart; targets are edited there."""

from __future__ import annotations

import pytest
from PySide6.QtCharts import QScatterSeries
from PySide6.QtWidgets import QDialogButtonBox

from inventory.replenishment.targets import list_targets
from ui.views.reorder import ReorderPage
from ui.views.reorder_whatif import SELECTED

from .ui_support import settle


@pytest.fixture
def page(qtbot, ctx):
    p = ReorderPage(ctx)
    qtbot.addWidget(p)
    settle(p)
    return p


def test_what_if_runs_on_the_worker_and_shows_policy_baseline_and_curve(qtbot, page):
    tab = page.whatif
    page.tabs.setCurrentWidget(tab)
    tab.months.setValue(6)
    seen = []
    tab._progress.changed.connect(lambda stage, pct: seen.append(pct))
    with qtbot.waitSignal(tab.finished, timeout=120_000):
        tab.run_button.click()
        assert not tab.run_button.isEnabled()  # the click returned at once: work is queued
    assert tab.run_button.isEnabled() and tab.progress.isHidden()
    assert seen and seen[-1] == 100
    rules = {tab.table.item(r, 0).text() for r in range(tab.table.rowCount())}
    assert rules == {"Policy", "Min/max"}
    classes = {tab.table.item(r, 1).text() for r in range(tab.table.rowCount())}
    assert "all" in classes and classes & {"smooth", "erratic", "intermittent", "lumpy"}
    targets = [p for p in tab.chart.points if p.target is not None]
    assert [p.target for p in targets] == [0.80, 0.85, 0.90, 0.95, 0.98, 0.99]
    # more service costs more stock: the curve rises to the right
    values = [p.stock_value for p in targets]
    assert values == sorted(values) and values[-1] > values[0]
    names = [s.name() for s in tab.chart.chart().series()]
    assert any(n.startswith("Your min/max") for n in names)
    assert any(isinstance(s, QScatterSeries) for s in tab.chart.chart().series())
    assert "your min/max served" in tab.summary.text()


def test_what_if_on_selected_lines_asks_for_a_selection_first(qtbot, page):
    tab = page.whatif
    tab.scope.setCurrentText(SELECTED)
    page.table.clearSelection()
    tab.run()
    assert "Select lines" in tab.summary.text()
    page.table.selectRow(0)
    settle(page)
    line = page.selected_lines()[0]
    with qtbot.waitSignal(tab.finished, timeout=120_000):
        tab.run()
    assert tab.result.report.rows == 1
    assert tab.items() == [(line.product_id, line.location_id)]


def test_service_targets_dialog_saves_and_the_list_follows(qtbot, page):
    tab = page.whatif
    tab.edit_targets()
    qtbot.waitUntil(lambda: getattr(tab, "targets_dialog", None) is not None, timeout=10_000)
    dialog = tab.targets_dialog
    labels = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert labels[:3] == ["ABC class A", "ABC class B", "ABC class C"]
    scope, key, spin = dialog.rows[0]
    spin.setValue(98.0)
    with qtbot.waitSignal(page.ctx.bus.changed, timeout=10_000) as sig:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert sig.args[0].touches("catalog")  # the reorder list computes again
    assert [(t.scope, t.key, t.service_level) for t in list_targets(page.db)] == [
        ("abc", "A", 0.98)]
    page.show_all.setChecked(True)
    settle(page)
    shown = [ln for ln in page.visible_lines() if ln.target_source == "ABC class A"]
    assert shown and all(ln.service_level == 0.98 for ln in shown)
    page.table.selectRow(page.visible_lines().index(shown[0]))
    settle(page)
    assert "the target of ABC class A" in page.detail.toPlainText()
