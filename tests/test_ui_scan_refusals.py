"""Refused scans show why in red, with the refusal sound, and change nothing."""

from __future__ import annotations

import logging

import pytest

from inventory import models as m

from .ui_scan_support import IGNORE_OFFSCREEN, Station, asset, in_stock, movements, operator

pytestmark = IGNORE_OFFSCREEN


@pytest.fixture
def station(qtbot, demo_db):
    return Station(qtbot, demo_db)


def refused(station, text: str, *expected: str, symbology: str = "unknown") -> None:
    before = movements()
    assets = list(m.Asset.select(m.Asset.id, m.Asset.status, m.Asset.location, m.Asset.holder)
                  .order_by(m.Asset.id).tuples())
    out = station.scan(text, symbology)
    assert out is not None and out.state == "refused", station.shown
    for part in expected:
        assert part in station.shown
    assert station.sounds[-1] == "refused"
    assert "Traceback" not in station.shown
    assert movements() == before
    assert list(m.Asset.select(m.Asset.id, m.Asset.status, m.Asset.location, m.Asset.holder)
                .order_by(m.Asset.id).tuples()) == assets


def test_unknown_tag(station):
    person = m.Person.select().where(m.Person.active).first()
    station.scan(person.employee_id)
    refused(station, "IT-999999", "Unknown code IT-999999", "Check the label")
    assert station.page.modes["checkout"].basket.lines == []


def test_already_checked_out(station):
    deployed = m.Asset.select().where(m.Asset.status == "deployed").first()
    refused(station, deployed.tag, f"{deployed.tag} is already checked out to "
                                   f"{deployed.holder.name}", "Check it in first")
    station.mode("checkin")
    (tag,) = in_stock(1)
    refused(station, tag, "already in stock")


def test_a_gs1_label_that_fails_its_check_digit_is_not_guessed(station):
    refused(station, "]C10109501101530004", "Unreadable code (01)09501101530004",
            "check digit", symbology="gs1-128")


def test_wrong_location_in_a_transfer(station):
    station.mode("transfer")
    station.scan("LOC-BR-SR")
    station.scan("LOC-3PL-NW")
    (tag,) = in_stock(1, "LOC-HQ-SR")
    refused(station, tag, "Wrong location", f"{tag} is at HQ stockroom, not at "
                                            "Branch stockroom")
    before = movements()
    assert station.do("confirm").state == "refused"
    assert "Nothing to send" in station.shown and movements() == before


def test_a_person_who_left_and_a_device_gtin_in_check_out(station):
    gone = m.Person.select().where(~m.Person.active).first()
    refused(station, gone.employee_id, "has left")
    device = m.Product.select().where(m.Product.kind == "device").first()
    refused(station, device.gtin, "tracked by serial", symbology="ean13")
    # A stockroom's label is a place to check devices out to; a 3PL's is not.
    refused(station, "LOC-3PL-NW", "a place on a site")


def test_confirm_without_a_person_changes_nothing(station):
    (tag,) = in_stock(1)
    station.scan(tag)
    before = movements()
    out = station.do("confirm")
    assert out.state == "refused" and "Who is it for?" in station.shown
    assert movements() == before and asset(tag).status == "in_stock"


def test_viewer_can_look_up_but_not_change(qtbot, demo_db):
    station = Station(qtbot, demo_db, operator("viewer"))
    assert station.page.role_note.isVisible()
    assert "Viewer" in station.page.role_note.text()
    person = m.Person.select().where(m.Person.active).first()
    refused(station, person.employee_id, person.name, "Your role (Viewer) may not")
    (tag,) = in_stock(1)
    refused(station, tag, tag, "Your role (Viewer) may not")
    station.mode("checkin")
    deployed = m.Asset.select().where(m.Asset.status == "deployed").first()
    refused(station, deployed.tag, "Your role (Viewer) may not")


def test_a_bug_shows_a_polite_message_and_logs_the_traceback(station, monkeypatch, caplog):
    import ui.scan_station.page as page_module

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(page_module, "resolve", broken)
    with caplog.at_level(logging.ERROR, logger="ui.scan_station.page"):
        refused(station, "IT-000002", "Something went wrong; nothing was changed",
                "details are in the log")
    assert "boom" not in station.shown
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)
