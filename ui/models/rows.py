"""A read-only table of plain text rows, for lists computed on the worker.

`RowsModel(headers)` holds the rows as given (tuples of text, already formatted on the
worker); `set_rows(rows, tips)` swaps them in one reset, so thousands of alerts cost the
UI thread nothing until the rows on screen are painted. (A `QTableWidget` builds one
item per cell on the UI thread: at 100,000 assets that was a stall of its own.)
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsModel(QAbstractTableModel):
    """Rows of text under `headers`; `right` lists the columns aligned right (numbers)."""

    def __init__(self, headers: Sequence[str], right: Sequence[int] = (),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self._right = frozenset(right)
        self._rows: list[tuple[str, ...]] = []
        self._tips: list[str] = []

    def set_rows(self, rows: Sequence[Sequence[str]], tips: Sequence[str] = ()) -> None:
        """Show these rows; `tips[i]` is the tooltip of row i (optional)."""
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self._tips = list(tips)
        self.endResetModel()

    def row(self, r: int) -> tuple[str, ...]:
        return self._rows[r]

    # -- Qt ------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._rows[index.row()]
            return row[index.column()] if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.ToolTipRole and index.row() < len(self._tips):
            return self._tips[index.row()] or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None
