"""The scan station's details: Count's approve button only with a count running, the
Transfer hint shown once, the check-out due date from the loan period in Settings, and
words without "item(s)" or internal ids."""

from __future__ import annotations

from datetime import timedelta

from inventory import clock
from inventory import models as m
from ui.settings import Settings

from .ui_scan_support import IGNORE_OFFSCREEN, Station

pytestmark = IGNORE_OFFSCREEN


def test_count_approve_is_disabled_while_no_count_runs(qtbot, demo_db):
    s = Station(qtbot, demo_db)
    s.mode("count")
    count = s.page.modes["count"]
    assert count.count_id is None
    assert not count.approve_button.isEnabled()
    shelf = m.Location.select().where(m.Location.kind == "stockroom").order_by(
        m.Location.id).first()
    s.scan(shelf.code)
    assert count.count_id is not None
    s.do("confirm")  # the variance: now there is something to approve
    assert count.approve_button.isEnabled()
    s.do("cancel")  # left open: no count running here any more
    assert not count.approve_button.isEnabled()
    # The count is named by its place, not by an internal number.
    assert s.outcomes and all("#" not in o.title + o.detail for o in s.outcomes)


def test_transfer_shows_its_hint_once(qtbot, demo_db):
    s = Station(qtbot, demo_db)
    s.mode("transfer")
    transfer = s.page.modes["transfer"]
    hint = transfer.hint
    shown = [w.text() for w in s.page.findChildren(type(transfer.note))
             if w.isVisible() and hint in w.text()]
    assert len(shown) == 1, shown


def test_station_check_out_proposes_the_loan_period_of_settings(qtbot, demo_db, tmp_path):
    settings = Settings.in_file(str(tmp_path / "s.ini"))
    settings.set_loan_days(30)
    s = Station(qtbot, demo_db, settings=settings)
    due = s.page.modes["checkout"].due.date().toPython()
    assert due == clock.today() + timedelta(days=30)
