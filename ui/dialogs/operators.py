"""Operators: your own password, and adding an operator (admin). Adding a second operator
is refused until the founding admin has a password (from then on everyone signs in).
Both are commands run by the operation runner; a refusal lands beside the field it names."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from inventory.commands import AddOperator, Command, SetPassword
from inventory.operations import BasketResult
from inventory.operators import MIN_PASSWORD
from inventory.roles import ROLE_LABELS

from .form import FormDialog


def _password_field(dialog: FormDialog, name: str, text: str) -> QLineEdit:
    field = dialog.add_field(name, text, QLineEdit())
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _check_passwords(first: str, again: str) -> dict[str, str]:
    if len(first) < MIN_PASSWORD:
        return {"password": f"At least {MIN_PASSWORD} characters."}
    if first != again:
        return {"again": "The two passwords differ."}
    return {}


class PasswordDialog(FormDialog):
    heading = "Change my password"
    description = ("Your password signs you in on this database. Once a second operator "
                   "exists, everyone signs in; set yours before adding anyone.")
    ok_text = "Change password"

    def build(self) -> None:
        self.password = _password_field(self, "password", "New password")
        self.again = _password_field(self, "again", "Again")
        self.password.setFocus()

    def validate(self) -> dict[str, str]:
        return _check_passwords(self.password.text(), self.again.text())

    def commands(self) -> list[Command]:
        return [SetPassword(self.ctx.operator.username, self.password.text())]

    def done_text(self, result: BasketResult) -> str:
        return f"Password of {self.ctx.operator.username} changed."


class AddOperatorDialog(FormDialog):
    heading = "Add an operator"
    description = "They sign in with this name and password; the role says what they may do."
    ok_text = "Add operator"

    def build(self) -> None:
        self.username = self.add_field("username", "Operator name", QLineEdit())
        self.full_name = self.add_field("name", "Full name", QLineEdit())
        self.role = self.add_field("role", "Role", QComboBox())
        for key, label in ROLE_LABELS.items():
            self.role.addItem(label, key)
        self.role.setCurrentIndex(self.role.findData("service_desk"))
        self.password = _password_field(self, "password", "Password")
        self.again = _password_field(self, "again", "Again")
        self.username.setFocus()

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.username.text().strip():
            errors["username"] = "Type the name they will sign in with."
        return errors | _check_passwords(self.password.text(), self.again.text())

    def commands(self) -> list[Command]:
        return [AddOperator(self.username.text(), self.role.currentData(),
                            self.password.text(), name=self.full_name.text().strip())]

    def done_text(self, result: BasketResult) -> str:
        new = result.view[0]
        return f"Operator {new.username} added as {ROLE_LABELS[new.role]}."
