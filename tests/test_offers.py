"""Supplier offers: created, changed and removed through the operations layer, from the
`offer` command and by importing a file (kind `offers`, in the shipped template)."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from inventory import models as m
from inventory import operations
from inventory.commands import AddOffer, EditOffer, RemoveOffer
from inventory.errors import Duplicate, NotFound, PermissionDenied, ValidationError
from inventory.exchange.fields import KINDS
from inventory.exchange.importer import import_file
from inventory.exchange.template import template_dir
from inventory.services import catalog
from main import main

from .world import build


def offer(product: str, supplier: str) -> m.SupplierOffer | None:
    return (m.SupplierOffer.select().join(m.Product).switch(m.SupplierOffer).join(m.Supplier)
            .where(((m.Product.part_number == product) | (m.Product.name == product))
                   & (m.Supplier.name == supplier)).first())


@pytest.fixture
def world(db):
    w = build(db)
    catalog.create_supplier(db, w.admin, "Insight", lead_time_days=10)
    return w


def test_edit_changes_only_what_is_given_and_one_offer_stays_preferred(world):
    db, op = world.db, world.admin
    operations.execute(db, op, AddOffer("Insight", "CHG65", unit_price=Decimal("33.10"),
                                        lead_time_days=9, preferred=True))
    assert offer("CHG65", "Insight").preferred and not offer("CHG65", "CDW").preferred
    v = operations.execute(db, op, EditOffer("CDW", "CHG65", (
        ("unit_price", "31.90"), ("min_order", 20), ("preferred", True)))).view
    assert (v.unit_price, v.min_order, v.pack_size, v.lead_time_days) == (
        Decimal("31.90"), 20, 10, 5.0)
    assert offer("CHG65", "CDW").preferred and not offer("CHG65", "Insight").preferred


def test_remove_hands_preference_to_the_fastest_remaining_offer(world):
    db, op = world.db, world.admin
    operations.execute(db, op, AddOffer("Insight", "CHG65", unit_price=30, lead_time_days=9))
    operations.execute(db, op, EditOffer("CDW", "CHG65", (("preferred", True),)))
    result = operations.execute(db, op, RemoveOffer("CDW", "CHG65"))
    assert offer("CHG65", "CDW") is None and offer("CHG65", "Insight").preferred
    assert "catalog" in result.changes.kinds and "stock" in result.changes.kinds


def test_bad_offers_change_nothing_and_name_their_field(world):
    db, op = world.db, world.admin
    before = offer("CHG65", "CDW").unit_price
    cases = [
        (EditOffer("CDW", "CHG65", (("unit_price", "-3"),)), ValidationError, "unit_price"),
        (EditOffer("CDW", "CHG65", (("pack_size", 10**9),)), ValidationError, "pack_size"),
        (EditOffer("CDW", "CHG65", (("lead_time_days", 0),)), ValidationError,
         "lead_time_days"),
        (EditOffer("CDW", "CHG65", (("supplier_part", "x" * 500),)), ValidationError,
         "supplier_part"),
        (EditOffer("Insight", "CHG65", (("unit_price", 1),)), NotFound, "supplier"),
        (AddOffer("CDW", "CHG65", unit_price=1, lead_time_days=3), Duplicate, "supplier"),
        (RemoveOffer("Nobody Ltd", "CHG65"), NotFound, "supplier"),
    ]
    for command, error, field in cases:
        with pytest.raises(error) as exc:
            operations.execute(db, op, command)
        assert exc.value.field == field, command
    assert offer("CHG65", "CDW").unit_price == before
    assert m.SupplierOffer.select().count() == 1


def test_a_service_desk_operator_may_not_change_offers(world):
    desk = world.operator("service_desk")
    with pytest.raises(PermissionDenied):
        operations.execute(world.db, desk, EditOffer("CDW", "CHG65", (("unit_price", 1),)))
    with pytest.raises(PermissionDenied):
        operations.execute(world.db, desk, RemoveOffer("CDW", "CHG65"))
    assert offer("CHG65", "CDW").unit_price == Decimal("35.00")


def test_offer_command_adds_edits_lists_and_removes(world, db_url, capsys):
    base = ["--database", db_url, "offer"]
    assert main([*base, "add", "CHG65", "--supplier", "Insight", "--price", "32.40",
                 "--lead-time", "8", "--pack", "5", "--min-order", "10", "--part", "INS-1",
                 "--preferred"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("offer added: USB-C charger 65 W\tInsight\t32.40\tpack 5\tmin 10")
    assert "preferred" in out
    assert main([*base, "edit", "CHG65", "--supplier", "Insight", "--price", "30"]) == 0
    assert "\t30.00\t" in capsys.readouterr().out
    assert main([*base, "list", "CHG65"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split("\t")[1] for ln in lines] == ["Insight", "CDW"]  # preferred first
    assert main([*base, "remove", "CHG65", "--supplier", "Insight"]) == 0
    assert "Insight no longer offers USB-C charger 65 W" in capsys.readouterr().out
    assert offer("CHG65", "Insight") is None


def test_offer_command_refuses_in_one_line(world, db_url, capsys):
    base = ["--database", db_url, "offer"]
    for args, text in [
        (["add", "CHG65", "--supplier", "Insight"], "needs --price and --lead-time"),
        (["add", "CHG65", "--supplier", "Insight", "--price", "3", "--lead-time", "9999"],
         "at most 730 days"),
        (["edit", "CHG65", "--supplier", "CDW"], "Say what changes"),
        (["edit", "NOPE", "--supplier", "CDW", "--price", "3"], "No product"),
        (["remove", "CHG65"], "Name the product and the supplier"),
    ]:
        assert main([*base, *args]) == 1, args
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: ") and text in err[0], err
    assert offer("CHG65", "CDW").unit_price == Decimal("35.00")
    assert offer("CHG65", "Insight") is None


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_import_creates_updates_and_refuses_offers(world, tmp_path):
    db, op = world.db, world.admin
    path = write_csv(tmp_path / "offers.csv", [
        ["Product", "Supplier", "Unit price", "Pack size", "Minimum order", "Lead time days",
         "Supplier part number", "Preferred"],
        ["CHG65", "CDW", "34.00", "", "20", "", "", "no"],  # update: price, minimum
        ["USB-C charger 65 W", "Insight", "31.50", "5", "", "", "INS-9", "yes"],  # new
        ["Latitude 7440", "Insight", "", "", "", "12", "", ""],  # new without a price
        ["Latitude 7440", "Nobody Ltd", "1400", "", "", "", "", ""],  # unknown supplier
        ["No such product", "CDW", "10", "", "", "", "", ""],
        ["CHG65", "CDW", "33.00", "", "", "", "", ""],  # the same offer twice
    ])
    report = import_file(db, op, path)
    assert report.kind == "offers"
    actions = [(r.row, r.action) for r in report.rows]
    assert actions == [(2, "update"), (3, "create"), (4, "refuse"), (5, "refuse"),
                       (6, "refuse"), (7, "refuse")]
    messages = {r.row: r.message for r in report.rows}
    assert "needs a Unit price" in messages[4] and "Unknown supplier" in messages[5]
    assert "Unknown product" in messages[6] and "also on row 2" in messages[7]
    cdw, ins = offer("CHG65", "CDW"), offer("CHG65", "Insight")
    assert (cdw.unit_price, cdw.min_order, cdw.pack_size) == (Decimal("34.00"), 20, 10)
    assert (ins.unit_price, ins.pack_size, ins.supplier_part, ins.preferred) == (
        Decimal("31.50"), 5, "INS-9", True)
    assert ins.lead_time_days == 10  # none in the file: the supplier's
    assert not cdw.preferred
    again = import_file(db, op, path)
    assert [r.action for r in again.rows[:2]] == ["unchanged", "unchanged"]


def test_import_creates_a_missing_supplier_when_asked(world, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Product", "Supplier", "Unit price"],
                                          ["CHG65", "Bechtle", "36"]])
    report = import_file(world.db, world.admin, path, kind="offers", create_missing=True)
    assert [r.action for r in report.rows] == ["create"]
    assert offer("CHG65", "Bechtle").supplier.lead_time_days == 14


def test_import_holds_offers_to_the_limits(world, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Product", "Supplier", "Unit price", "Pack size"],
                                          ["CHG65", "Insight", "10", "9999999"],
                                          ["CHG65", "CDW", "99999999999", ""]])
    report = import_file(world.db, world.admin, path, kind="offers")
    assert [r.action for r in report.rows] == ["refuse", "refuse"]
    assert offer("CHG65", "Insight") is None
    assert offer("CHG65", "CDW").unit_price == Decimal("35.00")


def test_the_template_has_an_offers_sheet_and_csv(world):
    from openpyxl import load_workbook

    folder = template_dir()
    with open(folder / "offers.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [fld.label for fld in KINDS["offers"].fields]
    book = load_workbook(folder / "stockroom-import-template.xlsx", read_only=True)
    assert "offers" in book.sheetnames
    # The template's example rows are read as offers: the charger's is planned, the toner
    # is not in this catalogue.
    report = import_file(world.db, world.admin, folder / "offers.csv", dry_run=True)
    assert report.kind == "offers"
    assert [r.action for r in report.rows] == ["update", "refuse"]
