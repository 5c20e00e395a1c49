"""Importing devices: presets, dry run then real run, awkward files, re-import, and an
import that fails or is killed part-way leaving the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from inventory import models as m
from inventory.exchange.importer import ImportOptions, import_file, run_import
from inventory.exchange.reading import read_table
from inventory.services import catalog
from inventory.services.verify import verify

ROOT = Path(__file__).resolve().parent.parent
SNIPE_HEADERS = ["ID", "Company", "Asset Name", "Asset Tag", "Model", "Model No.", "Category",
                 "Manufacturer", "Serial", "Purchased", "Cost", "Order Number", "Supplier",
                 "Location", "Status", "Checked Out To", "Employee No.", "Warranty",
                 "Warranty Expires", "Notes"]


def setup_catalog(db, op):
    catalog.create_location(db, op, "Head office", "SITE-HQ", "site")
    catalog.create_location(db, op, "HQ stockroom", "LOC-HQ-SR", "stockroom", parent="SITE-HQ")
    catalog.create_location(db, op, "Branch", "SITE-BR", "site")
    catalog.create_product(db, op, "Dell Latitude 7440", "device", manufacturer="Dell",
                           category="Laptop", part_number="LAT7440", unit_cost=1450)
    catalog.create_product(db, op, "USB-C charger 65 W", "spare", manufacturer="Dell",
                           part_number="CHG-65W", unit_cost=39)
    catalog.create_person(db, op, "E1", "Ann Lee", email="ann@example.com", site="SITE-HQ")
    catalog.create_person(db, op, "E2", "Bo Chen", site="SITE-BR")


@pytest.fixture
def shop(db, admin):
    setup_catalog(db, admin)
    return db, admin


def snipe_row(tag, serial, *, model="Dell Latitude 7440", status="Ready to Deploy",
              location="HQ stockroom", holder="", badge="", purchased="2024-01-15",
              cost="1,450.00", warranty="36", notes=""):
    return ["1", "ACME", "", tag, model, "", "Laptop", "Dell", serial, purchased, cost, "PO-9",
            "CDW", location, status, holder, badge, warranty, "", notes]


def write_csv(path: Path, rows, *, sep=",", encoding="utf-8", bom=False, eol="\r\n"):
    def cell(c):
        c = str(c)
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in (sep, '"', "\n")) else c
    text = eol.join(sep.join(cell(c) for c in r) for r in rows) + eol
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def counts():
    return (m.Asset.select().count(), m.Movement.select().count(), m.Product.select().count(),
            m.Location.select().count(), m.Person.select().count(),
            m.Supplier.select().count())


def test_snipeit_dry_run_then_real_run_then_reimport(shop, tmp_path):
    db, op = shop
    path = write_csv(tmp_path / "snipe.csv", [SNIPE_HEADERS,
        snipe_row("A-1", "SN1"),
        snipe_row("A-2", "SN2", status="Deployed", holder="Ann Lee"),
        snipe_row("A-3", "SN3", holder="Bo Chen", location=""),  # location from holder's site
        snipe_row("A-4", "SN4", model="Frobnicator 9000"),
        snipe_row("A-5", "SN5", location="Nowhere"),
        snipe_row("A-6", "SN6", status="Exploded"),
        snipe_row("A-7", "SN7", holder="Zed Unknown"),
        snipe_row("A-8", "SN8", status="Lost/Stolen", cost="-5"),
        snipe_row("A-9", "SN9", status="Broken", purchased="31/02/2024"),
    ])
    before = counts()
    dry = import_file(db, op, path, preset="snipeit", dry_run=True)
    assert counts() == before
    result = {r.row: (r.action, r.message) for r in dry.rows}
    assert [result[i][0] for i in range(2, 11)] == [
        "create", "create", "create", "refuse", "refuse", "refuse", "refuse", "refuse",
        "refuse"]
    assert "Unknown model 'Frobnicator 9000'" in result[5][1]
    assert "Unknown location 'Nowhere'" in result[6][1]
    assert "Status 'Exploded'" in result[7][1]
    assert "no person 'Zed Unknown'" in result[8][1]
    assert "cannot be negative" in result[9][1]
    assert "Purchased" in result[10][1] and "not a date" in result[10][1]
    assert "deployed" in result[3][1] and "Ann Lee" in result[3][1]

    real = import_file(db, op, path, preset="snipeit")
    assert [r.action for r in real.rows] == [r.action for r in dry.rows]
    assert real.movements == 3
    a2 = m.Asset.get(m.Asset.tag == "A-2")
    assert (a2.status, a2.holder.employee_id, a2.location.code) == ("deployed", "E1",
                                                                    "LOC-HQ-SR")
    assert a2.purchase_cost == Decimal("1450.00") and a2.warranty_end == date(2027, 1, 15)
    a3 = m.Asset.get(m.Asset.tag == "A-3")
    assert (a3.status, a3.location.code) == ("deployed", "SITE-BR")
    mv = m.Movement.get(m.Movement.asset == a2.id)
    assert (mv.kind, mv.source, mv.reference) == ("receive", "import", "PO-9")
    assert verify(db).ok

    again = import_file(db, op, path, preset="snipeit")
    assert again.count("unchanged") == 3 and again.count("create") == 0
    assert m.Asset.select().count() == before[0] + 3  # updated, not duplicated

    # the next export from the old tool: A-2 returned, A-1 handed to Bo
    path2 = write_csv(tmp_path / "snipe2.csv", [SNIPE_HEADERS,
        snipe_row("A-1", "SN1", status="Deployed", holder="E2"),
        snipe_row("A-2", "SN2", status="Ready to Deploy", notes="back from Ann")])
    upd = import_file(db, op, path2, preset="snipeit")
    assert [r.action for r in upd.rows] == ["update", "update"]
    a1, a2 = m.Asset.get(m.Asset.tag == "A-1"), m.Asset.get(m.Asset.tag == "A-2")
    assert (a1.status, a1.holder.name) == ("deployed", "Bo Chen")
    assert (a2.status, a2.holder, a2.notes) == ("in_stock", None, "back from Ann")
    assert m.Movement.select().where(m.Movement.kind == "adjust").count() == 2
    assert verify(db).ok


def test_create_missing_models_locations_people(shop, tmp_path):
    db, op = shop
    path = write_csv(tmp_path / "snipe.csv", [SNIPE_HEADERS,
        snipe_row("N-1", "X1", model="Frobnicator 9000", location="Lab 3"),
        snipe_row("N-2", "X2", model="Frobnicator 9000", location="lab 3", holder="New Hire",
                  badge="E77"),
    ])
    report = import_file(db, op, path, preset="snipeit", create_missing=True)
    assert report.count("create") == 2, report.rows
    assert sorted(report.created_records) == [
        "new location: Lab 3 (stockroom)", "new person: New Hire",
        "new product: Frobnicator 9000 (device)", "new supplier: CDW"]
    p = m.Product.get(m.Product.name == "Frobnicator 9000")
    assert (p.kind, p.manufacturer, p.category) == ("device", "Dell", "Laptop")
    assert m.Location.get(m.Location.name == "Lab 3").code == "LOC-LAB-3"
    assert m.Asset.get(m.Asset.tag == "N-2").holder.employee_id == "E77"
    assert verify(db).ok


def test_awkward_generic_file(shop, tmp_path):
    """Windows-1252, semicolons, a BOM-less header, quoted newlines, local dates with the
    day first, decimal commas, blank rows, a duplicate tag, a duplicate serial, a tagless
    row keyed by serial, and an unknown model."""
    db, op = shop
    rows = [["Asset tag", "Serial number", "Model", "Location", "Purchase date",
             "Purchase cost", "Notes"],
            ["G-1", "S-1", "Dell Latitude 7440", "LOC-HQ-SR", "25/12/2023", "1.234,50",
             "Büro Müller;\nzweite Zeile"],
            ["", "", "", "", "", "", ""],
            ["G-2", "S-2", "LAT7440", "loc-hq-sr", "03/04/2024", "99", ""],
            ["G-1", "S-9", "Dell Latitude 7440", "LOC-HQ-SR", "", "", ""],
            ["G-3", "S-2", "Dell Latitude 7440", "LOC-HQ-SR", "", "", ""],
            ["", "S-4", "Dell Latitude 7440", "LOC-HQ-SR", "2024-01-01", "", ""],
            ["G-5", "S-5", "Toaster", "LOC-HQ-SR", "", "", ""],
            [";", "", "", "", "", "", ""]]
    path = write_csv(tmp_path / "awkward.csv", rows, sep=";", encoding="cp1252", eol="\n")
    report = import_file(db, op, path, kind="assets")
    by_row = {r.row: r for r in report.rows}
    assert report.blank_rows == 1
    assert by_row[2].action == "create" and by_row[4].action == "create"
    assert "G-1 is also on row 2" in by_row[5].message
    assert "Serial S-2 is also on row 4" in by_row[6].message
    assert by_row[7].action == "create"
    assert "Unknown model 'Toaster'" in by_row[8].message
    assert by_row[9].action == "refuse"  # ';' alone: a tagless, serial-less row
    g1 = m.Asset.get(m.Asset.tag == "G-1")
    assert g1.notes == "Büro Müller;\nzweite Zeile"
    assert g1.purchase_date == date(2023, 12, 25)
    assert g1.purchase_cost == Decimal("1234.50")
    assert m.Asset.get(m.Asset.tag == "G-2").purchase_date == date(2024, 4, 3)  # day first
    new_tag = m.Asset.get(m.Asset.serial == "S-4").tag
    assert new_tag.startswith("IT-") and len(new_tag) == 9
    assert any("day/month" in w for w in report.warnings)
    assert verify(db).ok
    # the same serial again, without a tag: recognised, not duplicated
    path2 = write_csv(tmp_path / "again.csv", [["Serial number", "Model", "Notes"],
                                                ["S-4", "Dell Latitude 7440", "found it"]])
    again = import_file(db, op, path2, kind="assets")
    assert [(r.action, r.key) for r in again.rows] == [("update", new_tag)]


def test_month_first_dates_and_serial_clash(shop, tmp_path):
    db, op = shop
    rows = [["Asset tag", "Serial number", "Model", "Location", "Purchase date"],
            ["D-1", "Q1", "Dell Latitude 7440", "LOC-HQ-SR", "12/25/2023"],
            ["D-2", "Q2", "Dell Latitude 7440", "LOC-HQ-SR", "03/04/2024"]]
    report = import_file(db, op, write_csv(tmp_path / "us.csv", rows), kind="assets")
    assert m.Asset.get(m.Asset.tag == "D-2").purchase_date == date(2024, 3, 4)
    assert any("month/day" in w for w in report.warnings)
    clash = [["Asset tag", "Serial number", "Model", "Location"],
             ["D-3", "Q1", "Dell Latitude 7440", "LOC-HQ-SR"]]
    report = import_file(db, op, write_csv(tmp_path / "c.csv", clash), kind="assets")
    assert "Serial Q1 (Dell) is already asset D-1" in report.rows[0].message


def test_default_location_and_devices_only(shop, tmp_path):
    db, op = shop
    rows = [["Asset tag", "Serial number", "Model"],
            ["L-1", "Z1", "Dell Latitude 7440"], ["L-2", "Z2", "USB-C charger 65 W"]]
    path = write_csv(tmp_path / "x.csv", rows)
    refused = import_file(db, op, path, kind="assets", dry_run=True)
    assert "No location" in refused.rows[0].message
    report = import_file(db, op, path, kind="assets", default_location="LOC-HQ-SR")
    assert report.rows[0].action == "create"
    assert "counted by quantity" in report.rows[1].message


@pytest.mark.every_demo_date
def test_generic_template_imports(demo_db, tmp_path):
    from inventory.operators import os_operator

    op = os_operator(demo_db)
    book = ROOT / "resources" / "templates" / "stockroom-import-template.xlsx"
    for kind in ("locations", "suppliers", "people", "assets", "stock", "offers", "licenses"):
        report = import_file(demo_db, op, book, kind=kind, create_missing=True)
        assert not report.refused, (kind, report.refused)
        csv_report = import_file(demo_db, op, ROOT / "resources" / "templates" / f"{kind}.csv",
                                 kind=kind)
        assert csv_report.count("unchanged") == len(csv_report.rows), (kind, csv_report.rows)
    assert verify(demo_db).ok


def _big_file(path: Path, n: int) -> Path:
    rows = [["Asset tag", "Serial number", "Model", "Location", "Checked out to"]]
    rows += [[f"K-{i:06d}", f"KS{i:06d}", "Dell Latitude 7440", "LOC-HQ-SR",
              "E1" if i % 3 == 0 else ""] for i in range(n)]
    return write_csv(path, rows)


def test_failure_part_way_leaves_database_as_it_was(shop, tmp_path):
    db, op = shop
    path = _big_file(tmp_path / "big.csv", 6000)
    before = counts()

    class Boom(Exception):
        pass

    def progress(stage, done, total):
        if stage == "writing" and done >= 2000:
            raise Boom
    table = read_table(path)
    from inventory.exchange.fields import auto_map
    options = ImportOptions("assets", auto_map(table.headers, "assets"), create_missing=True)
    with pytest.raises(Boom):
        run_import(db, op, table, options, progress=progress)
    assert counts() == before
    assert verify(db).ok
    report = run_import(db, op, table, options)
    assert report.count("create") == 6000 and verify(db).ok


KILL_SCRIPT = """
import sys, time
from inventory.storage import open_store
from inventory.operators import os_operator
from inventory.exchange.importer import import_file
db = open_store(sys.argv[1])
def progress(stage, done, total):
    if stage == "writing" and done > 0:
        print("WRITING", done, flush=True)
        time.sleep(60)
