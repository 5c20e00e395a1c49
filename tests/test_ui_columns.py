"""The column policy measures what the cells show (ui/widgets/columns.py): from the texts a
model keeps when it has them, the same as through Qt, and again when the font changes."""

from __future__ import annotations

from PySide6.QtCore import QIdentityProxyModel
from PySide6.QtWidgets import QTableView

from inventory.queries.devices import DeviceTable
from tests.ui_support import IGNORE_OFFSCREEN
from ui.models.table import LazyTableModel
from ui.widgets.columns import ColumnPolicy

pytestmark = [IGNORE_OFFSCREEN]


def shown_table(qtbot, model) -> tuple[QTableView, ColumnPolicy]:
    view = QTableView()
    view.setModel(model)
    policy = ColumnPolicy(view, stretch=1, keys=(0, 1))
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    qtbot.waitExposed(view)
    return view, policy


def test_widths_from_the_kept_texts_equal_those_read_through_qt(qtbot, demo_db):
    model = LazyTableModel(DeviceTable())
    model.reload()
    _, direct = shown_table(qtbot, model)
    proxy = QIdentityProxyModel()  # no row_texts: every cell asked through Qt
    proxy.setSourceModel(model)
    _, through_qt = shown_table(qtbot, proxy)
    widths = direct.content_widths()
    assert any(widths)
    assert widths == through_qt.content_widths()


def test_a_bigger_font_is_measured_again(qtbot, demo_db):
    model = LazyTableModel(DeviceTable())
    model.reload()
    view, policy = shown_table(qtbot, model)
    before = policy.content_widths()
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    view.setFont(font)
    after = policy.content_widths()
    wider = [c for c, (a, b) in enumerate(zip(after, before, strict=True)) if b and a > b]
    measured = [c for c, b in enumerate(before) if b]
    assert wider == measured, "widths remembered from the old font"
