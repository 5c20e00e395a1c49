"""The window at the smallest and the largest size it is made for (1024×700, 1440×900):
no table's key column is cut or hidden, no button's text is cut, detail panes wrap, filter
rows reflow, columns follow the one policy (a name that stretches, others hidden first and
shown again on request, full text in the tooltip)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QScrollArea,
    QStyle,
    QTableView,
    QToolTip,
)

from tests.ui_support import IGNORE_OFFSCREEN
from ui.main_window import NAVIGATION, MainWindow
from ui.widgets.columns import ColumnPolicy

pytestmark = [IGNORE_OFFSCREEN]

SIZES = ((1024, 700), (1440, 900))


def cut_cells(view: QTableView, columns) -> list[str]:
    """Cells of `columns` on screen whose text is wider than the room the column gives."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    metrics = view.fontMetrics()
    first = max(0, view.rowAt(0))
    last = view.rowAt(view.viewport().height() - 1)
    last = view.model().rowCount() - 1 if last < 0 else last
    out = []
    for c in columns:
        head = view.model().headerData(c, Qt.Orientation.Horizontal)
        if view.isColumnHidden(c):
            out.append(f"{head}: hidden")
            continue
        # Off screen to the right (behind a horizontal scroll bar) is cut too.
        right = view.columnViewportPosition(c) + view.columnWidth(c)
        if right > view.viewport().width() + 1:
            out.append(f"{head}: behind the scroll bar")
        for r in range(first, last + 1):
            text = view.model().index(r, c).data()
            if text and metrics.horizontalAdvance(str(text)) > view.columnWidth(c) - 2 * margin:
                out.append(f"{head} row {r}: {text!r} in {view.columnWidth(c)} px")
    return out


def cut_headers(view: QTableView) -> list[str]:
    """Column headers (of every column shown) whose text does not fit."""
    head = view.horizontalHeader()
    margin = head.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, head)
    out = []
    for c in range(view.model().columnCount()):
        text = str(view.model().headerData(c, Qt.Orientation.Horizontal) or "")
        if text and not view.isColumnHidden(c) and \
                head.fontMetrics().horizontalAdvance(text) + 2 * margin > view.columnWidth(c):
            out.append(f"header {text!r} in {view.columnWidth(c)} px")
    return out


def cut_buttons(root) -> list[str]:
    out = []
    for b in root.findChildren(QAbstractButton):
        if not b.isVisible() or not b.text().strip():
            continue
        if b.width() + 1 < b.sizeHint().width():
            out.append(f"{b.text()!r}: {b.width()} px of {b.sizeHint().width()}")
            continue
        inside_scroll = any(isinstance(p, QScrollArea) for p in _parents(b))
        if not inside_scroll:
            right = b.mapTo(root, QPoint(b.width(), 0)).x()
            if right > root.width() + 1:
                out.append(f"{b.text()!r}: right edge at {right} in a {root.width()} px window")
    return out


def sideways_scrolls(page) -> list[str]:
    """Scrolled parts of a page (Settings, the detail panes) that need a horizontal scroll
    bar: their content should wrap into the width instead."""
    out = []
    for area in page.findChildren(QScrollArea):
        body = area.widget()
        if area.isVisible() and body is not None and \
                body.width() > area.viewport().width() + 1:
            out.append(f"{area.objectName() or type(area).__name__}: content {body.width()} px "
                       f"wide in {area.viewport().width()} px")
    return out


def _parents(w):
    p = w.parentWidget()
    while p is not None:
        yield p
        p = p.parentWidget()


def shown_tables(page) -> list[tuple[QTableView, ColumnPolicy]]:
    out = []
    for view in page.findChildren(QTableView):
        policy = next(iter(view.findChildren(ColumnPolicy, options=Qt.FindChildOption
                                             .FindDirectChildrenOnly)), None)
        if view.isVisible() and view.model() is not None and view.model().rowCount():
            out.append((view, policy))
    return out


def settle(window) -> None:
    """Let the window's worker deliver what its pages asked for."""
    assert window.ctx.runner.wait_idle(10_000)


def fitted(qtbot, page) -> None:
    """Wait until every table's column policy has fitted what arrived (it fits on a later
    turn of the event loop, 120 ms after a burst of rows; later still on a busy machine)."""
    QApplication.processEvents()
    qtbot.waitUntil(lambda: not any(p.pending() for p in page.findChildren(ColumnPolicy)),
                    timeout=10_000)
    QApplication.processEvents()


def visit(window, qtbot, key: str):
    page = window.show_page(key)
    settle(window)
    fitted(qtbot, page)
    return page


