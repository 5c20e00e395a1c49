"""Input widgets the dialogs share: pickers for people, locations, products; dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from inventory import clock
from inventory.queries import lookups
from inventory.queries.lookups import Choice
from inventory.queries.people import leaver
from inventory.services.find import left_message

from ..models.format import date_edit_format


class PickerEdit(QLineEdit):
    """Type a name or a code (or scan a badge); a completer offers matches.

    `code()` is what the service takes (employee id, location code, product name):
    the chosen entry's code, or the text itself when it is a code already.
    """

    picked = Signal(str)

    def __init__(self, choices: list[Choice], placeholder: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self._choices = choices
        self._by_label = {c.label: c for c in choices}
        self._by_code = {c.code.lower(): c for c in choices}
        model = QStringListModel([c.label for c in choices], self)
        completer = QCompleter(model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        completer.activated.connect(lambda text: self.picked.emit(self.code()))

    def choice(self) -> Choice | None:
        text = self.text().strip()
        return self._by_label.get(text) or self._by_code.get(text.lower())

    def code(self) -> str:
        c = self.choice()
        return c.code if c else self.text().strip()

    def set_code(self, code: str) -> None:
        c = self._by_code.get(code.lower())
        self.setText(c.label if c else code)

    def is_known(self) -> bool:
        return self.choice() is not None


def person_problem(text: str) -> str:
    """Why what was typed or scanned into a person picker is nobody items can go to: the
    scan station's words for someone who has left, else how to find the right person."""
    gone = leaver(text)
    if gone is not None:
        return left_message(*gone)
    return (f"No active person '{text.strip()}'. Pick a name from the list, or add them "
            "under People.")


def person_picker(active: bool = True) -> PickerEdit:
    return PickerEdit(lookups.people(active), "Name or employee id — or scan the badge")


class ChoiceCombo(QComboBox):
    """A drop-down of `Choice`s; `code()` is the selected entry's code ("" for none)."""

    def __init__(self, choices: list[Choice], none_text: str | None = None,
                 show_kind: bool = False, parent=None) -> None:
        super().__init__(parent)
        if none_text is not None:
            self.addItem(none_text, "")
        for c in choices:
            text = f"{c.label}  ({c.kind})" if show_kind and c.kind else c.label
            self.addItem(text, c.code)
        self.setMaxVisibleItems(16)

    def code(self) -> str:
        return self.currentData() or ""

    def set_code(self, code: str | None) -> None:
        i = self.findData(code or "")
        if i >= 0:
            self.setCurrentIndex(i)


def location_combo(kinds: tuple[str, ...] | None = None, none_text: str | None = None
                   ) -> ChoiceCombo:
    return ChoiceCombo(lookups.locations(kinds), none_text, show_kind=True)


class OptionalDate(QWidget):
    """A date that may be left empty: a check box switches the date on."""

    def __init__(self, text: str = "Set a date", default: date | None = None,
                 minimum: date | None = None, parent=None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(text)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(date_edit_format())
        if minimum is not None:
            self.edit.setMinimumDate(QDate(minimum.year, minimum.month, minimum.day))
        d = default or clock.today()
        self.edit.setDate(QDate(d.year, d.month, d.day))
        self.edit.setEnabled(False)
        self.check.toggled.connect(self.edit.setEnabled)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        q = self.edit.date()
        return date(q.year(), q.month(), q.day())

    def set_value(self, d: date | None) -> None:
        self.check.setChecked(d is not None)
        if d is not None:
            self.edit.setDate(QDate(d.year, d.month, d.day))


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())
