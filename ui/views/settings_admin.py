"""The shared parts of Settings, kept in the database for every desk: the operators who may
sign in (an admin adds them, sets their role, resets a password, disables them) and the
letterhead printed on purchase orders. Every change is a command through the runner."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inventory.commands_admin import DisableOperator, EnableOperator, SaveLetterhead
from inventory.letterhead import MAX_ADDRESS, MAX_LINE, Letterhead, load
from inventory.queries.operators import OperatorRow, rows
from inventory.roles import ROLE_LABELS

from ..dialogs.operators import AddOperatorDialog, ResetPasswordDialog, RoleDialog
from ..widgets.columns import ColumnPolicy
from ..widgets.flow import flow_row

Confirm = Callable[[QWidget, str, str, str], bool]


def ask(parent: QWidget, title: str, text: str, button: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(button, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes


class OperatorsBox(QGroupBox):
    """Who may sign in, with what role. Only an admin changes it."""

    def __init__(self, page, parent=None) -> None:
        super().__init__("Operators", parent)
        self.page = page
        self.ctx = page.ctx
        self.admin = self.ctx.may("admin")
        self.operators: list[OperatorRow] = []
        self.dialog = None
        col = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("operatorsTable")
        self.table.setHorizontalHeaderLabels(["Operator", "Name", "Role", "State"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # The window's column policy: the name stretches, the sign-in name is never hidden.
        self.columns = ColumnPolicy(self.table, stretch=1, keys=(0, 1), hide_order=(3, 2))
        self.table.setMinimumHeight(150)
        self.table.setMaximumHeight(240)
        col.addWidget(self.table)
        box, row = flow_row()  # the buttons wrap in a narrow window
        self.add_button = QPushButton("Add operator…")
        self.role_button = QPushButton("Change role…")
        self.password_button = QPushButton("Reset password…")
        self.disable_button = QPushButton("Disable")
        for b in (self.add_button, self.role_button, self.password_button,
                  self.disable_button):
            row.add_widget(b)
        col.addWidget(box)
        note = QLabel("An operator who is disabled can no longer sign in; their history stays "
                      "theirs. With a second operator everyone signs in with a password."
                      if self.admin else "Only an admin adds operators or changes them.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        col.addWidget(note)
        self.add_button.clicked.connect(self.add)
        self.role_button.clicked.connect(self.change_role)
        self.password_button.clicked.connect(self.reset_password)
        self.disable_button.clicked.connect(self.toggle_active)
        self.table.itemSelectionChanged.connect(self._enable)
        self.reload()

    def reload(self) -> None:
        keep = self.current()
        self.operators = rows()
        self.table.setRowCount(len(self.operators))
        for r, o in enumerate(self.operators):
            state = ("active" if o.has_password else "active, no password") if o.active \
                else "disabled"
            cells = [o.username, o.name, ROLE_LABELS.get(o.role, o.role), state]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
            if keep is not None and o.username == keep.username:
                self.table.selectRow(r)
        self._enable()

    def current(self) -> OperatorRow | None:
        r = self.table.currentRow()
        return self.operators[r] if 0 <= r < len(self.operators) and \
            self.table.selectedItems() else None

    def select(self, username: str) -> None:
        for r, o in enumerate(self.operators):
            if o.username == username:
                self.table.selectRow(r)

    def _enable(self) -> None:
        o = self.current()
        self.add_button.setEnabled(self.admin)
        for b in (self.role_button, self.password_button, self.disable_button):
            b.setEnabled(self.admin and o is not None)
            b.setToolTip("" if self.admin else "Only an admin manages operators.")
        self.disable_button.setText("Enable" if o is not None and not o.active else "Disable")

    def _open(self, dialog) -> None:
        self.dialog = dialog

        def finished(code: int) -> None:
            self.dialog = None
            if code:
                if dialog.result_message:
                    self.page.messages.show_success(dialog.result_message)
                self.reload()
                if dialog.result_value:
                    self.select(dialog.result_value)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def add(self) -> None:
        self._open(AddOperatorDialog(self.ctx, self))

    def change_role(self) -> None:
        if (o := self.current()) is not None:
            self._open(RoleDialog(self.ctx, o.username, o.role, self))

    def reset_password(self) -> None:
        if (o := self.current()) is not None:
            self._open(ResetPasswordDialog(self.ctx, o.username, self))

    def toggle_active(self, confirm: Confirm = ask) -> None:
        o = self.current()
        if o is None:
            return
        if o.active:
            if not confirm(self, "Disable operator", f"Stop {o.username} signing in? Their "
                           "history stays theirs; you can enable them again.", "Disable"):
                return
            command, done = DisableOperator(o.username), f"{o.username} disabled: they can " \
                                                         "no longer sign in."
        else:
            command, done = EnableOperator(o.username), f"{o.username} can sign in again."

        def written(_result) -> None:
            self.page.messages.show_success(done)
            self.reload()

        self.ctx.ops.run(command, done=written,
                         failed=lambda exc: self.page.messages.show_error(str(exc)),
                         parent=self)


class LetterheadBox(QGroupBox):
    """Company, address and contacts printed at the top of every purchase order."""

    def __init__(self, page, parent=None) -> None:
        super().__init__("Purchase orders: letterhead", parent)
        self.page = page
        self.ctx = page.ctx
        form = QFormLayout(self)
        head = load(self.ctx.db)
        self.company = self._line(head.company, "Your company's name")
        self.address = QPlainTextEdit(head.address)
        self.address.setObjectName("letterheadAddress")
        self.address.setPlaceholderText("Invoice and delivery address, one line each")
        self.address.setFixedHeight(72)
        self.email = self._line(head.email, "purchasing@example.com")
        self.phone = self._line(head.phone, "Optional")
        self.tax_id = self._line(head.tax_id, "VAT or tax number (optional)")
        self.terms = self._line(head.terms, "e.g. Payment 30 days net; quote our PO number")
        self.terms.setMaxLength(MAX_ADDRESS)
        form.addRow("Company", self.company)
        form.addRow("Address", self.address)
        form.addRow("Email", self.email)
        form.addRow("Phone", self.phone)
        form.addRow("Tax number", self.tax_id)
        form.addRow("Terms", self.terms)
        self.save_button = QPushButton("Save letterhead")
        self.save_button.setEnabled(self.ctx.may("receive"))
        if not self.ctx.may("receive"):
            self.save_button.setToolTip(self.ctx.refusal("receive"))
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)

    def _line(self, text: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(MAX_LINE)
        return edit

    def values(self) -> dict[str, str]:
        return dict(company=self.company.text(), address=self.address.toPlainText(),
                    email=self.email.text(), phone=self.phone.text(),
                    tax_id=self.tax_id.text(), terms=self.terms.text())

    def save(self) -> None:
        def done(result) -> None:
            head: Letterhead = result.view[0]
            self.page.messages.show_success(
                f"Purchase orders now carry the letterhead of {head.company}." if head.company
                else "Letterhead saved.")

        self.ctx.ops.run(SaveLetterhead(tuple(self.values().items())), done=done,
                         failed=lambda exc: self.page.messages.show_error(str(exc)),
                         parent=self)
