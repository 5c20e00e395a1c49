"""A dialog of fields whose problems are shown right under the field concerned.

`validate()` checks what can be checked without the database; `submit()` calls one
service. A domain error from the service is shown beside the field it is about (see
`field_for_error`) or at the top of the form, and the dialog stays open: nothing was
changed, the user fixes the input and tries again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
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

from inventory.errors import InventoryError

from ..views.base import AppContext


def repolish(widget: QWidget) -> None:
    st = widget.style()
    st.unpolish(widget)
    st.polish(widget)


class FormDialog(QDialog):
    """Subclasses add fields in `build()`, check in `validate()`, write in `submit()`."""

    heading = ""
    description = ""
    ok_text = "Save"
    topics: tuple[str, ...] = ("all",)

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

    def add_field(self, name: str, text: str, widget: QWidget, hint: str = "") -> QWidget:
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

    def set_error(self, name: str, text: str) -> None:
        _, widget, error = self._fields[name]
        error.setText(text)
        error.show()
        widget.setProperty("invalid", True)
        repolish(widget)

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

    def submit(self) -> str:
        """Write through a service; return what to tell the user."""
        raise NotImplementedError

    def field_for_error(self, exc: InventoryError) -> str | None:
        """Which field a domain error is about (None: show it above the form)."""
        return None

    def accept(self) -> None:
        self.clear_errors()
        errors = self.validate()
        if errors:
            for name, text in errors.items():
                self.set_error(name, text)
            first = self._fields[next(iter(errors))][1]
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            message = self.submit()
        except InventoryError as exc:
            name = self.field_for_error(exc)
            if name in self._fields:
                self.set_error(name, str(exc))
                self._fields[name][1].setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.show_form_error(str(exc))
            return
        self.result_message = message or ""
        super().accept()

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
