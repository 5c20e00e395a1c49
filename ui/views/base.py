"""What every page shares: the app context, a message bar, and the table page layout.

A `TablePage` is a search box and filters over a `LazyTableModel`, a detail pane for
the selected row, and actions on the selection. It refreshes itself from the change
bus (at once when visible, else the next time it is shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inventory.changes import Changes
from inventory.commands import Command
from inventory.operators import OperatorRef
from inventory.queries.common import TableQuery
from inventory.roles import ACTIONS, ROLE_LABELS, allowed
from inventory.store import Store, as_store

from .. import icons
from ..coalesce import AfterPaint
from ..events import ChangeBus
from ..models.format import fmt_int
from ..models.table import LazyTableModel
from ..operations import OperationRunner
from ..settings import Settings
from ..tasks import TaskRunner
from ..widgets.action_bar import ActionBar
from ..widgets.columns import ColumnPolicy
from ..widgets.delegates import StatusDelegate
from ..widgets.detail import DetailPane
from ..widgets.flow import FlowLayout, flow_row
from ..widgets.message_bar import MessageBar
from ..widgets.search_box import SearchBox

ROW_HEIGHT = 28


@dataclass
class AppContext:
    """What pages and dialogs need: the store, who is working, and the shared objects.

    `ops` runs every write (ui/operations.py); `runner` the reads, on the same worker.
    """

    db: Store  # the open database, an opaque handle: given back to inventory's entry points
    operator: OperatorRef
    bus: ChangeBus
    settings: Settings
    runner: TaskRunner
    url: str = ""
    ops: OperationRunner = field(init=False)

    def __post_init__(self) -> None:
        self.db = as_store(self.db, self.url)  # tests and tools may give the database
        self.ops = OperationRunner(self.db, self.operator, self.bus, self.runner)

    def may(self, action: str) -> bool:
        return allowed(self.operator.role, action)

    def refusal(self, action: str) -> str:
        role = ROLE_LABELS.get(self.operator.role, self.operator.role)
        return f"Your role ({role}) may not {ACTIONS[action]}."


@dataclass(frozen=True)
class FilterDef:
    """A drop-down filter: `choices()` gives (label, value) pairs; value None = all."""

    name: str
    label: str
    choices: Callable[[], list[tuple[str, Any]]]
    width: int = 150


class Page(QWidget):
    """A main-window page. `navigate(key, filters)` asks the window to open another."""

    key = ""
    title = ""
    subtitle = ""
    navigate = Signal(str, dict)
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.messages = MessageBar()
        self._dirty = False
        self.dialog: QDialog | None = None  # the dialog this page has open, if any
        self._after_paint = AfterPaint(self, self._refresh_if_dirty, ctx.runner)
        ctx.bus.changed.connect(self._on_bus)

    # -- header ------------------------------------------------------------------------

    def header(self, title: str, subtitle: str = "", stretch: bool = True
               ) -> tuple[QHBoxLayout, QLabel]:
        """The page's title and subtitle; `stretch` pushes what is added after to the right."""
        row = QHBoxLayout()
        row.setSpacing(10)
        box = QVBoxLayout()
        box.setSpacing(0)
        t = QLabel(title)
        t.setObjectName("PageTitle")
        box.addWidget(t)
        sub = QLabel(subtitle)
        sub.setObjectName("PageSubtitle")
        box.addWidget(sub)
        row.addLayout(box)
        if stretch:
            row.addStretch(1)
        return row, sub

    # -- refresh ------------------------------------------------------------------------

    kinds: tuple[str, ...] = ()  # the kinds of change this page shows (inventory.changes)

    def _on_bus(self, changes: Changes) -> None:
        if not changes.touches(*self.kinds):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty:
            self._after_paint.arm()  # read again once the page is on screen

    def _refresh_if_dirty(self) -> None:
        if self._dirty and self.isVisible():
            self._dirty = False
            self.refresh()

    def refresh(self) -> None:
        """Read again what the page shows."""

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the page's search box."""

    def apply_link(self, filters: dict) -> None:
        """Show what a link from another page points at (a filter, a record)."""

    def save_state(self) -> None:
        """Remember column widths and splitters."""

    def accept_scan(self, scan) -> bool:
        """A scan arrived while this page is shown; True when the page used it."""
        return False

    # -- writing ------------------------------------------------------------------------

    def write(self, commands: Command | Sequence[Command], *,
              success: str | Callable[[Any], str] | None = None) -> None:
        """Run commands through the operation runner; a refusal goes to the message bar,
        `success` (text, or a function of the view) when it worked."""

        def done(result) -> None:
            if success:
                view = result.view[0] if len(result.view) == 1 else result.view
                self.messages.show_success(success(view) if callable(success) else success)

        self.ctx.ops.run(commands, done=done,
                         failed=lambda exc: self.messages.show_error(str(exc)), parent=self)

    def open_dialog(self, dialog: QDialog, on_done: Callable[[QDialog], None] | None = None
                    ) -> QDialog:
        """Show `dialog` window-modal (scans go to it); `on_done` after it was accepted."""
        self.dialog = dialog

        def finished(code: int) -> None:
            self.dialog = None
            if code == QDialog.DialogCode.Accepted and on_done is not None:
                on_done(dialog)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def after_dialog(self, dialog: QDialog) -> None:
        """The usual end of a write dialog: say what happened (the operation runner
        already told every page what changed)."""
        message = getattr(dialog, "result_message", "")
        if message:
            self.messages.show_success(message)


