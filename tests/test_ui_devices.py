"""The Devices view driven as a person does: search as you type, filters, the detail pane,
and a check-out / check-in from the selection that changes the view and the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from inventory import models as m
from inventory.clock import today
from inventory.db import unwrap
from inventory.queries.devices import overdue_condition
from inventory.services.verify import verify
from ui.views.devices import DevicesPage

from .ui_support import IGNORE_OFFSCREEN, detail_text, settle, show_page, table_texts

pytestmark = IGNORE_OFFSCREEN


@pytest.fixture
def page(qtbot, ctx):
    return show_page(qtbot, ctx, DevicesPage)


def search(qtbot, page, text: str) -> None:
    page.search.clear()
    qtbot.keyClicks(page.search, text)
    qtbot.waitUntil(lambda: page.model.spec().search == text.strip(), timeout=2000)
    settle(page)


def test_search_as_you_type_narrows_the_table(qtbot, page):
    active = m.Asset.select().where(m.Asset.status.not_in(("retired", "disposed", "lost")))
    assert page.model.rowCount() == active.count()
    assert page.count_label.text() == f"{active.count():,} devices"
    search(qtbot, page, "IT-00012")
    tags = table_texts(page, "tag")
    assert tags and all(t.startswith("IT-00012") for t in tags)
    # By holder: every row shown is held by that person.
    holder = m.Asset.select().where(m.Asset.holder.is_null(False)).first().holder
    search(qtbot, page, holder.employee_id)
    assert set(table_texts(page, "holder")) == {holder.name}
    search(qtbot, page, "no such device anywhere")
    assert page.model.rowCount() == 0 and page.count_label.text() == "0 devices"
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.model.rowCount() == active.count(), timeout=2000)


def test_filters_for_status_location_and_kind(qtbot, page):
    page.set_filter_value("status", "in_repair")
    assert set(table_texts(page, "status", 500)) == {"In repair"}
    page.set_filter_value("status", None)
    page.set_filter_value("category", "Monitor")
    assert set(table_texts(page, "category", 500)) == {"Monitor"}
    branch = m.Location.get(m.Location.code == "SITE-BR")
    page.set_filter_value("category", None)
    page.set_filter_value("location", branch.id)
    places = set(table_texts(page, "location", 2000))
    assert places <= {"Branch office", "Branch stockroom"} and places
    page.set_filter_value("location", None)
    page.set_filter_value("special", "overdue")
    settle(page)
    assert page.model.rowCount() == m.Asset.select().where(overdue_condition(today())).count()


def test_detail_pane_shows_holder_location_warranty_and_history(qtbot, page):
    a = (m.Asset.select().where((m.Asset.status == "deployed") & m.Asset.holder.is_null(False))
         .first())
    search(qtbot, page, a.tag)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.title_text == a.tag, timeout=2000)
    shown = detail_text(page)
    assert a.holder.name in shown and a.holder.employee_id in shown
    assert a.location.name in shown
    assert f"{a.warranty_end.day} {a.warranty_end:%b %Y}" in shown
    moves = m.Movement.select().where(m.Movement.asset == a.id).count()
    assert f"Movement history ({moves})" in shown
    assert "Checked out" in shown and "Received" in shown


def test_check_out_from_the_selection_updates_view_and_database(qtbot, page, ctx):
    a = m.Asset.select().where(m.Asset.status == "in_stock").order_by(m.Asset.id).first()
    person = m.Person.select().where(m.Person.active).order_by(m.Person.id).first()
    search(qtbot, page, a.tag)
    page.table.selectRow(0)
    assert page.act_out.isEnabled() and not page.act_in.isEnabled()
    page.act_out.trigger()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.person, person.employee_id)
    dialog.click_ok()
    dialog.ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    fresh = m.Asset.get_by_id(a.id)
    assert fresh.status == "deployed" and fresh.holder_id == person.id
    assert table_texts(page, "status") == ["Deployed"]
    assert table_texts(page, "holder") == [person.name]
    assert "assets" in ctx.topics
    assert person.name in page.messages.text()
    # Now it can be checked in, and not out again.
    page.table.selectRow(0)
    assert page.act_in.isEnabled() and not page.act_out.isEnabled()
    page.act_in.trigger()
    page.dialog.damaged.setChecked(True)
    page.dialog.click_ok()
    page.dialog.ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert m.Asset.get_by_id(a.id).status == "in_repair"
    assert table_texts(page, "status") == ["In repair"]
    assert verify(unwrap(ctx.db)).ok


def test_a_refused_check_out_shows_why_beside_the_field_and_changes_nothing(qtbot, page):
    a = m.Asset.select().where(m.Asset.status == "in_stock").first()
    gone = m.Person.select().where(~m.Person.active).first()
    search(qtbot, page, a.tag)
    page.table.selectRow(0)
    page.act_out.trigger()
    dialog = page.dialog
    dialog.click_ok()
    dialog.ctx.ops.wait()
    assert "Pick who receives" in dialog.field_error("person")
    dialog.person.setText(gone.employee_id)
    dialog.click_ok()
    dialog.ctx.ops.wait()
    assert dialog.field_error("person") == (f"{gone.name} ({gone.employee_id}) has left; items "
                                            "cannot be issued to them.")
    assert dialog.isVisible()
    before = m.Movement.select().count()
    dialog.person.set_code(m.Person.select().where(m.Person.active).first().employee_id)
    # Someone else checks it out meanwhile: the service refuses, the dialog says why.
    other = m.Person.select().where(m.Person.active).order_by(m.Person.id.desc()).first()
    from inventory.services import assets

    assets.check_out(unwrap(page.ctx.db), page.ctx.operator, a.tag, person=other.employee_id)
    before = m.Movement.select().count()
    dialog.click_ok()
    dialog.ctx.ops.wait()
    assert dialog.isVisible()
    assert "already checked out" in dialog.form_error.text()
    assert m.Movement.select().count() == before
    dialog.reject()


def test_actions_follow_the_selection_and_the_role(qtbot, ctx):
    from .ui_support import operator

    ctx.operator = operator("viewer")
    page = show_page(qtbot, ctx, DevicesPage)
    page.table.selectRow(0)
    assert not page.act_out.isEnabled() and not page.act_new.isEnabled()
    assert "Viewer" in page.act_out.toolTip()
