"""The Requests page on the demo: open requests listed, a manager approves (the stock is
reserved), a new request from the dialog, a refusal beside its field, the loan calendar."""

from __future__ import annotations

from inventory import clock
from inventory import models as m
from ui.views.requests import RequestsPage

from .ui_support import IGNORE_OFFSCREEN, detail_text, settle, show_page, table_texts

pytestmark = IGNORE_OFFSCREEN


def _select(qtbot, page, request: m.Request) -> None:
    assert page.select_id(request.id)
    qtbot.waitUntil(lambda: page._current_number == request.number, timeout=3000)


def test_open_requests_are_listed_and_a_manager_approves_one(qtbot, ctx):
    page = show_page(qtbot, ctx, RequestsPage)
    open_ = {r.number for r in m.Request.select().where(
        m.Request.state.in_(m.OPEN_REQUEST_STATES))}
    assert set(table_texts(page, "number")) == open_
    waiting = m.Request.select().where(m.Request.state == "requested").order_by(
        m.Request.id).first()
    _select(qtbot, page, waiting)
    shown = detail_text(page)
    assert waiting.number in page.detail.title_text
    assert "Standard laptop bundle" in page.detail.title_text
    assert "History | Waiting |" in shown  # the first event: the request made, waiting
    assert page.act_approve.isEnabled()  # the demo operator is an admin
    page.act_approve.trigger()
    settle(page)
    qtbot.waitUntil(lambda: m.Request.get_by_id(waiting.id).state != "requested", timeout=5000)
    assert m.Request.get_by_id(waiting.id).state == "reserved"
    assert "requests" in ctx.topics
    assert "reserved" in page.messages.text().lower()


def test_the_service_desk_cannot_approve(qtbot, ctx):
    from .ui_support import operator

    ctx.operator = operator("service_desk")
    page = show_page(qtbot, ctx, RequestsPage)
    waiting = m.Request.select().where(m.Request.state == "requested").first()
    _select(qtbot, page, waiting)
    assert not page.act_approve.isEnabled()
    assert "may not approve" in page.act_approve.toolTip()


def test_a_new_request_from_the_dialog_and_a_refusal_beside_its_field(qtbot, ctx):
    page = show_page(qtbot, ctx, RequestsPage)
    page.act_new.trigger()
    dialog = page.dialog
    person = m.Person.select().where(m.Person.active & (m.Person.department == "Finance")
                                     ).first()
    dialog.person.set_code(person.employee_id)
    dialog.item.set_code("KIT-DEV")  # Engineering and IT only
    dialog.click_ok()
    qtbot.waitUntil(lambda: dialog.field_error("item") != "", timeout=5000)
    assert "Engineering, IT only" in dialog.field_error("item")
    assert not m.Request.select().where(m.Request.person == person.id).exists()
    dialog.item.set_code("KIT-LAPTOP")
    dialog.click_ok()
    qtbot.waitUntil(lambda: m.Request.select().where(m.Request.person == person.id).exists(),
                    timeout=5000)
    made = m.Request.get(m.Request.person == person.id)
    assert made.state == "requested" and made.created_by_id == ctx.operator.id


def test_the_loan_calendar_shows_the_pool_month(qtbot, ctx):
    from ui.dialogs.requests import LoanCalendarDialog

    dialog = LoanCalendarDialog(ctx, "Dell Latitude 5540")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.grid.rowCount() > 0, timeout=5000)
    labels = [dialog.grid.verticalHeaderItem(r).text() for r in range(dialog.grid.rowCount())]
    pool = [a.tag for a in m.Asset.select().join(m.LoanDevice,
                                                 on=(m.LoanDevice.asset == m.Asset.id))]
    assert set(pool) <= set(labels) and "any Dell Latitude 5540" in labels
    booking = m.Booking.select().where(m.Booking.asset.is_null(False)).order_by(
        m.Booking.starts_on).first()
    row = labels.index(booking.asset.tag)
    col = (booking.starts_on - clock.today().replace(day=1)).days
    assert booking.number in dialog.grid.item(row, col).toolTip()
    assert booking.person.name in dialog.legend.text()


def test_tray_notices_show_what_is_new_for_the_operators_role(qtbot, ctx):
    from ui.notices import TrayNotifier

    from .ui_support import operator

    ctx.operator = operator("manager")
    notices = TrayNotifier(ctx)
    notices.check_now()
    qtbot.waitUntil(lambda: notices.last_message is not None, timeout=20_000)
    title, text = notices.last_message
    waiting = m.Request.select().where(m.Request.state == "requested").count()
    assert title.startswith("Stockroom:") and "awaits approval" in text
    assert waiting >= 1
    notices.last_message = None
    notices.check_now()  # nothing new since: nothing shown
    settle_runner = ctx.runner.wait_idle(20_000)
    assert settle_runner and notices.last_message is None
    ctx.operator = operator("viewer")
    assert TrayNotifier(ctx).digests == ()


