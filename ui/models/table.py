"""Table models that hold ids and fetch rows on demand (Anki's browser model shape).

`LazyTableModel` asks its query for the ids that match the spec (the database filters
and sorts), then fetches the cells of the rows being drawn a page at a time, keeping a
few thousand rows in a small cache. `LedgerModel` does not even hold every id: it reads
the ledger a page at a time as the view scrolls (canFetchMore / fetchMore, as Spyder's
collections editor), on the worker thread when it has one.
"""

from __future__ import annotations

import sys
import time
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from inventory.errors import InventoryError
from inventory.queries import common
from inventory.queries.common import Spec, TableQuery

from ..tasks import TaskRunner
from .format import display

ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
VALUE_ROLE = int(Qt.ItemDataRole.UserRole) + 2
KIND_ROLE = int(Qt.ItemDataRole.UserRole) + 3

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = ("int", "money")
_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole),
                    int(Qt.ItemDataRole.TextAlignmentRole), ID_ROLE, VALUE_ROLE, KIND_ROLE})
_GONE = object()  # a row deleted since the ids were read

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def raw_ids(query: TableQuery, spec: Spec) -> array:
    """The ids straight from the driver's cursor: no per-row model work (100,000 in ~40 ms).

    Held as a machine-integer array, not a list: a list of 100,000 ints is 100,000 objects
    that every full pass of the garbage collector visits, on a page that merely holds
    them (ui/heap.py)."""
    return id_array(common.raw_ids(query.id_query(spec)))


def id_array(ids: Sequence[int]) -> array:
    return ids if isinstance(ids, array) else array("q", ids)


