"""Importing people, locations, suppliers, licenses and stock quantities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from inventory import models as m
from inventory.exchange.importer import import_file
from inventory.services.ledger import on_hand
from inventory.services.verify import verify

from .test_import_assets import setup_catalog, write_csv


@pytest.fixture
def shop(db, admin):
    setup_catalog(db, admin)
    return db, admin


def test_people_keyed_by_employee_id(shop, tmp_path):
    db, op = shop
    path = write_csv(tmp_path / "people.csv", [
        ["Employee ID", "First name", "Last name", "E-mail", "Dept", "Office", "Leaving date"],
        ["E1", "Ann", "Lee-Smith", "", "Finance", "", ""],  # rename; empty cells keep values
        ["E3", "Cy", "Dee", "cy@example.com", "Sales", "SITE-BR", ""],
        ["E4", "Di", "Eve", "", "", "Mars office", ""],
        ["E5", "", "", "", "", "", ""],
        ["E3", "Cy", "Again", "", "", "", ""],
        ["E6", "Old", "Timer", "", "", "", "2020-01-31"],
    ])
    report = import_file(db, op, path)  # kind guessed from the headers
    assert report.kind == "people"
    assert [r.action for r in report.rows] == ["update", "create", "refuse", "refuse",
                                               "refuse", "create"]
    assert "Unknown site 'Mars office'" in report.rows[2].message
    assert "No name" in report.rows[3].message
    assert "also on row 3" in report.rows[4].message
    ann = m.Person.get(m.Person.employee_id == "E1")
    assert (ann.name, ann.email, ann.department) == ("Ann Lee-Smith", "ann@example.com",
                                                     "Finance")
    old = m.Person.get(m.Person.employee_id == "E6")
    assert old.active is False and old.left_on == date(2020, 1, 31)
    assert import_file(db, op, path).count("update") == 0


def test_locations_with_parents_later_in_the_file(shop, tmp_path):
    db, op = shop
    path = write_csv(tmp_path / "loc.csv", [
        ["Code", "Name", "Type", "Parent", "Partner"],
        ["BIN-A1", "Bin A1", "bin", "ROOM-2", ""],
        ["ROOM-2", "Room 2", "", "SITE-BR", ""],
        ["3PL-X", "X Logistics", "Third party logistics", "", "X Ltd"],
        ["BAD", "Bad", "spaceship", "", ""],
        ["ORPH", "Orphan", "", "NOWHERE", ""],
        ["SITE-HQ", "Head office (main)", "", "", ""],
    ])
    report = import_file(db, op, path, kind="locations")
    assert [r.action for r in report.rows] == ["create", "create", "create", "refuse",
                                               "refuse", "update"]
    assert "spaceship" in report.rows[3].message
    bin_a1 = m.Location.get(m.Location.code == "BIN-A1")
    assert (bin_a1.kind, bin_a1.parent.code, bin_a1.parent.parent.code) == (
        "stockroom", "ROOM-2", "SITE-BR")
    assert m.Location.get(m.Location.code == "3PL-X").kind == "3pl"
    assert m.Location.get(m.Location.code == "SITE-HQ").name == "Head office (main)"
    assert import_file(db, op, path, kind="locations").count("unchanged") == 4


def test_suppliers_and_licenses(shop, tmp_path):
    db, op = shop
    sup = write_csv(tmp_path / "sup.csv", [["Supplier", "Email", "Lead time (days)"],
                                           ["CDW", "o@cdw.example", "7"],
                                           ["Insight", "", "12,5"]])
    assert import_file(db, op, sup, kind="suppliers").count("create") == 2
    assert m.Supplier.get(m.Supplier.name == "Insight").lead_time_days == 12.5
    lic = write_csv(tmp_path / "lic.csv", [
        ["Software", "Seats", "Start date", "End date", "License type", "Vendor", "Cost",
         "Contract"],
        ["Microsoft 365 E3", "250", "2024-01-01", "2024-12-31", "Subscription", "CDW",
         "33,60", "EA-1"],
        ["Adobe Acrobat", "10", "2024-02-01", "2025-01-31", "named user", "Nobody Inc", "",
         "AD-1"],
        ["Dell Latitude 7440", "5", "2024-01-01", "", "", "", "", "X"],
        ["Visio", "5", "2024-05-01", "2024-04-01", "", "", "", "V-1"]])
    report = import_file(db, op, lic, kind="licenses")
    assert [r.action for r in report.rows] == ["refuse", "refuse", "refuse", "refuse"]
    assert "Unknown license product" in report.rows[0].message
    assert "not a license product" in report.rows[2].message
    report = import_file(db, op, lic, kind="licenses", create_missing=True)
    assert [r.action for r in report.rows] == ["create", "create", "refuse", "refuse"]
    assert "not after" in report.rows[3].message
    e3 = m.License.get(m.License.reference == "EA-1")
    assert (e3.seats, e3.license_type, e3.cost_per_seat, e3.vendor.name) == (
        250, "subscription", Decimal("33.60"), "CDW")
    assert m.License.get(m.License.reference == "AD-1").license_type == "per_user"
    more = write_csv(tmp_path / "lic2.csv", [["Product", "Seats", "Reference"],
                                             ["Microsoft 365 E3", "300", "EA-1"]])
    upd = import_file(db, op, more, kind="licenses")
    assert upd.rows[0].action == "update" and "seats → 300" in upd.rows[0].message
    assert m.License.select().count() == 2


def test_stock_counts_post_the_difference(shop, tmp_path):
    db, op = shop
    path = write_csv(tmp_path / "stock.csv", [
        ["Product", "Location", "Quantity", "Kind", "Unit cost"],
        ["USB-C charger 65 W", "LOC-HQ-SR", "20", "", ""],
        ["HDMI cable 2 m", "LOC-HQ-SR", "15", "consumable", "4.50"],
        ["Dell Latitude 7440", "LOC-HQ-SR", "3", "", ""],
        ["USB-C charger 65 W", "LOC-HQ-SR", "25", "", ""],
        ["CHG-65W", "SITE-BR", "-1", "", ""],
        ["CHG-65W", "Shelf Z", "1", "", ""],
    ])
    report = import_file(db, op, path, kind="stock", create_missing=True)
    assert [r.action for r in report.rows] == ["create", "create", "refuse", "refuse",
                                               "refuse", "create"]
    assert "import it as assets" in report.rows[2].message
    assert "also on row 2" in report.rows[3].message
    assert "negative" in report.rows[4].message
    charger = m.Product.get(m.Product.part_number == "CHG-65W")
    hq = m.Location.get(m.Location.code == "LOC-HQ-SR")
    assert on_hand(charger.id, hq.id) == 20
    hdmi = m.Product.get(m.Product.name == "HDMI cable 2 m")
    assert (hdmi.kind, hdmi.unit_cost) == ("consumable", Decimal("4.50"))
    assert verify(db).ok
    counted = write_csv(tmp_path / "count.csv", [["Product", "Location", "Quantity"],
                                                 ["USB-C charger 65 W", "LOC-HQ-SR", "17"],
                                                 ["HDMI cable 2 m", "LOC-HQ-SR", "15"]])
    report = import_file(db, op, counted, kind="stock")
    assert [r.action for r in report.rows] == ["update", "unchanged"]
    assert on_hand(charger.id, hq.id) == 17
    last = m.Movement.select().order_by(m.Movement.id.desc()).first()
    assert (last.kind, last.quantity, last.from_location_id, last.source) == (
        "count", 3, hq.id, "import")
    assert verify(db).ok


def test_service_desk_cannot_count_stock(shop, tmp_path):
    from inventory.errors import PermissionDenied
    from inventory.operators import OperatorRef

    db, _ = shop
    desk = OperatorRef(42, "desk", "Desk", "service_desk")
    path = write_csv(tmp_path / "s.csv", [["Product", "Location", "Quantity"],
                                          ["CHG-65W", "LOC-HQ-SR", "1"]])
    with pytest.raises(PermissionDenied, match="Service desk"):
        import_file(db, desk, path, kind="stock")


def test_mapping_errors_are_explained(shop, tmp_path):
    from inventory.errors import ValidationError

    db, op = shop
    path = write_csv(tmp_path / "x.csv", [["Name", "Colour"], ["a", "b"]])
    with pytest.raises(ValidationError, match="Map a column to Employee id"):
        import_file(db, op, path, kind="people")
    with pytest.raises(ValidationError, match="no column Nope"):
        import_file(db, op, path, kind="people", mapping={"employee_id": "Nope"})
    with pytest.raises(ValidationError, match="Unknown kind 'cars'"):
        import_file(db, op, path, kind="cars")
