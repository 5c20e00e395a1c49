"""Operators in the window: a second operator only once the founding admin has a password
(then everyone signs in); a new PostgreSQL database gets its first admin at sign-in."""

from __future__ import annotations

import pytest

from inventory import models as m
from inventory.operators import needs_sign_in, sign_in

from .ui_support import IGNORE_OFFSCREEN

pytestmark = IGNORE_OFFSCREEN


def _type(dialog, **fields) -> None:
    for name, text in fields.items():
        dialog.widget(name).setText(text)


def test_adding_a_second_operator_needs_the_admins_password_first(qtbot, window):
    from ui.dialogs.operators import AddOperatorDialog, PasswordDialog

    assert window.add_operator_action.isEnabled()  # the OS account is the founding admin
    add = AddOperatorDialog(window.ctx, window)
    qtbot.addWidget(add)
    add.show()
    _type(add, username="desk1", password="desk-password", again="desk-password")
    ops = window.ctx.ops
    add.click_ok()
    ops.wait()  # written on the worker, through the operation runner
    assert add.isVisible() and "Set a password for" in add.form_error.text()
    assert not m.Operator.select().where(m.Operator.username == "desk1").exists()

    pw = PasswordDialog(window.ctx, window)
    qtbot.addWidget(pw)
    pw.show()
    _type(pw, password="short", again="short")
    pw.click_ok()
    assert pw.isVisible() and "8 characters" in pw.field_error("password")
    _type(pw, password="admin-password", again="admin-passw0rd")
    pw.click_ok()
    assert pw.isVisible() and "differ" in pw.field_error("again")
    _type(pw, password="admin-password", again="admin-password")
    pw.click_ok()
    ops.wait()
    assert not pw.isVisible()

    add.click_ok()
    ops.wait()
    assert not add.isVisible(), add.form_error.text()
    assert needs_sign_in(window.ctx.db)  # two operators: everyone signs in from now on
    assert sign_in(window.ctx.db, "desk1", "desk-password").role == "service_desk"
    assert "operators" in window.ctx.topics  # one change notice said so

    # The same name again: the refusal names its field (err.field), not the form.
    again = AddOperatorDialog(window.ctx, window)
    qtbot.addWidget(again)
    again.show()
    _type(again, username="desk1", password="other-password", again="other-password")
    again.click_ok()
    ops.wait()
    assert again.isVisible() and "already exists" in again.field_error("username")


@pytest.mark.postgres
def test_a_new_postgres_database_gets_its_first_admin_at_sign_in(qtbot, pg_server):
    from inventory.storage import open_store
    from ui.dialogs.sign_in import SignInDialog

    from .conftest import fresh_pg_url

    url = fresh_pg_url(pg_server)
    db = open_store(url)
    try:
        d = SignInDialog(db, url)
        qtbot.addWidget(d)
        d.show()
        assert d.first and "no operators yet" in d.description
        _type(d, username="boss", password="boss-password", again="boss-password")
        d.click_ok()
        assert not d.isVisible() and d.operator.role == "admin"
        again = SignInDialog(db, url, "boss")
        qtbot.addWidget(again)
        assert not again.first  # from now on a plain sign-in
    finally:
        db.close()