@pytest.fixture
def sized_window(qtbot, ctx):
    def make(width: int, height: int) -> MainWindow:
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.resize(width, height)
        w.show()
        qtbot.waitExposed(w)
        settle(w)
        return w
    return make


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_key_column_or_button_text_is_cut_on_any_page(qtbot, sized_window, size):
    window = sized_window(*size)
    problems: list[str] = []
    for key, title, _icon, _keys in NAVIGATION:
        page = visit(window, qtbot, key)
        tabs = getattr(page, "tabs", None)
        for i in range(tabs.count() if tabs is not None else 1):
            if tabs is not None:
                tabs.setCurrentIndex(i)
                settle(window)
                fitted(qtbot, page)
            where = title + (f" ▸ {tabs.tabText(i)}" if tabs is not None else "")
            for view, policy in shown_tables(page):
                assert policy is not None, f"{where}: a table without the column policy"
                problems += [f"{where}: {p}" for p in cut_cells(view, sorted(policy.keys))]
                problems += [f"{where}: {p}" for p in cut_headers(view)]
            problems += [f"{where}: button {p}" for p in cut_buttons(window)]
            problems += [f"{where}: {p}" for p in sideways_scrolls(page)]
    assert not problems, "\n".join(problems)


def test_less_important_columns_hide_first_and_come_back_on_request(qtbot, sized_window):
    window = sized_window(1024, 700)
    devices = visit(window, qtbot, "devices")
    policy = devices.columns
    model = devices.model
    assert devices.table.isColumnHidden(model.column_of("category"))  # the first to go
    assert not devices.table.isColumnHidden(model.column_of("tag"))
    assert not devices.table.isColumnHidden(model.column_of("model"))
    # The header's menu shows a hidden column again, and the choice is remembered.
    hidden = sorted(policy.auto_hidden)[-1]
    name = policy.label(hidden)
    menu = policy.header_menu()
    action = next(a for a in menu.actions() if a.text() == name)
    assert not action.isChecked()
    action.trigger()
    assert not devices.table.isColumnHidden(hidden)
    assert name in window.ctx.settings.column_choice("devices")[0]
    window.resize(1440, 900)
    qtbot.wait(30)
    QApplication.processEvents()
    # Wider: the stretching name column takes what the others leave, with no scroll bar.
    table = devices.table
    used = sum(table.columnWidth(c) for c in range(model.columnCount())
               if not table.isColumnHidden(c))
    assert used <= table.viewport().width() + 1
    assert table.columnWidth(model.column_of("model")) >= policy.natural(model.column_of("model"))


def test_a_cut_cell_shows_its_full_text_in_the_tooltip(qtbot, sized_window):
    window = sized_window(1024, 700)
    devices = visit(window, qtbot, "devices")
    table, model = devices.table, devices.model
    col = model.column_of("model")
    # Narrowed (the header applies it at once): now the names are cut. The tooltip is
    # asked for before the event loop turns, as a hover would: a turn may bring a refit
    # (a scroll bar going away resizes the view), which would widen the column again.
    table.setColumnWidth(col, 60)
    rect = table.visualRect(model.index(0, col))
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), table.viewport().mapToGlobal(
        rect.center()))
    QApplication.sendEvent(table.viewport(), event)
    assert QToolTip.isVisible()
    assert QToolTip.text() == model.index(0, col).data()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail_panes_wrap_instead_of_being_cut(qtbot, sized_window, size):
    window = sized_window(*size)
    for key in ("devices", "stock", "licenses", "locations", "people", "orders", "requests"):
        page = visit(window, qtbot, key)
        page.table.selectRow(0)
        qtbot.wait(60)
        settle(window)
        QApplication.processEvents()
        def fits(page=page) -> bool:
            body = page.detail.widget()
            return body.width() <= page.detail.viewport().width() + 1 and \
                body.height() >= body.heightForWidth(body.width()) - 1
        qtbot.waitUntil(fits, timeout=1000)  # (a few turns of the event loop)
        body = page.detail.widget()
        room = page.detail.viewport().width()
        assert body.width() <= room + 1, f"{key}: the detail is {body.width()} px in {room}"
        need = body.heightForWidth(body.width())
        assert body.height() >= need - 1, f"{key}: {body.height()} px high for {need} px"


def test_the_filter_row_reflows_onto_two_lines_when_narrow(qtbot, sized_window):
    window = sized_window(1024, 700)
    devices = visit(window, qtbot, "devices")
    search, last = devices.search, devices._combos["special"]
    assert last.geometry().top() > search.geometry().bottom()  # on a second line
    for combo in devices._combos.values():  # nothing on top of anything else
        assert not combo.geometry().intersects(search.geometry())
    window.resize(1440, 900)
    qtbot.wait(30)
    QApplication.processEvents()
    assert devices.search.width() >= 240