class LazyTableModel(QAbstractTableModel):
    """A table of `query` rows: ids in memory, cells fetched as they are drawn.

    With a task runner, a new search shows its first `FIRST` rows at once (the database
    stops after them) and the rest of the ids arrive from the worker a moment later, so
    a keystroke never waits for 100,000 ids to cross from the driver.
    """

    PAGE = 150
    CACHE_ROWS = 5000
    FIRST = 300
    WANTED_BLOCKS = 4

    loaded = Signal()  # after the ids were read again (count or order may have changed)
    completed = Signal()  # every id of the current search is in

    def __init__(self, query: TableQuery, parent: QObject | None = None,
                 spec: Spec | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.query = query
        self.columns = query.columns
        self._ids = id_array(())
        self._cache: OrderedDict[int, Any] = OrderedDict()
        self._shown: dict[int, tuple[str, ...]] = {}  # display texts of cached rows
        self._align = [int(_RIGHT if c.kind in _NUMERIC else _LEFT) for c in self.columns]
        self._blank = ("…",) + ("",) * (len(self.columns) - 1)
        self._spec = spec or Spec(sort=query.default_sort,
                                  descending=getattr(query, "default_descending", False))
        self.last_load_ms = 0.0
        self._runner = runner
        self._complete = True
        self._generation = 0
        self._wanted: list[int] = []  # blocks of rows being read for the view
        self._key = f"ids-{id(self)}"
        self._loading_first = False

    # -- what is shown ------------------------------------------------------------------

    def spec(self) -> Spec:
        return self._spec

    def set_spec(self, spec: Spec) -> None:
        self._spec = spec
        self.reload()

    def update_spec(self, **changes: Any) -> None:
        self.set_spec(replace(self._spec, **changes))

    def set_filter(self, name: str, value: Any) -> None:
        filters = dict(self._spec.filters)
        if value in (None, ""):
            filters.pop(name, None)
        else:
            filters[name] = value
        self.update_spec(filters=filters)

    def reload(self) -> None:
        """Read the ids again (after a search, a sort, or a change in the database).

        With a task runner the first rows are read on the worker too: the rows shown stay
        until the new ones arrive (`is_loading()` meanwhile), so neither a keystroke nor a
        page switch waits for the database on the UI thread."""
        self._generation += 1
        if self._runner is None:
            started = time.perf_counter()
            ids = raw_ids(self.query, self._spec)
            rows = self.query.rows(ids[:self.PAGE]) if ids else {}
            self._show_first(ids, True, rows, (time.perf_counter() - started) * 1000)
            return
        self._loading_first = True
        self._runner.run(self._read_first, self._generation, self._spec,
                         key=f"{self._key}-first", done=self._on_first,
                         failed=self._on_first_failed)

    def is_loading(self) -> bool:
        """The first rows of a new search are being read."""
        return self._loading_first

    def _read_first(self, generation: int, spec: Spec) -> tuple:
        started = time.perf_counter()  # on the worker: the database stops after FIRST + 1
        ids = id_array(common.raw_ids(self.query.id_query(spec).limit(self.FIRST + 1)))
        rows = self.query.rows(ids[:self.PAGE]) if ids else {}
        return generation, spec, ids, rows, (time.perf_counter() - started) * 1000

    def _on_first(self, result: tuple) -> None:
        generation, spec, ids, rows, ms = result
        if generation != self._generation:
            return
        self._loading_first = False
        complete = len(ids) <= self.FIRST
        self._show_first(ids[:self.FIRST], complete, rows, ms)
        if not complete:
            assert self._runner is not None
            self._runner.run(self._read_all, self._generation, spec, key=self._key,
                             done=self._on_all)

    def _on_first_failed(self, exc: BaseException) -> None:
        self._loading_first = False
        if isinstance(exc, InventoryError):
            assert self._runner is not None
            self._runner.error_reported.emit(str(exc))
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _show_first(self, ids: Sequence[int], complete: bool, rows: dict[int, tuple],
                    ms: float) -> None:
        self.beginResetModel()
        self._ids = id_array(ids)
        self._cache.clear()
        self._shown.clear()
        self._wanted.clear()
        self._complete = complete
        if ids:  # the first screen is drawn at once, with its cells
            self._store(ids[:self.PAGE], rows)
        self.endResetModel()
        self.last_load_ms = ms
        self.loaded.emit()
        if complete:
            self.completed.emit()

    def _read_all(self, generation: int, spec: Spec) -> tuple[int, array]:
        return generation, raw_ids(self.query, spec)  # on the worker

    def _on_all(self, result: tuple[int, array]) -> None:
        generation, ids = result
        if generation != self._generation:
            return
        head = self._ids
        if ids[:len(head)] != head:  # changed at another desk meanwhile: show the new list
            self.beginResetModel()
            self._ids = ids
            self._cache.clear()
            self._shown.clear()
            self._complete = True
            self.endResetModel()
        else:
            if len(ids) > len(head):
                self.beginInsertRows(QModelIndex(), len(head), len(ids) - 1)
                self._ids = ids
                self._complete = True
                self.endInsertRows()
            self._complete = True
        self.loaded.emit()
        self.completed.emit()

    def is_complete(self) -> bool:
        return self._complete

    def forget_rows(self) -> None:
        """Drop cached cells (the rows changed, not which rows there are)."""
        self._cache.clear()
        self._shown.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(self.columns) - 1))

    def ids(self) -> Sequence[int]:
        return self._ids

    def total(self) -> int | None:
        """How many rows match, when known."""
        return len(self._ids) if self._complete else None

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, item_id: int) -> int | None:
        try:
            return self._ids.index(item_id)
        except ValueError:
            return None

    def column_of(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def row_values(self, row: int) -> tuple | None:
        values = self._row(row)
        return None if values is _GONE else values

    # -- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # Called thousands of times a frame: plain ints, the cheapest checks first.
        if role not in _ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._ids):
            return None
        column = index.column()
        if role == _ALIGN:
            return self._align[column]
        if role == ID_ROLE:
            return self._ids[row]
        if role == KIND_ROLE:
            return self.columns[column].kind
        if role == VALUE_ROLE:
            values = self._row(row)
            return None if values is _GONE else values[column]
        texts = self._texts(row)
        if texts is None:
            return "(removed)" if column == 0 and role == _DISPLAY else None
        text = texts[column]
        if role == _TOOLTIP:
            return text if len(text) > 24 else None
        return text

    def row_texts(self, row: int) -> tuple[str, ...] | None:
        """The row's cells as shown (None: removed meanwhile); for the column policy."""
        return self._texts(row) if 0 <= row < len(self._ids) else None

    def _texts(self, row: int) -> tuple[str, ...] | None:
        """The row as shown, formatted once and kept while the row stays cached."""
        item = self._ids[row]
        texts = self._shown.get(item)
        if texts is None:
            values = self._drawn_row(row)
            if values is None:
                return self._blank
            if values is _GONE:
                return None
            texts = tuple(display(c.kind, v) for c, v in zip(self.columns, values,
                                                             strict=False))
            self._shown[item] = texts
        return texts

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self.columns)):
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if col.kind in _NUMERIC else _LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Sort by {col.label.lower()}" if col.sortable else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)) or not self.columns[column].sortable:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = self.columns[column].key
        if key == self._spec.sort and descending == self._spec.descending:
            return
        self.update_spec(sort=key, descending=descending)

    def sort_section(self) -> tuple[int, Qt.SortOrder]:
        """Where the header's sort indicator belongs for the current spec."""
        key = self._spec.sort or self.query.default_sort
        try:
            section = self.column_of(key)
        except KeyError:
            section = -1
        order = Qt.SortOrder.DescendingOrder if self._spec.descending else \
            Qt.SortOrder.AscendingOrder
        return section, order

    # -- the row cache ------------------------------------------------------------------

    def _row(self, row: int) -> Any:
        """The cells of `row`, read now if they are not cached (a page around it)."""
        item = self._ids[row]
        hit = self._cache.get(item)
        if hit is not None:
            self._cache.move_to_end(item)
            return hit
        block = row // self.PAGE
        ids = self._block_ids(block)
        if item not in ids:
            ids.append(item)
        self._store(ids, self.query.rows(ids))
        return self._cache[item]

    def _block_ids(self, block: int) -> list[int]:
        start = block * self.PAGE
        return [i for i in self._ids[start:start + self.PAGE] if i not in self._cache]

    def _store(self, ids: Sequence[int], fetched: dict[int, tuple]) -> None:
        for i in ids:
            self._cache[i] = fetched.get(i, _GONE)
        while len(self._cache) > self.CACHE_ROWS:
            gone, _ = self._cache.popitem(last=False)
            self._shown.pop(gone, None)

    def _drawn_row(self, row: int) -> Any:
        """For painting: the cells if cached, else None while the worker reads them.

        A jump to a part of a big table that is not in the disk cache can take a while
        to read; the view shows those rows empty for that moment instead of freezing.
        """
        item = self._ids[row]
        hit = self._cache.get(item)
        if hit is not None:
            self._cache.move_to_end(item)
            return hit
        if self._runner is None:
            return self._row(row)
        block = row // self.PAGE
        if block not in self._wanted:
            self._wanted.append(block)
            if len(self._wanted) > self.WANTED_BLOCKS:  # scrolled on: forget the oldest
                self._wanted.pop(0)
            self._runner.run(self._read_block, self._generation, block,
                             self._block_ids(block), done=self._on_block)
        return None

    def _read_block(self, generation: int, block: int, ids: list[int]) -> tuple:
        if generation != self._generation or block not in self._wanted:
            return generation, block, ids, None  # the view moved on: skip the read
        return generation, block, ids, self.query.rows(ids)  # on the worker

    def _on_block(self, result: tuple) -> None:
        generation, block, ids, fetched = result
        if block in self._wanted:
            self._wanted.remove(block)
        if generation != self._generation or fetched is None:
            return
        self._store(ids, fetched)
        first = block * self.PAGE
        last = min(first + self.PAGE, len(self._ids)) - 1
        if first <= last:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(last, len(self.columns) - 1))


