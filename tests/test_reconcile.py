"""A 3PL statement against the book: matches, shortages, surpluses, unknown serials,
devices booked elsewhere; approval posts adjustments with the statement as reference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from inventory import models as m
from inventory.errors import PermissionDenied
from inventory.exchange.reconcile import reconcile
from inventory.operators import OperatorRef
from inventory.services import assets, catalog, receiving
from inventory.services.ledger import on_hand
from inventory.services.verify import verify

from .test_import_assets import setup_catalog, write_csv

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def partner(db, admin):
    setup_catalog(db, admin)
    catalog.create_location(db, admin, "Northwind (3PL)", "3PL-NW", "3pl", partner="Northwind")
    catalog.create_product(db, admin, "Toner 26A", "consumable", part_number="CF226A",
                           gtin="4006381333931")
    receiving.receive(db, admin, "3PL-NW", [
        receiving.ReceiptLine("CHG-65W", 40), receiving.ReceiptLine("CF226A", 10),
        receiving.ReceiptLine("LAT7440", serials=["SER-1", "SER-2", "SER-3"])])
    receiving.receive(db, admin, "LOC-HQ-SR", [
        receiving.ReceiptLine("LAT7440", serials=["SER-HQ", "SER-OUT"])])
    assets.check_out(db, admin, m.Asset.get(m.Asset.serial == "SER-OUT").tag, person="E1")
    return db, admin


def _statement(tmp_path, rows):
    return write_csv(tmp_path / "statement.csv",
                     [["SKU", "Description", "Serial No", "Qty on hand"], *rows], sep=";")


def test_book_versus_statement_then_approval(partner, tmp_path):
    db, op = partner
    path = _statement(tmp_path, [
        ["CHG-65W", "Charger", "", "37"],            # shortage of 3
        ["4006381333931", "Toner", "", "12"],        # surplus of 2 (by GTIN)
        ["LAT7440", "Laptop", "SER-1", "1"],         # match
        ["LAT7440", "Laptop", "SER-2", ""],          # match (quantity 1 implied)
        ["LAT7440", "Laptop", "SER-HQ", "1"],        # we book it at HQ: move it
        ["LAT7440", "Laptop", "SER-OUT", "1"],       # deployed to Ann: check by hand
        ["LAT7440", "Laptop", "SER-NEW", "1"],       # unknown serial
        ["XYZ-1", "Mystery box", "", "4"],           # unknown product
    ])                                               # SER-3 missing: mark lost
    rec = reconcile(db, op, path, "3PL-NW")
    by = {(ln.status, ln.serial or ln.product): ln for ln in rec.lines}
    assert by[("shortage", "USB-C charger 65 W")].action == "count 40 → 37"
    assert by[("surplus", "Toner 26A")].difference == 2
    assert ("match", "SER-1") in by and ("match", "SER-2") in by
    assert by[("elsewhere", "SER-HQ")].action.startswith("move to 3PL-NW")
    assert "deployed (Ann Lee)" in by[("review", "SER-OUT")].note
    assert ("unknown_serial", "SER-NEW") in by
    assert ("unknown_product", "XYZ-1") in by
    assert by[("shortage", "SER-3")].action == "mark lost"
    assert len(rec.to_post) == 4
    assert not m.Movement.select().where(m.Movement.source == "import").exists()

    desk = OperatorRef(op.id, op.username, op.name, "supply_chain")
    with pytest.raises(PermissionDenied):
        reconcile(db, desk, path, "3PL-NW", approve=True)

    done = reconcile(db, op, path, "3PL-NW", approve=True, reference="NW-2024-06")
    assert done.approved and done.posted == 4
    nw, charger = m.Location.get(m.Location.code == "3PL-NW"), m.Product.get(
        m.Product.part_number == "CHG-65W")
    assert on_hand(charger.id, nw.id) == 37
    hq_laptop = m.Asset.get(m.Asset.serial == "SER-HQ")
    assert (hq_laptop.location_id, hq_laptop.status) == (nw.id, "in_stock")
    assert m.Asset.get(m.Asset.serial == "SER-3").status == "lost"
    assert m.Asset.get(m.Asset.serial == "SER-OUT").status == "deployed"
    posted = m.Movement.select().where(m.Movement.reference == "NW-2024-06")
    assert sorted(mv.kind for mv in posted) == ["adjust", "count", "count", "lost"]
    assert verify(db).ok

    again = reconcile(db, op, path, "3PL-NW", approve=True, reference="NW-2024-06")
    assert again.posted == 0 and not again.to_post
    assert verify(db).ok


def test_a_lost_device_found_on_the_statement_comes_back(partner, tmp_path):
    db, op = partner
    tag = m.Asset.get(m.Asset.serial == "SER-3").tag
    assets.mark_lost(db, op, tag, "not found at the last count")
    path = _statement(tmp_path, [["", "", s, "1"] for s in ("SER-1", "SER-2", "SER-3")]
                      + [["CHG-65W", "", "", "40"], ["CF226A", "", "", "10"]])
    rec = reconcile(db, op, path, "3PL-NW", approve=True)
    assert [ln.status for ln in rec.lines if ln.status != "match"] == ["elsewhere"]
    assert m.Asset.get(m.Asset.tag == tag).status == "in_stock"
    assert verify(db).ok


def test_statement_without_codes_is_explained(partner, tmp_path):
    from inventory.errors import ValidationError

    db, op = partner
    path = write_csv(tmp_path / "s.csv", [["Colour", "Weight"], ["red", "2"]])
    with pytest.raises(ValidationError, match="no column for a product code or a serial"):
        reconcile(db, op, path, "3PL-NW")


def test_reconcile_command(partner, db_url, tmp_path):
    db, _ = partner
    path = _statement(tmp_path, [["CHG-65W", "", "", "41"]])
    db.close()

    def run(*args):
        return subprocess.run([sys.executable, "main.py", "--database", db_url, "reconcile",
                               str(path), "--location", "3PL-NW", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    looked = run("--report", str(tmp_path / "report.xlsx"))
    assert looked.returncode == 0, looked.stderr
    assert "surplus: USB-C charger 65 W: book 40, statement 41 -> count 40 → 41" in looked.stdout
    assert "--approve" in looked.stderr and (tmp_path / "report.xlsx").exists()
    approved = run("--approve")
    assert approved.returncode == 0 and "adjustments posted" in approved.stdout
    unknown = subprocess.run([sys.executable, "main.py", "--database", db_url, "reconcile",
                              str(path), "--location", "NOPE"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: No location 'NOPE'")


def _book(db):
    nw = m.Location.get(m.Location.code == "3PL-NW")
    levels = {sl.product.part_number: sl.quantity
              for sl in m.StockLevel.select().where(m.StockLevel.location == nw.id)}
    devices = {a.serial: a.status for a in m.Asset.select().where(m.Asset.location == nw.id)}
    return levels, devices, m.Movement.select().count()


def test_an_empty_statement_is_refused_and_changes_nothing(partner, tmp_path):
    from inventory.errors import ValidationError

    db, op = partner
    path = _statement(tmp_path, [])  # the header row only
    before = _book(db)
    with pytest.raises(ValidationError, match="lists nothing .*nothing changed"):
        reconcile(db, op, path, "3PL-NW", approve=True, complete=True)
    assert _book(db) == before
    db.close()
    r = subprocess.run([sys.executable, "main.py", "--database", str(db.database), "reconcile",
                        str(path), "--location", "3PL-NW", "--approve"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    assert r.stderr.startswith("error: statement.csv lists nothing")


def test_products_left_off_the_statement_are_reported_and_left_alone(partner, tmp_path):
    db, op = partner
    path = _statement(tmp_path, [["CHG-65W", "Charger", "", "38"]])  # no toner, no laptops
    before_levels, before_devices, _ = _book(db)
    rec = reconcile(db, op, path, "3PL-NW", approve=True)
    left = {(ln.product, ln.serial) for ln in rec.lines if ln.status == "not_on_statement"}
    laptop = m.Product.get(m.Product.part_number == "LAT7440").name
    assert left == {("Toner 26A", ""), (laptop, "SER-1"), (laptop, "SER-2"), (laptop, "SER-3")}
    assert all(not ln.action and "not on the statement" in ln.note
               for ln in rec.lines if ln.status == "not_on_statement")
    assert rec.posted == 1  # the charger count only
    levels, devices, _ = _book(db)
    assert levels["CF226A"] == before_levels["CF226A"] == 10
    assert levels["CHG-65W"] == 38
    assert devices == before_devices and set(devices.values()) == {"in_stock"}
    assert "not on the statement" in rec.summary()
    assert verify(db).ok


def test_a_complete_statement_counts_what_it_leaves_out_to_zero(partner, tmp_path, db_url):
    db, op = partner
    path = _statement(tmp_path, [["CHG-65W", "Charger", "", "40"]])
    rec = reconcile(db, op, path, "3PL-NW", complete=True)
    by = {(ln.status, ln.serial or ln.product): ln for ln in rec.lines}
    assert by[("shortage", "Toner 26A")].action == "count 10 → 0"
    assert {by[("shortage", s)].action for s in ("SER-1", "SER-2", "SER-3")} == {"mark lost"}
    assert not any(ln.status == "not_on_statement" for ln in rec.lines)
    db.close()
    r = subprocess.run([sys.executable, "main.py", "--database", db_url, "reconcile", str(path),
                        "--location", "3PL-NW", "--complete", "--approve"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "4 adjustments posted" in r.stdout
