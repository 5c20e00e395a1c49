"""A device checked out to a place (a meeting room, a loaner shelf) instead of a person:
from the check-out dialog (picked, or its label scanned)."""

from __future__ import annotations

from inventory import models as m
from ui.dialogs.assets import CheckOutDialog

from .ui_support import IGNORE_OFFSCREEN, scan

pytestmark = IGNORE_OFFSCREEN


def in_stock(n: int) -> list[str]:
    return [a.tag for a in m.Asset.select().where(m.Asset.status == "in_stock")
            .order_by(m.Asset.id).limit(n)]


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_check_out_two_devices_to_a_room_from_the_dialog(qtbot, ctx):
    tags = in_stock(2)
    room = m.Location.select().where(m.Location.kind == "stockroom").order_by(
        m.Location.id.desc()).first()
    d = opened(qtbot, CheckOutDialog(ctx, tags))
    d.to_place.setChecked(True)
    assert not d.person.isEnabled() and d.place.isEnabled()
    d.click_ok()
    assert d.isVisible() and "Pick the room or shelf" in d.field_error("place")
    assert d.accept_scan(scan(room.code))  # the room's label scanned
    assert d.place.code() == room.code
    d.click_ok()
    ctx.ops.wait()
    assert not d.isVisible()
    for a in m.Asset.select().where(m.Asset.tag.in_(tags)):
        assert (a.status, a.location_id, a.holder_id) == ("deployed", room.id, None)
    assert "2 devices checked out" in d.result_message


def test_a_badge_scan_switches_back_to_a_person_and_a_3pl_is_refused(qtbot, ctx):
    (tag,) = in_stock(1)
    person = m.Person.select().where(m.Person.active).order_by(m.Person.id).first()
    partner = m.Location.get(m.Location.kind == "3pl")
    d = opened(qtbot, CheckOutDialog(ctx, [tag]))
    d.to_place.setChecked(True)
    assert d.accept_scan(scan(person.employee_id))
    assert d.to_person.isChecked() and d.person.code() == person.employee_id
    assert d.accept_scan(scan(partner.code))  # not offered as a place: says what to scan
    assert "neither a person's badge nor a room" in d.form_error.text()
    assert m.Asset.get(m.Asset.tag == tag).status == "in_stock"
