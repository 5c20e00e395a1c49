"""Operators: your own password; adding one, changing a role, resetting a password
(admin). Adding a second operator is refused until the founding admin has a password
(from then on everyone signs in). Every change is a command through the runner."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from inventory.commands import AddOperator, Command, SetPassword
from inventory.commands_admin import SetOperatorRole
from inventory.operators import MIN_PASSWORD
from inventory.roles import ROLE_LABELS

from .form import FormDialog


def _password_field(dialog: FormDialog, name: str, text: str) -> QLineEdit:
    field = dialog.add_field(name, text, QLineEdit())
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(1024)
    return field


def _check_passwords(first: str, again: str) -> dict[str, str]:
    if len(first) < MIN_PASSWORD:
        return {"password": f"At least {MIN_PASSWORD} characters."}
    if first != again:
        return {"again": "The two passwords differ."}
    return {}


def _role_combo(current: str = "service_desk") -> QComboBox:
    combo = QComboBox()
    for key, label in ROLE_LABELS.items():
        combo.addItem(label, key)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


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

    def done_text(self, result) -> str:
        return f"Password of {self.ctx.operator.username} changed."


class ResetPasswordDialog(PasswordDialog):
    """An admin sets someone else's password (tell them; they can change it later)."""

    ok_text = "Reset password"

    def __init__(self, ctx, username: str, parent=None) -> None:
        self.username = username
        self.heading = f"Reset the password of {username}"
        self.description = (f"{username} signs in with this password from now on. Tell "
                            "them in person; they can change it under File.")
        super().__init__(ctx, parent)

    def commands(self) -> list[Command]:
        return [SetPassword(self.username, self.password.text())]

    def done_text(self, result) -> str:
        return f"Password of {self.username} reset."


class AddOperatorDialog(FormDialog):
    heading = "Add an operator"
    description = "They sign in with this name and password; the role says what they may do."
    ok_text = "Add operator"

    def build(self) -> None:
        self.username = self.add_field("username", "Operator name", QLineEdit())
        self.username.setMaxLength(64)
        self.full_name = self.add_field("name", "Full name", QLineEdit())
        self.full_name.setMaxLength(200)
        self.role = self.add_field("role", "Role", _role_combo())
        self.password = _password_field(self, "password", "Password")
        self.again = _password_field(self, "again", "Again")
        self.username.setFocus()

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.username.text().strip():
            errors["username"] = "Type the name they will sign in with."
        return errors | _check_passwords(self.password.text(), self.again.text())

    def commands(self) -> list[Command]:
        return [AddOperator(self.username.text().strip(), self.role.currentData(),
                            self.password.text(), self.full_name.text().strip())]

    def done_text(self, result) -> str:
        new = result.view[0]
        self.result_value = new.username
        return f"Operator {new.username} added as {ROLE_LABELS[new.role]}."


class RoleDialog(FormDialog):
    """What an operator may do (the role matrix is in the README)."""

    ok_text = "Change role"

    def __init__(self, ctx, username: str, role: str, parent=None) -> None:
        self.username, self.current = username, role
        self.heading = f"Role of {username}"
        self.description = f"Now: {ROLE_LABELS.get(role, role)}. The change applies from " \
                           "their next action."
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.role = self.add_field("role", "Role", _role_combo(self.current))

    def commands(self) -> list[Command]:
        return [SetOperatorRole(self.username, self.role.currentData())]

    def done_text(self, result) -> str:
        changed = result.view[0]
        return f"{changed.username} is now {ROLE_LABELS[changed.role]}."
