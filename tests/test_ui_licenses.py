"""Licenses in the window: renewed for a new term (the seats carry over), edited, retired
(its seats released, then shown only under "Retired")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from inventory import models as m
from ui.dialogs.licenses import EditLicenseDialog, RenewLicenseDialog, RetireLicenseDialog
from ui.views.licenses import LicensesPage

from .ui_support import IGNORE_OFFSCREEN, detail_text, settle, show_page

pytestmark = IGNORE_OFFSCREEN


def busy_license() -> m.License:
    """A license with an end date and seats in use (the demo has several)."""
    seat = m.LicenseSeat
    return (m.License.select().join(seat).where(seat.released_at.is_null()
                                                & m.License.ends_on.is_null(False))
            .group_by(m.License.id).order_by(m.License.id).first())


def held(license_id: int) -> int:
    return m.LicenseSeat.select().where((m.LicenseSeat.license == license_id)
                                        & m.LicenseSeat.released_at.is_null()).count()


def select(qtbot, page, license_id: int) -> None:
    assert page.select_id(license_id)
    qtbot.waitUntil(lambda: page.detail.title_text != "", timeout=3000)


def test_renew_from_the_window_carries_the_seats_over(qtbot, ctx):
    lic = busy_license()
    used, old_end = held(lic.id), lic.ends_on
    page = show_page(qtbot, ctx, LicensesPage)
    select(qtbot, page, lic.id)
    assert page.act_renew.isEnabled()
    page.act_renew.trigger()
    d = page.dialog
    assert isinstance(d, RenewLicenseDialog)
    assert d.starts.date().toPython() == old_end + timedelta(days=1)
    d.seats.setValue(used - 1)
    d.click_ok()
    assert d.isVisible() and f"{used} seats are in use" in d.field_error("seats")
    d.seats.setValue(used + 5)
    d.term.setValue(24)
    d.cost.setText("12.40")
    d.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    now = m.License.get_by_id(lic.id)
    assert (now.seats, now.term_months, now.cost_per_seat) == (used + 5, 24, Decimal("12.40"))
    assert now.starts_on == old_end + timedelta(days=1) and now.ends_on > old_end
    assert held(lic.id) == used
    assert m.LicenseTerm.get(m.LicenseTerm.license == lic.id).ends_on == old_end
    assert "renewed" in page.messages.text() and f"{used} carried over" in page.messages.text()
    qtbot.waitUntil(lambda: "Earlier terms (1)" in detail_text(page), timeout=5000)


def test_edit_license_from_the_window(qtbot, ctx):
    lic = busy_license()
    page = show_page(qtbot, ctx, LicensesPage)
    select(qtbot, page, lic.id)
    page.act_edit.trigger()
    d = page.dialog
    assert isinstance(d, EditLicenseDialog) and d.seats.value() == lic.seats
    d.cost.setText("-2")
    d.click_ok()
    assert d.isVisible() and "cannot be negative" in d.field_error("cost")
    d.cost.setText("3.30")
    d.reference.setText("CONTRACT-77")
    d.ends.set_value(None)  # open-ended
    d.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    now = m.License.get_by_id(lic.id)
    assert (now.cost_per_seat, now.reference, now.ends_on) == (Decimal("3.30"), "CONTRACT-77",
                                                                    None)
    assert m.LicenseTerm.select().where(m.LicenseTerm.license == lic.id).count() == 0


def test_retire_releases_the_seats_and_hides_the_license(qtbot, ctx):
    lic = busy_license()
    used = held(lic.id)
    page = show_page(qtbot, ctx, LicensesPage)
    select(qtbot, page, lic.id)
    page.act_retire.trigger()
    d = page.dialog
    assert isinstance(d, RetireLicenseDialog) and f"{used} seats" in d.description
    d.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert held(lic.id) == 0 and m.License.get_by_id(lic.id).retired_on is not None
    assert f"{used} seats released" in page.messages.text()
    settle(page)
    assert lic.id not in page.model.ids()  # gone from the list...
    page.set_filter_value("special", "retired")
    settle(page)
    assert lic.id in page.model.ids()  # ...and found under Retired
    assert page.select_id(lic.id)
    qtbot.waitUntil(lambda: page.detail.title_text == lic.product.name
                    and "Retired" in detail_text(page), timeout=5000)
    for act in (page.act_renew, page.act_edit, page.act_retire, page.act_assign):
        assert not act.isEnabled()
