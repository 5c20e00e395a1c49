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


def _admin_with_password(ctx) -> None:
    from inventory import operations
    from inventory.commands import SetPassword

    operations.execute(ctx.db, ctx.operator, SetPassword(ctx.operator.username,
                                                         "admin-password"))


def test_an_admin_manages_operators_in_settings(qtbot, ctx):
    from inventory.operators import check_password
    from ui.dialogs.operators import AddOperatorDialog, ResetPasswordDialog, RoleDialog
    from ui.views.settings_page import SettingsPage

    from .ui_support import show_page

    _admin_with_password(ctx)
    page = show_page(qtbot, ctx, SettingsPage)
    box = page.operators
    assert box.add_button.isEnabled() and not box.role_button.isEnabled()
    box.add_button.click()
    add = box.dialog
    assert isinstance(add, AddOperatorDialog)
    _type(add, username="desk 1", password="desk-password", again="desk-password")
    add.click_ok()
    ctx.ops.wait()
    assert add.isVisible() and "without spaces" in add.field_error("username")
    _type(add, username="desk1")
    add.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: box.dialog is None, timeout=2000)
    assert "desk1 added as Service desk" in page.messages.text()
    assert box.current().username == "desk1"  # the new one is selected

    box.role_button.click()
    role = box.dialog
    assert isinstance(role, RoleDialog)
    role.role.setCurrentIndex(role.role.findData("supply_chain"))
    role.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: box.dialog is None, timeout=2000)
    assert m.Operator.get(m.Operator.username == "desk1").role == "supply_chain"
    assert box.table.item(box.table.currentRow(), 2).text() == "Supply chain"

    box.password_button.click()
    reset = box.dialog
    assert isinstance(reset, ResetPasswordDialog)
    _type(reset, password="new-desk-pass", again="new-desk-pass")
    reset.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: box.dialog is None, timeout=2000)
    assert check_password("new-desk-pass",
                          m.Operator.get(m.Operator.username == "desk1").password_hash)

    box.toggle_active(confirm=lambda *_: False)
    ctx.ops.wait()
    assert m.Operator.get(m.Operator.username == "desk1").active  # asked; the answer was no
    box.toggle_active(confirm=lambda *_: True)
    ctx.ops.wait()
    assert not m.Operator.get(m.Operator.username == "desk1").active
    assert box.table.item(box.table.currentRow(), 3).text() == "disabled"
    assert box.disable_button.text() == "Enable"
    with pytest.raises(Exception, match="disabled|password"):
        sign_in(ctx.db, "desk1", "new-desk-pass")
    box.toggle_active()
    ctx.ops.wait()
    assert sign_in(ctx.db, "desk1", "new-desk-pass").role == "supply_chain"


def test_the_last_admin_cannot_be_disabled_or_demoted_from_settings(qtbot, ctx):
    from ui.views.settings_page import SettingsPage

    from .ui_support import show_page

    page = show_page(qtbot, ctx, SettingsPage)
    box = page.operators
    box.select(ctx.operator.username)
    box.toggle_active(confirm=lambda *_: True)
    ctx.ops.wait()
    assert "last admin" in page.messages.text()
    assert m.Operator.get(m.Operator.username == ctx.operator.username).active


def test_only_an_admin_changes_operators_in_settings(qtbot, ctx):
    from inventory import operations
    from inventory.commands_admin import DisableOperator
    from inventory.errors import PermissionDenied
    from ui.views.base import AppContext
    from ui.views.settings_page import SettingsPage

    from .ui_support import operator, show_page

    desk = operator("manager")
    view = AppContext(ctx.db, desk, ctx.bus, ctx.settings, ctx.runner, ctx.url)
    page = show_page(qtbot, view, SettingsPage)
    box = page.operators
    box.select(ctx.operator.username)
    assert not box.add_button.isEnabled() and not box.disable_button.isEnabled()
    assert "Only an admin" in box.disable_button.toolTip()
    with pytest.raises(PermissionDenied):  # and the layer refuses it whatever the window
        operations.execute(ctx.db, desk, DisableOperator(ctx.operator.username))
