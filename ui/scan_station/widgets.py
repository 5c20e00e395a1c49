"""Small inputs the station modes share: the scan field, a person picker, a quantity box."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from inventory.errors import InventoryError
from inventory.services.resolve import search_people

from ..tasks import TaskRunner

log = logging.getLogger(__name__)


class ScanField(QLineEdit):
    """Where a person types a code (or a scanner without the wedge filter types one).

    Ctrl+Z is left to the station ("undo the last scan") instead of undoing typing.
    """

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) \
                and e.matches(QKeySequence.StandardKey.Undo):
            e.ignore()
            return False
        return super().event(e)


class PersonPicker(QWidget):
    """Pick a person by typing part of a name or an employee id; a badge scan does
    the same through the station. Emits `picked(employee_id, label)`. The search runs
    on the database worker (the newest one wins), never on the UI thread."""

    picked = Signal(str, str)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._key = f"people-search-{id(self)}"
        self._hits: dict[str, str] = {}  # shown text -> employee id
        self.edit = QLineEdit(placeholderText="Type a name or employee id, or scan the badge")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Person")
        self.chosen = QLabel("Nobody yet")
        self.chosen.setObjectName("personChosen")
        self.chosen.setMinimumWidth(180)
        f = self.chosen.font()
        f.setBold(True)
        self.chosen.setFont(f)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit, 3)
        lay.addWidget(self.chosen, 2)
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.edit.setCompleter(self._completer)
        self._completer.activated[str].connect(self._choose_text)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self._search)
        self.edit.textEdited.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self._enter)
        self.employee_id: str | None = None

    def _search(self, then: Callable[[list[tuple[str, str, str]]], None] | None = None
                ) -> None:
        text = self.edit.text()

        def found(rows: list[tuple[str, str, str]]) -> None:
            if self.edit.text() != text:
                return  # typed on meanwhile: a newer search answers
            self._hits = {f"{name} · {eid}" + (f" · {dept}" if dept else ""): eid
                          for eid, name, dept in rows}
            self._model.setStringList(list(self._hits))
            if then is not None:
                then(rows)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, InventoryError):
                self.chosen.setText(str(exc))
            else:  # a lookup failing must not break typing
                log.error("person search failed", exc_info=exc)

        self._runner.run(search_people, text, limit=25, key=self._key, done=found,
                         failed=failed)

    def _enter(self) -> None:
        text = self.edit.text().strip()
        if text in self._hits:
            self._choose_text(text)
            return
        self._timer.stop()
        self._search(then=lambda rows: self._pick_from(text, rows))

    def _pick_from(self, text: str, rows: list[tuple[str, str, str]]) -> None:
        exact = [r for r in rows if r[0].lower() == text.lower()]
        if len(exact) == 1 or len(rows) == 1:
            eid, name, _ = (exact or rows)[0]
            self.set_person(eid, f"{name} ({eid})")
        elif rows:
            self._completer.complete()
        else:
            self.chosen.setText(f"Nobody matches '{text}'")

    def _choose_text(self, text: str) -> None:
        eid = self._hits.get(text)
        if eid:
            name = text.split(" · ")[0]
            self.set_person(eid, f"{name} ({eid})")

    def set_person(self, employee_id: str | None, label: str = "", *,
                   quiet: bool = False) -> None:
        """Show the person; `picked` is emitted unless `quiet` (a badge scan answers
        for itself)."""
        self.employee_id = employee_id
        self.chosen.setText(label if employee_id else "Nobody yet")
        self.edit.clear()
        if employee_id and not quiet:
            self.picked.emit(employee_id, label)

    def clear(self) -> None:
        self.employee_id = None
        self.chosen.setText("Nobody yet")
        self.edit.clear()


class QuantityBox(QSpinBox):
    """Quantity for the next spare scanned; quantity command barcodes set it too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(1, 9999)
        self.setMaximumWidth(110)
        self.setValue(1)
        self.setAccessibleName("Quantity")
        self.setToolTip("Quantity for the next spare scanned (or scan QTY 1–10)")

    def take(self) -> int:
        """The quantity to use now; it goes back to 1 for the next scan."""
        n = self.value()
        self.setValue(1)
        return n

    def give_back(self, n: int) -> None:
        """The scan that took `n` was refused: `n` stands again, unless a new quantity
        was set meanwhile."""
        if self.value() == 1:
            self.setValue(n)