def test_icons_on_buttons_follow_one_rule(qtbot, sized_window):
    """A page's header actions all carry an icon beside their text; the other buttons with
    text (detail panes, forms, the scan station) carry none."""
    from PySide6.QtWidgets import QPushButton

    from ui.widgets.action_bar import ActionBar

    window = sized_window(1440, 900)
    for key, title, *_ in NAVIGATION:
        page = visit(window, qtbot, key)
        bars = page.findChildren(ActionBar)
        in_bars = {id(b) for bar in bars for b in bar.buttons()}
        for bar in bars:
            for b in bar.buttons():
                if b is not bar.more:
                    assert not b.icon().isNull(), f"{title}: {b.text()!r} has no icon"
        for b in page.findChildren(QPushButton):
            if id(b) not in in_bars and b.text().strip():
                assert b.icon().isNull(), f"{title}: {b.text()!r} has an icon"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_reorder_list_keeps_where_how_many_what_it_costs_and_by_when(qtbot, sized_window,
                                                                         size):
    """A buyer reads a line as: product, location, buy or move, quantity, cost, order by."""
    from ui.views.reorder import COLUMNS

    window = sized_window(*size)
    reorder = visit(window, qtbot, "reorder")
    qtbot.waitUntil(lambda: reorder.model.rowCount() > 0, timeout=10_000)
    qtbot.wait(30)
    QApplication.processEvents()
    table = reorder.table
    wanted = ("Product", "Location", "Action", "Qty", "Cost", "Order by")
    hidden = [name for name in wanted if table.isColumnHidden(COLUMNS.index(name))]
    assert not hidden, f"hidden at {size}: {hidden}"
    assert not cut_cells(table, [COLUMNS.index(name) for name in wanted])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_dialog_is_tall_enough_for_its_wrapped_hints(qtbot, sized_window, size):
    """The product dialog's hints run onto a second line: the dialog grows to show it
    instead of cutting it."""
    from PySide6.QtWidgets import QLabel

    window = sized_window(*size)
    stock = visit(window, qtbot, "stock")
    stock.act_new.trigger()
    dialog = stock.dialog
    qtbot.waitExposed(dialog)
    qtbot.wait(30)
    QApplication.processEvents()
    wrapped = [label for label in dialog.findChildren(QLabel)
               if label.isVisible() and label.wordWrap() and label.text()]
    two_lines = [label for label in wrapped
                 if label.heightForWidth(label.width()) > label.fontMetrics().height() * 1.5]
    assert two_lines, "the product dialog has hints that wrap (the GTIN's)"
    short = [f"{label.text()[:30]!r}: {label.height()} px of "
             f"{label.heightForWidth(label.width())}" for label in wrapped
             if label.height() < label.heightForWidth(label.width())]
    dialog.reject()
    assert not short, "\n".join(short)


def dropped_chart_labels(chart) -> list[str]:
    """The cost centres the Showback chart does not draw in full where they can be seen:
    a row missing, cut without its tooltip, overlapping the next, lower than the font, or
    outside the visible part of the chart."""
    from PySide6.QtGui import QFontMetrics

    area = chart.parentWidget().parentWidget()  # the scroll area's viewport, then the area
    seen = area.viewport().rect()
    fm = QFontMetrics(chart.font_)
    rows = chart.rows()
    problems = [f"no row for {label}" for label in chart.labels[len(rows):]]
    for i, row in enumerate(rows):
        if row.text != row.label and row.label not in chart.tooltip_for(row):
            problems.append(f"{row.label} cut to {row.text!r} without a tooltip")
        if fm.horizontalAdvance(row.text) > row.label_rect.width() + 1:
            problems.append(f"{row.label} wider than its column")
        if row.label_rect.height() < fm.height():
            problems.append(f"{row.label}: row {row.label_rect.height():.0f} px for a "
                            f"{fm.height()} px label")
        if i and row.label_rect.top() < rows[i - 1].label_rect.bottom() - 0.5:
            problems.append(f"{row.label} overlaps {rows[i - 1].label}")
        where = chart.mapTo(area.viewport(), row.label_rect.toRect().topLeft())
        if not seen.contains(where) or where.y() + row.label_rect.height() > seen.bottom() + 1:
            problems.append(f"{row.label} is outside the visible chart")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_showback_chart_labels_every_cost_centre(qtbot, sized_window, size):
    window = sized_window(*size)
    page = visit(window, qtbot, "showback")
    qtbot.waitUntil(lambda: page.sb is not None and page.chart_view is not None,
                    timeout=10_000)
    page.items.setCurrentIndex(0)  # the Chart tab
    QApplication.processEvents()
    chart = page.chart_view.widget()
    names = [ln.cost_centre for ln in page.sb.lines]
    assert len(names) >= 10 and chart.labels == names
    assert [r.text for r in chart.rows()] == names  # the demo's names fit whole
    assert dropped_chart_labels(chart) == []
    # a click on a bar opens that cost centre's items
    row = chart.rows()[2]
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton,
                     pos=row.bar_rect.center().toPoint())
    assert page.selected_cost_centre() == names[2]
