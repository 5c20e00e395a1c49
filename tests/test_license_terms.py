"""Licenses renewed (a new term; the seats carry over), edited and retired, through the
operations layer and the command line; seats assigned and released from the command line;
devices checked out to a place from the command line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from inventory import models as m
from inventory import operations
from inventory.commands import AssignSeat, EditLicense, RenewLicense, RetireLicense
from inventory.errors import InvalidState, PermissionDenied, ValidationError
from inventory.queries.licenses import renewal_due_ids
from inventory.renewals import add_months
from main import main

from .world import build


@pytest.fixture
def world(db):
    return build(db)


def m365() -> m.License:
    return m.License.select().join(m.Product).where(m.Product.name == "Microsoft 365 E3").get()


def held() -> int:
    return (m.LicenseSeat.select().where((m.LicenseSeat.license == m365().id)
                                         & m.LicenseSeat.released_at.is_null()).count())


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_renew_starts_the_day_after_the_end_keeps_seats_and_files_the_old_term(world):
    db, op = world.db, world.admin
    lic = m365()
    operations.execute(db, op, AssignSeat(lic.id, person="E1"))
    v = operations.execute(db, op, RenewLicense(lic.id, seats=5,
                                                cost_per_seat=Decimal("38.50"))).view
    assert (v.starts_on, v.ends_on, v.seats, v.used) == (date(2027, 1, 2), date(2028, 1, 1),
                                                         5, 1)
    assert v.cost_per_seat == Decimal("38.50") and v.terms == 1
    term = m.LicenseTerm.get(m.LicenseTerm.license == lic.id)
    assert (term.starts_on, term.ends_on, term.seats, term.cost_per_seat) == (
        date(2026, 1, 1), date(2027, 1, 1), 2, Decimal("36.00"))
    assert held() == 1  # Ada's seat carried over


def test_renewal_refusals_change_nothing(world):
    db, op = world.db, world.admin
    lic = m365()
    operations.execute(db, op, AssignSeat(lic.id, person="E1"))
    operations.execute(db, op, AssignSeat(lic.id, person="E2"))
    cases = [
        (RenewLicense(lic.id, seats=1), InvalidState, "seats"),
        (RenewLicense(lic.id, starts_on=date(2025, 6, 1)), ValidationError, "starts_on"),
        (RenewLicense(lic.id, ends_on=date(2027, 1, 1), starts_on=date(2027, 2, 1)),
         ValidationError, "ends_on"),
        (RenewLicense(lic.id, cost_per_seat="-1"), ValidationError, "cost_per_seat"),
        (RenewLicense(lic.id, seats=10**9), ValidationError, "seats"),
        (RenewLicense(lic.id, term_months=0), ValidationError, "term_months"),
    ]
    for command, error, field in cases:
        with pytest.raises(error) as exc:
            operations.execute(db, op, command)
        assert exc.value.field == field, command
    assert m.LicenseTerm.select().count() == 0
    assert (m365().seats, m365().ends_on) == (2, date(2027, 1, 1))


def test_edit_changes_the_current_term_without_filing_one(world):
    db, op = world.db, world.admin
    v = operations.execute(db, op, EditLicense(m365().id, (
        ("seats", 4), ("vendor", "CDW"), ("reference", "EA-7"),
        ("renewal_lead_days", 60)))).view
    assert v.seats == 4 and v.terms == 0
    lic = m365()
    assert (lic.vendor.name, lic.reference, lic.renewal_lead_days) == ("CDW", "EA-7", 60)
    with pytest.raises(ValidationError) as exc:
        operations.execute(db, op, EditLicense(lic.id, (("ends_on", date(2025, 1, 1)),)))
    assert exc.value.field == "ends_on"
    with pytest.raises(ValidationError):
        operations.execute(db, op, EditLicense(lic.id, (("starts_on", date(2025, 1, 1)),)))


def test_retire_releases_every_seat_and_leaves_the_renewal_list(world, today):
    db, op = world.db, world.admin
    lic = m365()
    operations.execute(db, op, AssignSeat(lic.id, person="E1"))
    operations.execute(db, op, AssignSeat(lic.id, asset="SN-A"))
    operations.execute(db, op, EditLicense(lic.id, (("ends_on", date(today.year + 1, 1, 1)),
                                                    ("renewal_lead_days", 400))))
    assert lic.id in renewal_due_ids(today)
    result = operations.execute(db, op, RetireLicense(lic.id))
    assert result.view.released == 2 and held() == 0
    assert len(result.movement_ids) == 2
    assert lic.id not in renewal_due_ids(today)
    assert m365().retired_on == today
    for command in (RenewLicense(lic.id), AssignSeat(lic.id, person="E2"),
                    RetireLicense(lic.id)):
        with pytest.raises(InvalidState, match="retired"):
            operations.execute(db, op, command)


def test_only_catalogue_roles_renew_or_retire(world):
    desk = world.operator("service_desk")
    for command in (RenewLicense(m365().id), RetireLicense(m365().id)):
        with pytest.raises(PermissionDenied):
            operations.execute(world.db, desk, command)
    assert m365().retired_on is None and m.LicenseTerm.select().count() == 0


def test_license_command_renews_edits_and_retires(world, db_url, capsys):
    base = ["--database", db_url, "license"]
    assert main([*base, "renew", "Microsoft 365 E3", "--seats", "3", "--cost", "40"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == ("renewed Microsoft 365 E3: 2027-01-02 to 2028-01-01, 3 seats "
                           "(0 in use) at 40.00 a seat; the seats carry over")
    assert main([*base, "edit", str(m365().id), "--open-ended", "--ref", "EA-9"]) == 0
    assert "to open-ended" in capsys.readouterr().out
    assert main([*base, "edit", str(m365().id), "--seats", "-1"]) == 1
    assert "cannot be negative" in capsys.readouterr().err
    assert main([*base, "retire", "Microsoft 365 E3"]) == 0
    assert "0 seats released" in capsys.readouterr().out
    assert main([*base, "retire", "Microsoft 365 E3"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "was retired on" in err[0]


def test_seat_command_assigns_and_releases_to_people_and_devices(world, db_url, capsys):
    base = ["--database", db_url, "seat"]
    assert main([*base, "assign", "Microsoft 365 E3", "--to", "E1"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Ada Lovelace has a seat of Microsoft 365 E3: 1 of 2 in use")
    assert main([*base, "assign", str(m365().id), "--to", "SN-A"]) == 0
    assert "2 of 2 in use" in capsys.readouterr().out
    assert main([*base, "assign", "Microsoft 365 E3", "--to", "E2"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "All 2 seats" in err[0]
    assert main([*base, "release", "Microsoft 365 E3", "--to", "E1"]) == 0
    assert "gave back a seat" in capsys.readouterr().out and held() == 1
    assert main([*base, "release", "Microsoft 365 E3", "--to", "E1"]) == 1
    assert "holds no seat" in capsys.readouterr().err
    assert main([*base, "assign", "Nope 2000", "--to", "E1"]) == 1
    assert "No license 'Nope 2000'" in capsys.readouterr().err


def test_checkout_to_a_location_from_the_command_line(world, db_url, capsys):
    base = ["--database", db_url, "checkout"]
    a = m.Asset.get(m.Asset.serial == "SN-A")
    assert main([*base, "SN-A", "--to-location", "SR-HQ2"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"checked out {a.tag} (Latitude 7440) to HQ second room")
    a = m.Asset.get_by_id(a.id)
    assert (a.status, a.location.code, a.holder) == ("deployed", "SR-HQ2", None)
    for args, text in [(["SN-B"], "one of them"),
                       (["SN-B", "--to", "E1", "--to-location", "SR-HQ2"], "one of them"),
                       (["SN-B", "--to-location", "3PL-NW"], "a place on a site"),
                       (["SN-B", "--to-location", "NOWHERE"], "No location")]:
        assert main([*base, *args]) == 1, args
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and text in err[0], err
    assert m.Asset.get(m.Asset.serial == "SN-B").status == "in_stock"


def test_a_version_8_database_gets_license_terms_and_keeps_its_licenses(tmp_path):
    from inventory.db import open_database
    from inventory.schema import CURRENT_VERSION, MIGRATIONS, ensure_schema, schema_version
    from inventory.storage import open_store

    path = tmp_path / "v8.sqlite"
    old = open_database(str(path))
    ensure_schema(old, {v: f for v, f in MIGRATIONS.items() if v <= 8})
    old.execute_sql("DROP TABLE license_term")  # as a v8 file has it: v1's tables were older
    old.execute_sql("ALTER TABLE license DROP COLUMN retired_on")
    old.execute_sql("INSERT INTO product (name, kind, manufacturer, category, part_number, "
                    "unit_cost, keep_spares, end_of_life, active) VALUES "
                    "('Visio', 'license', '', '', '', 0, 0, 0, 1)")
    old.execute_sql("INSERT INTO license (product_id, license_type, seats, cost_per_seat, "
                    "term_months, starts_on, notice_days, renewal_lead_days, allow_overuse, "
                    "reference) VALUES (1, 'per_user', 5, 10, 12, '2026-01-01', 30, 30, 0, '')")
    old.close()
    db = open_store(str(path))
    assert schema_version(db) == CURRENT_VERSION
    lic = m.License.get()
    assert (lic.seats, lic.retired_on) == (5, None)
    assert m.LicenseTerm.select().count() == 0
    db.close()


def test_the_letterhead_is_kept_for_every_desk_and_bounded(world):
    from inventory import letterhead
    from inventory.commands_admin import SaveLetterhead

    db, op = world.db, world.admin
    operations.execute(db, op, SaveLetterhead((("company", "  Northwind IT "),
                                               ("address", "1 Road\nTown"))))
    head = letterhead.load(db)
    assert (head.company, head.address, head.email) == ("Northwind IT", "1 Road\nTown", "")
    with pytest.raises(ValidationError) as exc:
        operations.execute(db, op, SaveLetterhead((("email", "x" * 5000),)))
    assert exc.value.field == "email"
    with pytest.raises(PermissionDenied):
        operations.execute(db, world.operator("service_desk"),
                           SaveLetterhead((("company", "Mine now"),)))
    assert letterhead.load(db).company == "Northwind IT"


def test_the_new_writes_hold_on_each_backend(store):
    """Offers, license terms, draft edits, check-out to a place, operators: SQLite and
    PostgreSQL alike (one unit of work each, refusals change nothing)."""
    from inventory.commands import (
        AddOffer,
        AddOperator,
        CheckOut,
        CreateOrder,
        EditOffer,
        EditOrder,
        RemoveOffer,
        SetPassword,
    )
    from inventory.commands_admin import DisableOperator

    db, _ = store
    w = build(db)
    op = w.admin
    run = operations.execute
    run(db, op, AddOffer("CDW", "LAT7440", unit_price=1400, lead_time_days=9))
    run(db, op, EditOffer("CDW", "LAT7440", (("preferred", True), ("pack_size", 2))))
    assert m.SupplierOffer.select().where(m.SupplierOffer.preferred).count() == 1
    run(db, op, RemoveOffer("CDW", "LAT7440"))
    lic = m365()
    run(db, op, AssignSeat(lic.id, person="E1"))
    v = run(db, op, RenewLicense(lic.id, seats=3)).view
    assert (v.seats, v.used, v.terms) == (3, 1, 1)
    assert run(db, op, RetireLicense(lic.id)).view.released == 1
    order = run(db, op, CreateOrder("CDW", "SR-HQ", (("CHG65", 10),))).view
    edited = run(db, op, EditOrder(order.number, ship_to="SR-BR",
                                   lines=(("CHG65", 30, "33.30"), ("LAT7440", 1, None)))).view
    assert edited.ship_to == "Branch stockroom"
    assert [(p, q, price) for p, q, _, price in edited.lines] == [
        ("USB-C charger 65 W", 30, Decimal("33.30")), ("Latitude 7440", 1, Decimal("1450.00"))]
    with pytest.raises(ValidationError):
        run(db, op, EditOrder(order.number, lines=(("CHG65", 0, None),)))
    assert len(run(db, op, EditOrder(order.number)).view.lines) == 2
    tag = m.Asset.get(m.Asset.serial == "SN-A").tag
    assert run(db, op, CheckOut(tag, location="SR-HQ2")).view.location == "HQ second room"
    run(db, op, SetPassword(op.username, "founding-admin-pw"))
    run(db, op, AddOperator("desk9", "service_desk", "desk9-password"))
    run(db, op, DisableOperator("desk9"))
    assert not m.Operator.get(m.Operator.username == "desk9").active