def test_mark_as_left_from_people_and_the_dashboard_lists_leavers_still_holding(qtbot, ctx):
    from inventory.commands import CheckOut
    from inventory.operations import execute
    from ui.views.dashboard import DashboardPage
    from ui.views.people import PeoplePage

    page = show_page(qtbot, ctx, PeoplePage)
    person = m.Person.select().where(m.Person.active & ~m.Person.id.in_(
        m.Asset.select(m.Asset.holder).where(m.Asset.holder.is_null(False)))).first()
    device = m.Asset.select().where(m.Asset.status == "in_stock").order_by(m.Asset.id).first()
    execute(ctx.db, ctx.operator, CheckOut(device.tag, person=person.employee_id))
    open_req = m.Request.create(number="REQ-900001", person=person, item=m.CatalogItem.get(
        m.CatalogItem.code == "CAT-HEADSET"), state="requested", created_by=ctx.operator.id)
    assert page.select_id(person.id)
    page.act_left.trigger()
    dialog = page.dialog
    from PySide6.QtWidgets import QLabel

    assert f"device {device.tag}" in " ".join(w.text() for w in dialog.findChildren(QLabel))
    dialog.click_ok()
    qtbot.waitUntil(lambda: not m.Person.get_by_id(person.id).active, timeout=5000)
    assert m.Person.get_by_id(person.id).left_on == clock.today()
    assert m.Request.get_by_id(open_req.id).state == "cancelled"
    assert m.Asset.get_by_id(device.id).holder_id == person.id  # stays on the return list
    dash = show_page(qtbot, ctx, DashboardPage)
    qtbot.waitUntil(lambda: dash.leavers.isVisible(), timeout=20_000)
    assert person.name in dash.leavers.text() and "1 device" in dash.leavers.text()


def test_mail_settings_are_saved_without_a_password(qtbot, ctx):
    from ui.views.settings_page import SettingsPage

    page = show_page(qtbot, ctx, SettingsPage)
    box = page.mail_box
    box.host.setText("smtp.example.com")
    box.user.setText("desk")
    box.to["managers"].setText("boss@example.com, deputy@example.com")
    box.save.click()
    qtbot.waitUntil(lambda: m.Setting.get_or_none(m.Setting.key == "mail.host") is not None,
                    timeout=5000)
    got = {s.key: s.value for s in m.Setting.select().where(m.Setting.key.startswith("mail."))}
    assert got["mail.host"] == "smtp.example.com" and got["mail.user"] == "desk"
    assert m.Setting.get(m.Setting.key == "notify.to.managers").value == \
        "boss@example.com, deputy@example.com"
    box.to["buyers"].setText("not an address")
    box.save.click()
    qtbot.waitUntil(lambda: "not a mail address" in page.messages.text(), timeout=5000)


def test_a_kit_and_a_joiner_from_the_window(qtbot, ctx):
    from ui.views.people import PeoplePage

    page = show_page(qtbot, ctx, RequestsPage)
    page.act_item.trigger()
    dialog = page.dialog
    dialog.name.setText("Desk set")
    dialog.lines.setPlainText("1 × Dell WD22TB4 Thunderbolt Dock\n2 x Headset Evolve2 30 USB-C")
    dialog.departments.setText("IT")
    dialog.click_ok()
    qtbot.waitUntil(lambda: m.CatalogItem.get_or_none(m.CatalogItem.name == "Desk set")
                    is not None, timeout=5000)
    kit = m.CatalogItem.get(m.CatalogItem.name == "Desk set")
    assert kit.kind == "kit" and kit.departments == "IT"
    assert [ln.quantity for ln in m.KitLine.select().where(m.KitLine.item == kit.id)
            .order_by(m.KitLine.position)] == [1, 2]
    people = show_page(qtbot, ctx, PeoplePage)
    person = m.Person.select().where(m.Person.active & (m.Person.department == "IT") & ~(
        m.Person.id.in_(m.Joiner.select(m.Joiner.person)))).first()
    assert people.select_id(person.id)
    people.act_joiner.trigger()
    jd = people.dialog
    jd.kit.set_code("KIT-LAPTOP")
    jd.starts.setDate(jd.starts.minimumDate().addDays(3))  # within the lead time
    jd.click_ok()
    qtbot.waitUntil(lambda: m.Joiner.get_or_none(m.Joiner.person == person.id) is not None,
                    timeout=5000)
    joiner = m.Joiner.get(m.Joiner.person == person.id)
    assert joiner.request is not None and joiner.request.person_id == person.id


def test_the_check_out_dialog_refuses_a_loan_into_a_booking_beside_the_due_date(qtbot, ctx):
    from datetime import timedelta

    from ui.dialogs.assets import CheckOutDialog

    booking = m.Booking.select().where(m.Booking.asset.is_null(False)
                                       & (m.Booking.state == "active")).order_by(
        m.Booking.starts_on).first()
    device = booking.asset
    other = m.Person.select().where(m.Person.active & (m.Person.id != booking.person_id)
                                    ).first()
    dialog = CheckOutDialog(ctx, [device.tag])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.person.set_code(other.employee_id)
    dialog.due.set_value(booking.starts_on + timedelta(days=1))
    dialog.click_ok()
    qtbot.waitUntil(lambda: dialog.field_error("due") != "", timeout=5000)
    free = booking.starts_on - timedelta(days=1)
    assert f"booked by {booking.person.name}" in dialog.field_error("due")
    assert f"free until {free:%Y-%m-%d}" in dialog.field_error("due")
    assert m.Asset.get_by_id(device.id).status == "in_stock"