import_file(db, os_operator(db), sys.argv[2], kind="assets", create_missing=True,
            progress=progress)
"""


def test_killed_import_leaves_database_as_it_was(shop, db_url, tmp_path):
    db, op = shop
    path = _big_file(tmp_path / "big.csv", 5000)
    before = counts()
    db.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, db_url, str(path)],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith("WRITING"), line
        time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    db.connect(reuse_if_open=True)
    assert counts() == before
    assert verify(db).ok


def test_import_on_both_backends(store, tmp_path):
    db, _ = store
    from inventory.operators import os_operator

    op = os_operator(db)
    setup_catalog(db, op)
    path = _big_file(tmp_path / "big.csv", 300)
    assert import_file(db, op, path, kind="assets").count("create") == 300
    again = import_file(db, op, path, kind="assets")
    assert again.count("unchanged") == 300
    moved = write_csv(tmp_path / "moved.csv", [["Asset tag", "Location"],
                                               ["K-000001", "SITE-BR"], ["K-000003", "SITE-BR"]])
    assert [r.action for r in import_file(db, op, moved, kind="assets").rows] == [
        "update", "update"]
    stock = write_csv(tmp_path / "stock.csv", [["Product", "Location", "Qty"],
                                               ["CHG-65W", "LOC-HQ-SR", "12"],
                                               ["USB-C charger 65 W", "SITE-BR", "3"]])
    assert import_file(db, op, stock, kind="stock").count("create") == 2
    stock2 = write_csv(tmp_path / "stock2.csv", [["Product", "Location", "Qty"],
                                                 ["CHG-65W", "LOC-HQ-SR", "7"]])
    assert import_file(db, op, stock2, kind="stock").rows[0].message.startswith(
        "HQ stockroom: 12 → 7")
    assert verify(db).ok
    assert m.Asset.select().count() == 300


def test_viewer_cannot_import(shop, tmp_path):
    from inventory.errors import PermissionDenied
    from inventory.operators import OperatorRef

    db, _ = shop
    viewer = OperatorRef(99, "v", "V", "viewer")
    path = _big_file(tmp_path / "x.csv", 2)
    with pytest.raises(PermissionDenied):
        import_file(db, viewer, path, kind="assets", dry_run=True)


def test_columns_nothing_takes_are_listed_and_can_be_kept_in_the_notes(shop, tmp_path):
    db, op = shop
    headers = SNIPE_HEADERS + ["RAM", "Hostname"]
    path = write_csv(tmp_path / "snipe.csv", [
        headers, snipe_row("A-1", "SN1", notes="spare charger in the bag") + ["16 GB", "LT-01"],
        snipe_row("A-2", "SN2") + ["", "LT-02"]])
    dry = import_file(db, op, path, preset="snipeit", dry_run=True)
    assert {"RAM", "Hostname"} <= set(dry.not_imported)
    assert set(dry.not_imported) <= set(headers) - set(SNIPE_HEADERS) | {"ID", "Company",
                                                                          "Asset Name"}
    assert "not imported: " in dry.summary() and "RAM, Hostname" in dry.summary()
    done = import_file(db, op, path, preset="snipeit")
    assert "RAM, Hostname" in done.summary()
    assert m.Asset.get(m.Asset.tag == "A-1").notes == "spare charger in the bag"

    kept = import_file(db, op, path, preset="snipeit", notes_from=("RAM", "Hostname"))
    assert "kept in the notes: RAM, Hostname" in kept.summary()
    assert "RAM" not in kept.not_imported and "Hostname" not in kept.not_imported
    assert [r.action for r in kept.rows] == ["update", "update"]
    assert m.Asset.get(m.Asset.tag == "A-1").notes == \
        "spare charger in the bag\nRAM: 16 GB\nHostname: LT-01"
    assert m.Asset.get(m.Asset.tag == "A-2").notes == "Hostname: LT-02"  # empty RAM skipped
    again = import_file(db, op, path, preset="snipeit", notes_from=("RAM", "Hostname"))
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]
    assert verify(db).ok


def test_keep_every_other_column_in_the_notes_from_the_command_line(shop, db_url, tmp_path):
    import subprocess
    import sys

    db, _ = shop
    path = write_csv(tmp_path / "snipe.csv", [SNIPE_HEADERS + ["RAM"],
                                              snipe_row("A-1", "SN1") + ["32 GB"]])
    db.close()
    root = Path(__file__).resolve().parent.parent

    def run(*args):
        return subprocess.run([sys.executable, "main.py", "--database", db_url, "import",
                               str(path), "--preset", "snipeit", *args], cwd=root,
                              capture_output=True, text=True, timeout=120)
    dry = run("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "not imported: " in dry.stdout and "RAM" in dry.stdout
    done = run("--notes-from", "*")
    assert done.returncode == 0, done.stderr
    assert "kept in the notes: " in done.stdout and "not imported" not in done.stdout
    from inventory.storage import open_store

    db = open_store(db_url)
    try:
        assert "RAM: 32 GB" in m.Asset.get(m.Asset.tag == "A-1").notes.splitlines()
    finally:
        db.close()
    bad = run("--notes-from", "Colour")
    assert bad.returncode == 1 and bad.stderr.startswith("error: No column 'Colour'")