class TablePage(Page):
    """Search + filters + table + detail pane + actions on the selection."""

    search_placeholder = "Search"
    filters: tuple[FilterDef, ...] = ()
    noun = ("row", "rows")
    detail_placeholder = "Select a row to see its details."
    detail_share = 0.34  # of the width, for the detail pane, until the user moves it
    # The column policy (ui/widgets/columns.py), by column key: the column that stretches
    # (default: the first of name / model / product / supplier), the columns never hidden
    # (default: the first), and those hidden when space runs out, least important first
    # (default: the others, from the right).
    stretch_column = ""
    key_columns: tuple[str, ...] = ()
    hide_order: tuple[str, ...] | None = None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = self.make_model()
        self.model.loaded.connect(self._on_loaded)
        self.model.modelReset.connect(self._on_loaded)
        self.model.completed.connect(self._on_completed)
        # Rows read again after a change notice arrive later: the actions follow them.
        self.model.dataChanged.connect(lambda *_: self.update_actions())
        self._pending_selection: tuple[list[int], int | None] | None = None
        self._detail_for: int | None = -1  # the row the detail pane shows
        self._combos: dict[str, QComboBox] = {}
        self._restored = False
        self._build()
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(30)
        self._detail_timer.timeout.connect(self._update_detail)
        self.reload_filter_choices()
        filters = {name: c.currentData() for name, c in self._combos.items()
                   if c.currentData() is not None}
        self.model._spec = replace(self.model.spec(), filters=filters)
        self.model.reload()
        self._restore_sort_indicator()
        self.table.setSortingEnabled(True)
        self.update_actions()

    # -- construction -------------------------------------------------------------------

    def make_query(self) -> TableQuery:
        raise NotImplementedError

    def make_model(self) -> LazyTableModel:
        return LazyTableModel(self.make_query(), self, runner=self.ctx.runner)

    def make_actions(self) -> list[QAction]:
        """Actions on the selection (buttons in the header and the context menu)."""
        return []

    def overflow_actions(self) -> list[QAction]:
        """Of the selection actions, those that go under "More" rather than a button."""
        return []

    def primary_actions(self) -> list[QAction]:
        """Actions not tied to a selection (New …), shown first."""
        return []

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 14)
        outer.setSpacing(10)
        head, self.subtitle_label = self.header(self.title, self.subtitle, stretch=False)
        self.actions_on_selection = self.make_actions()
        self.actions_general = self.primary_actions()
        self.action_bar = ActionBar(self.actions_on_selection, self.overflow_actions(),
                                    self.actions_general)
        head.addWidget(self.action_bar, 1)
        outer.addLayout(head)

        bar_box, bar = flow_row()
        self.filter_row = bar_box
        self.search = SearchBox(self.search_placeholder)
        self.search.setMinimumWidth(240)
        self.search.search_changed.connect(self._on_search)
        self.search.down_pressed.connect(self._search_down)
        self.search.entered.connect(self._search_enter)
        bar.add_widget(self.search, grow=True)
        for f in self.filters:
            combo = QComboBox()
            combo.setObjectName(f"filter_{f.name}")
            combo.setToolTip(f.label)
            combo.setMinimumWidth(f.width)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i, name=f.name: self._on_filter(name))
            self._combos[f.name] = combo
            bar.add_widget(combo)
        self.extra_filter_widgets(bar)
        self.count_label = QLabel()
        self.count_label.setObjectName("Muted")
        bar.add_widget(self.count_label, right=True)
        outer.addWidget(bar_box)
        outer.addWidget(self.messages)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setObjectName(f"{self.key}_table")
        self.table.setModel(self.model)
        # Only status columns get the (Python) pill painter; the rest paint in C++.
        self._status_delegate = StatusDelegate(self.table)
        for i, col in enumerate(self.model.columns):
            if col.kind == "status":
                self.table.setItemDelegateForColumn(i, self._status_delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        head_view = self.table.horizontalHeader()
        head_view.setHighlightSections(False)
        head_view.setSectionsMovable(True)
        head_view.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.columns = self._column_policy()
        head_view.sortIndicatorChanged.connect(self._on_sort_indicator)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.selectionModel().currentRowChanged.connect(self._on_selection)
        self.table.activated.connect(lambda _i: self.activated())  # double-click or Enter
        self.detail = DetailPane(self.detail_placeholder)
        self.detail.setMinimumWidth(280)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)
        for a in self.actions_on_selection:
            self.table.addAction(a)

    def _column_policy(self) -> ColumnPolicy:
        keys = [c.key for c in self.model.columns]
        stretch = self.stretch_column or next(
            (k for k in ("name", "model", "product", "supplier") if k in keys), keys[-1])
        key_columns = set(self.key_columns or keys[:1]) | {stretch}
        order = self.hide_order if self.hide_order is not None else \
            [k for k in reversed(keys) if k not in key_columns]
        return ColumnPolicy(
            self.table, stretch=keys.index(stretch),
            keys=[keys.index(k) for k in key_columns],
            hide_order=[keys.index(k) for k in order if k in keys],
            recall=lambda: self.ctx.settings.column_choice(self.key),
            remember=lambda shown, hidden, widths: self.ctx.settings.set_column_choice(
                self.key, shown, hidden, widths))

    def extra_filter_widgets(self, bar: FlowLayout) -> None:
        """Subclasses add date pickers and the like to the filter bar."""

    def reload_filter_choices(self, *, on_worker: bool = False) -> None:
        """Fill the drop-down filters (their choices come from the database: on the
        worker when the page refreshes, so a page switch does not wait for them)."""
        filters = list(self.filters)
        if not filters:
            return
        if not on_worker:
            self._fill_filter_choices([f.choices() for f in filters])
            return
        self.ctx.runner.run(lambda: [f.choices() for f in filters],
                            key=f"filter-choices-{id(self)}", done=self._fill_filter_choices)

    def _fill_filter_choices(self, choices: list[list[tuple[str, Any]]]) -> None:
        for f, items in zip(self.filters, choices, strict=True):
            combo = self._combos[f.name]
            current = combo.currentData()
            if [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == \
                    list(items):
                continue  # the same choices: leave the box alone
            combo.blockSignals(True)
            combo.clear()
            for text, value in items:
                combo.addItem(text, value)
            i = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    # -- model events -------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.model.update_spec(search=text)

    def _search_down(self) -> None:
        """Down in the search box: into the results, on the first row unless one is chosen."""
        if self.model.rowCount() == 0:
            return
        if not self.selected_ids():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _search_enter(self) -> None:
        """Enter in the search box: a single match is opened at once (the row's usual
        action, as a double-click), the cursor then in the table. While the search is
        still being read on the worker, once its rows are in."""
        loading = getattr(self.model, "is_loading", lambda: False)()
        if loading or not self.model.is_complete():
            self._enter_pending = True
            return
        self._enter_pending = False
        if self.model.total() != 1:
            return
        self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._update_detail()
        self.update_actions()
        self.activated()

    def _on_filter(self, name: str) -> None:
        self.model.set_filter(name, self._combos[name].currentData())

    def set_filter_value(self, name: str, value: Any) -> None:
        combo = self._combos[name]
        i = combo.findData(value)
        combo.setCurrentIndex(max(i, 0))

    def _restore_sort_indicator(self) -> None:
        section, order = self.model.sort_section()
        head = self.table.horizontalHeader()
        head.blockSignals(True)
        head.setSortIndicator(section, order)
        head.blockSignals(False)

    def _on_sort_indicator(self, section: int, _order: Qt.SortOrder) -> None:
        if not (0 <= section < len(self.model.columns)) or \
                not self.model.columns[section].sortable:
            QTimer.singleShot(0, self._restore_sort_indicator)

    def count_text(self) -> str:
        n = self.model.total()
        one, many = self.noun
        if n is None:
            return f"{fmt_int(self.model.rowCount())}+ {many}…"
        return f"{fmt_int(n)} {one if n == 1 else many}"

    def _on_loaded(self) -> None:
        self.count_label.setText(self.count_text())
        if self.current_id() != self._detail_for:  # (more rows came: same detail)
            self._detail_timer.start()
        self.update_actions()

    def _on_selection(self, *_args) -> None:
        self._detail_timer.start()
        self.update_actions()

    # -- selection ----------------------------------------------------------------------

    record_table = ""  # the table whose ids the rows are ("asset"): other desks' changes

    def remote_change(self, text: str, changes: Changes) -> None:
        """Another desk changed something: say so on this page when it is what the user
        is looking at (the selected rows); the rows themselves were read again already."""
        if not self.record_table:
            return
        touched = changes.ids.get(self.record_table, frozenset())
        if touched and touched.intersection(self.selected_ids()):
            self.messages.show_info(f"What you are looking at changed — {text}")

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [i for i in (self.model.id_at(r) for r in rows) if i is not None]

    def current_id(self) -> int | None:
        ids = self.selected_ids()
        if len(ids) == 1:
            return ids[0]
        idx = self.table.currentIndex()
        if ids and idx.isValid() and self.model.id_at(idx.row()) in ids:
            return self.model.id_at(idx.row())
        return ids[0] if ids else None

    def select_id(self, item_id: int) -> bool:
        """Select the row of `item_id`; if its id has not arrived yet, once it has."""
        row = None if self.model.is_loading() else self.model.row_of(item_id)
        if row is None:
            if not self.model.is_complete() or self.model.is_loading():
                self._pending_selection = ([item_id], item_id)
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def select_ids(self, ids: Sequence[int], current: int | None = None) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | \
            QItemSelectionModel.SelectionFlag.Rows
        for item in ids[:200]:
            row = self.model.row_of(item)
            if row is not None:
                sel.select(self.model.index(row, 0), flags)
        if current is not None:
            row = self.model.row_of(current)
            if row is not None:
                sel.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag
                                    .NoUpdate)
                self.table.scrollTo(self.model.index(row, 0))

    def refresh(self) -> None:
        keep, current = self.selected_ids(), self.current_id()
        self.reload_filter_choices(on_worker=True)
        self.model.reload()
        if keep:
            if self.model.is_loading():
                self._pending_selection = (keep, current)  # once the rows are in
            elif self.model.is_complete() or all(self.model.row_of(i) is not None
                                                 for i in keep):
                self.select_ids(keep, current)
            else:
                self._pending_selection = (keep, current)
        self._detail_timer.start()

    def _on_completed(self) -> None:
        if getattr(self, "_enter_pending", False):
            QTimer.singleShot(0, self._search_enter)  # Enter came before the rows
        pending, self._pending_selection = self._pending_selection, None
        if pending is not None:
            self.select_ids(*pending)

    def _update_detail(self) -> None:
        item = self.current_id()
        self._detail_for = item
        if item is None:
            self.detail.clear()
        else:
            self.show_detail(item)

    def show_detail(self, item_id: int) -> None:
        raise NotImplementedError

    def update_actions(self) -> None:
        """Enable the actions that make sense for the selection and the operator's role."""

    def activated(self) -> None:
        """Double-click / Enter on a row."""

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for a in self.actions_on_selection:
            if a.isVisible():
                menu.addAction(a)
        if not menu.isEmpty():
            menu.addSeparator()
        menu.addAction(self.export_action())
        if not menu.isEmpty():
            menu.exec(self.table.viewport().mapToGlobal(pos))

    def export_action(self) -> QAction:
        """"Export…" for what the table shows."""
        from ..export_actions import export_view

        action = QAction("Export these rows…", self)

        def run() -> None:
            if not self.model.is_complete():
                self.ctx.runner.wait_idle()
            path = export_view(self.table, self.window(), self.key)
            if path is not None:
                self.messages.show_success(f"Saved {path}")

        action.triggered.connect(run)
        return action

    # -- page ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if not self._restored:
            self._restored = True
            self.restore_state()
        super().showEvent(event)

    def restore_state(self) -> None:
        state = self.ctx.settings.header_state(self.key)
        if state is not None:  # the order of the columns and the sort; the policy fits
            self.columns.restore_header(state)
        split = self.ctx.settings.splitter_state(self.key)
        if split is not None:
            self.splitter.restoreState(split)
        else:
            total = max(self.splitter.width(), 900)
            self.splitter.setSizes([int(total * (1 - self.detail_share)),
                                    int(total * self.detail_share)])

    def save_state(self) -> None:
        self.ctx.settings.set_header_state(self.key, self.table.horizontalHeader().saveState())
        self.ctx.settings.set_column_widths(
            self.key, [self.table.columnWidth(i) for i in range(len(self.model.columns))])
        self.ctx.settings.set_splitter_state(self.key, self.splitter.saveState())

    # -- helpers for subclasses ---------------------------------------------------------

    def action(self, text: str, icon: str, slot: Callable[[], None], shortcut: str = "",
               tip: str = "", primary: bool = False) -> QAction:
        colour = "#ffffff" if primary else "#374151"
        a = QAction(icons.icon(icon, colour, "#ffffff" if primary else None), text, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        a.setToolTip(f"{tip or text}" + (f" ({shortcut})" if shortcut else ""))
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        return a

    def set_enabled(self, action: QAction, ok: bool, why_not: str = "",
                    role_action: str | None = None) -> None:
        """Enable `action` when `ok` and the role allows; say why not in the tooltip."""
        base = action.text().replace("…", "").replace("&", "")
        if role_action and not self.ctx.may(role_action):
            action.setEnabled(False)
            action.setToolTip(self.ctx.refusal(role_action))
            return
        action.setEnabled(ok)
        action.setToolTip(base if ok or not why_not else f"{base}: {why_not}")
