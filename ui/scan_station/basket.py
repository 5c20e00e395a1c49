"""The list of scans of the current transaction, each with its own status."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

READY, DONE, REFUSED, FAILED, UNDONE = "ready", "done", "refused", "failed", "undone"
_STATUS_TEXT = {READY: "ready", DONE: "done ✔", REFUSED: "refused", FAILED: "failed",
                UNDONE: "undone"}
_STATUS_COLOUR = {READY: "#1f4e79", DONE: "#1e7e34", REFUSED: "#b3261e", FAILED: "#b3261e",
                  UNDONE: "#6c757d"}
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Line:
    """One scan in the basket. `key` identifies the thing (tag, product ref) for
    merging and de-duplication; `movement` is the ledger row once posted."""

    key: str
    item: str  # what to show
    quantity: int = 1
    status: str = READY
    message: str = ""
    kind: str = "asset"  # asset / product / note
    movement: int | None = None
    source: str = "manual"
    entry: int | None = None  # a count entry (counts are not in the ledger until approved)


class BasketModel(QAbstractTableModel):
    HEADERS = ("#", "Item", "Qty", "Status")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lines: list[Line] = []

    # -- Qt ---------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._lines)):
            return None
        line, col = self._lines[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(index.row() + 1), line.item, str(line.quantity),
                    _STATUS_TEXT.get(line.status, line.status)
                    + (f" — {line.message}" if line.message else ""))[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QBrush(QColor(_STATUS_COLOUR.get(line.status, "#212529")))
        if role == Qt.ItemDataRole.ToolTipRole:
            return line.message or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # -- station ----------------------------------------------------------
    @property
    def lines(self) -> list[Line]:
        return list(self._lines)

    def add(self, line: Line) -> int:
        row = len(self._lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self._lines.append(line)
        self.endInsertRows()
        return row

    def update(self, row: int, **changes) -> Line:
        self._lines[row] = replace(self._lines[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
        return self._lines[row]

    def update_rows(self, changes: dict[int, dict]) -> None:
        """Several lines at once (a confirmed basket): one repaint, not one per line."""
        if not changes:
            return
        for row, change in changes.items():
            self._lines[row] = replace(self._lines[row], **change)
        self.dataChanged.emit(self.index(min(changes), 0),
                              self.index(max(changes), len(self.HEADERS) - 1))

    def pop(self) -> Line | None:
        if not self._lines:
            return None
        row = len(self._lines) - 1
        self.beginRemoveRows(QModelIndex(), row, row)
        line = self._lines.pop()
        self.endRemoveRows()
        return line

    def find(self, key: str, status: str = READY) -> int | None:
        for row, line in enumerate(self._lines):
            if line.key == key and line.status == status:
                return row
        return None

    def rows_with(self, status: str) -> list[int]:
        return [r for r, line in enumerate(self._lines) if line.status == status]

    def clear(self) -> None:
        self.beginResetModel()
        self._lines.clear()
        self.endResetModel()


class BasketView(QTableView):
    def __init__(self, model: BasketModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the keyboard
        h = self.horizontalHeader()
        # "#" and "Qty" get room for five digits once: sized to their contents, every
        # new line would have Qt measure every line again.
        digits = self.fontMetrics().horizontalAdvance("99999") + 16
        for col in (0, 2):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            h.resizeSection(col, max(digits, h.sectionSizeHint(col)))
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        model.rowsInserted.connect(lambda *_: self.scrollToBottom())
