"""Signing in to a shared database."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from inventory.dburl import describe
from inventory.errors import InventoryError
from inventory.operators import (
    MIN_PASSWORD,
    first_admin,
    has_operators,
    sign_in,
    sign_in_to_server,
)
from inventory.store import Store

from .form import FormDialog


class SignInDialog(FormDialog):
    heading = "Sign in"
    ok_text = "Sign in"

    def __init__(self, db: Store | None, url: str, last_user: str = "", parent=None) -> None:
        self.db = db
        self.url = url
        # A shared database nobody has used yet: whoever holds its login sets up its admin.
        # No database yet (team mode: the server wants each operator's own login): signing
        # in is connecting.
        self.first = db is not None and not has_operators()
        if self.first:
            self.heading, self.ok_text = "Create the first admin", "Create and sign in"
            self.description = (f"{describe(url)} has no operators yet. Choose the admin's "
                                "name and password; the admin then adds everyone else.")
        else:
            self.description = f"{describe(url)} is shared: sign in with your operator name."
        self._last_user = last_user
        self.operator = None
        super().__init__(None, parent)  # type: ignore[arg-type]

    def build(self) -> None:
        self.username = self.add_field("username", "Operator", QLineEdit(self._last_user))
        self.password = self.add_field("password", "Password", QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = None
        if self.first:
            self.again = self.add_field("again", "Again", QLineEdit())
            self.again.setEchoMode(QLineEdit.EchoMode.Password)
        (self.password if self._last_user else self.username).setFocus()

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.username.text().strip():
            errors["username"] = "Type your operator name."
        if not self.password.text():
            errors["password"] = "Type your password."
        elif self.again is not None:
            if len(self.password.text()) < MIN_PASSWORD:
                errors["password"] = f"At least {MIN_PASSWORD} characters."
            elif self.again.text() != self.password.text():
                errors["again"] = "The two passwords differ."
        return errors

    def submit(self) -> str:
        if self.db is None:
            self.db, self.operator = sign_in_to_server(self.url, self.username.text().strip(),
                                                       self.password.text())
            return ""
        if self.first:
            self.operator = first_admin(self.db, self.username.text(), self.password.text())
        else:
            self.operator = sign_in(self.db, self.username.text().strip(),
                                    self.password.text())
        return ""

    def show_refusal(self, exc: InventoryError) -> None:
        """A refused sign-in is always about the password (which is cleared)."""
        self.password.clear()
        self.set_error("password", str(exc))
        self.password.setFocus()
