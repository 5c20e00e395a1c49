"""A dialog of fields whose problems are shown right under the field concerned.

`validate()` checks what can be checked without the database; `commands()` says what
to write. The operation runner writes them as one unit of work on the database worker;
a refusal is shown beside the field it names (`err.field`, through `field_names` where
the form calls it otherwise) or at the top of the form, and the dialog stays open:
nothing was changed, the user fixes the input and tries again. `done_text(result)` is
what to tell the user when it worked.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inventory.commands import Command
from inventory.errors import InventoryError
from inventory.operations import BasketResult

from ..views.base import AppContext

W = TypeVar("W", bound=QWidget)  # add_field gives back the widget it was given


def repolish(widget: QWidget) -> None:
    st = widget.style()
    st.unpolish(widget)
    st.polish(widget)


class FormDialog(QDialog):
    """Subclasses add fields in `build()`, check in `validate()`, write in `submit()`."""

    heading = ""
    description = ""
    ok_text = "Save"
    field_names: dict[str, str] = {}  # err.field -> this form's field, where they differ

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_message = ""
        self.result_value = None
        self._fields: dict[str, tuple[QLabel, QWidget, QLabel]] = {}
        self.setWindowTitle(self.heading)
        self.setMinimumWidth(460)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 16)
        outer.setSpacing(10)
        title = QLabel(self.heading)
        title.setObjectName("DetailTitle")
        outer.addWidget(title)
        if self.description:
            d = QLabel(self.description)
            d.setObjectName("Muted")
            d.setWordWrap(True)
            outer.addWidget(d)
        self.form_error = QLabel()
        self.form_error.setObjectName("FormError")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        outer.addWidget(self.form_error)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnMinimumWidth(0, 110)
        outer.addLayout(self.grid)
        self.build()
        outer.addStretch(1)
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.addButton(
            self.ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setProperty("primary", True)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addSpacing(6)
        outer.addWidget(self.buttons)

    # -- building -----------------------------------------------------------------------

    def build(self) -> None:
        raise NotImplementedError

    def add_field(self, name: str, text: str, widget: W, hint: str = "") -> W:
        row = self.grid.rowCount()
        label = QLabel(text)
        label.setObjectName("FieldLabel")
        label.setBuddy(widget)
        error = QLabel()
        error.setObjectName("FieldError")
        error.setWordWrap(True)
        error.hide()
        widget.setObjectName(f"field_{name}")
        self.grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignVCenter)
        self.grid.addWidget(widget, row, 1)
        self.grid.addWidget(error, row + 1, 1)
        if hint:
            h = QLabel(hint)
            h.setObjectName("Muted")
            h.setWordWrap(True)
            self.grid.addWidget(h, row + 2, 1)
        self.grid.setRowMinimumHeight(row + 1, 0)
        self._fields[name] = (label, widget, error)
        return widget

    def add_row(self, widget: QWidget) -> None:
        self.grid.addWidget(widget, self.grid.rowCount(), 0, 1, 2)

    def widget(self, name: str) -> QWidget:
        return self._fields[name][1]

    # -- errors -------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.fit_height()

    def fit_height(self) -> None:
        """Tall enough for the wrapped hints and errors at the dialog's width (Qt sizes a
        dialog from its one-line height, which cuts a hint's second line), within the
        screen."""
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        wanted = layout.totalHeightForWidth(self.width())
        screen = self.screen().availableGeometry().height() if self.screen() else wanted
        if wanted > self.height():
            self.resize(self.width(), min(wanted, screen - 40))

    def set_error(self, name: str, text: str) -> None:
        _, widget, error = self._fields[name]
        error.setText(text)
        error.show()
        widget.setProperty("invalid", True)
        repolish(widget)
        QTimer.singleShot(0, self.fit_height)  # the message may wrap onto a second line

    def field_error(self, name: str) -> str:
        _, _, error = self._fields[name]
        return error.text() if not error.isHidden() else ""

    def clear_errors(self) -> None:
        self.form_error.hide()
        self.form_error.setText("")
        for _, widget, error in self._fields.values():
            error.hide()
            error.setText("")
            if widget.property("invalid"):
                widget.setProperty("invalid", False)
                repolish(widget)

    def show_form_error(self, text: str) -> None:
        self.form_error.setText(text)
        self.form_error.show()

    # -- flow ---------------------------------------------------------------------------

    def validate(self) -> dict[str, str]:
        """{field name: what is wrong} for input refused before asking the database."""
        return {}

    def commands(self) -> list[Command]:
        """What to write (one basket: all of it or nothing)."""
        raise NotImplementedError

    def done_text(self, result: BasketResult) -> str:
        """What to tell the user once it is written."""
        return ""

    def submit(self) -> str:
        """A form that writes nothing (signing in) checks here instead of `commands`."""
        raise NotImplementedError

    def show_refusal(self, exc: InventoryError) -> None:
        """Beside the field the error names, else above the form."""
        name = self.field_names.get(exc.field or "", exc.field)
        if name in self._fields:
            self.set_error(name, str(exc))
            self._fields[name][1].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.show_form_error(str(exc))

    def accept(self) -> None:
        self.clear_errors()
        errors = self.validate()
        if errors:
            for name, text in errors.items():
                self.set_error(name, text)
            first = self._fields[next(iter(errors))][1]
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if type(self).commands is FormDialog.commands:
            try:
                message = self.submit()
            except InventoryError as exc:
                self.show_refusal(exc)
                return
            self.result_message = message or ""
            super().accept()
            return
        self.ok_button.setEnabled(False)
        self.ctx.ops.run(self.commands(), done=self._written, failed=self._refused,
                         parent=self)

    def _written(self, result: BasketResult) -> None:
        self.ok_button.setEnabled(True)
        self.result_message = self.done_text(result) or ""
        super().accept()

    def _refused(self, exc: InventoryError) -> None:
        self.ok_button.setEnabled(True)
        self.show_refusal(exc)

    def accept_scan(self, scan) -> bool:
        """A scan while this dialog is open: by default it fills the focused text field."""
        w = self.focusWidget()
        if isinstance(w, QLineEdit) and not w.isReadOnly():
            w.setText(scan.text.strip())
            return True
        return False

    def click_ok(self) -> None:
        """Press the OK button (keyboard users: Enter)."""
        self.ok_button.click()


def button_text(button: QAbstractButton) -> str:
    return button.text().replace("&", "")