class LedgerModel(LazyTableModel):
    """The movement ledger: pages of ids read as the view scrolls down, newest first."""

    PAGE_IDS = 400

    def __init__(self, query: TableQuery, parent: QObject | None = None,
                 runner: TaskRunner | None = None, spec: Spec | None = None) -> None:
        super().__init__(query, parent, spec, runner)
        self._exhausted = True
        self._loading = False
        self._generation = 0
        self._key = f"ledger-{id(self)}"

    def reload(self) -> None:
        self.beginResetModel()
        self._wanted.clear()
        self._ids = id_array(())
        self._cache.clear()
        self._shown.clear()
        self._exhausted = False
        self._loading = False
        self._generation += 1
        self.endResetModel()
        self._request()

    def total(self) -> int | None:
        return len(self._ids) if self._exhausted else None

    def is_loading(self) -> bool:
        return self._loading

    def is_complete(self) -> bool:
        return self._exhausted

    def canFetchMore(self, parent: Index = _ROOT) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = _ROOT) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self._request()

    def _request(self) -> None:
        self._loading = True
        after = self._ids[-1] if self._ids else None
        job = (self._generation, self._spec, after)
        if self._runner is None:
            self._on_page(self._load(*job))
        else:
            self._runner.run(self._load, *job, key=self._key, done=self._on_page,
                             failed=self._on_failed)

    def _load(self, generation: int, spec: Spec, after: int | None) -> tuple:
        started = time.perf_counter()
        ids = self.query.page(spec, after, self.PAGE_IDS)
        rows = self.query.rows(ids)
        return generation, ids, rows, (time.perf_counter() - started) * 1000

    def _on_page(self, result: tuple) -> None:
        generation, ids, rows, ms = result
        if generation != self._generation:
            return
        self.last_load_ms = ms
        self._exhausted = len(ids) < self.PAGE_IDS
        # Still "loading" while rows go in: a view asking for more from inside the
        # insertion must wait for this page to be complete.
        if ids:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(ids) - 1)
            self._ids.extend(ids)
            for i in ids:
                self._cache[i] = rows.get(i, _GONE)
            while len(self._cache) > self.CACHE_ROWS:
                gone, _ = self._cache.popitem(last=False)
                self._shown.pop(gone, None)
            self.endInsertRows()
        self._loading = False
        self.loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._exhausted = True
        self.loaded.emit()
        if isinstance(exc, InventoryError) and self._runner is not None:
            self._runner.error_reported.emit(str(exc))
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)
