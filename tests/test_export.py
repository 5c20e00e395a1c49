"""Exporting tables and the ledger: formulas neutralised, filters applied, and an export
that imports back unchanged."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inventory import clock
from inventory import models as m
from inventory.errors import ValidationError
from inventory.exchange.export import export_table, neutralise, write_rows
from inventory.exchange.importer import import_file
from inventory.exchange.tables import TABLES, Filters, table
from inventory.operators import os_operator
from inventory.services import catalog

ROOT = Path(__file__).resolve().parent.parent
NASTY = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR",
         "plain", "a=b"]


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_neutralise():
    assert [neutralise(x) for x in NASTY] == [
        "'=HYPERLINK(\"http://evil\",\"x\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR",
        "plain", "a=b"]
    assert neutralise(-5) == -5 and neutralise(None) is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_neutralised_in_files(tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    rows = [(x, -1, date(2024, 1, 2)) for x in NASTY]
    assert write_rows(path, ["=Header", "Number", "Day"], rows) == len(NASTY)
    if fmt == "csv":
        got = _read_csv(path)
        assert got[0][0] == "'=Header"
        assert [r[0] for r in got[1:]] == [neutralise(x) for x in NASTY]
        assert got[1][1:] == ["-1", "2024-01-02"]
    else:
        wb = load_workbook(path)
        ws = wb.active
        cells = [ws.cell(row=i, column=1) for i in range(2, len(NASTY) + 2)]
        assert all(c.data_type == "s" for c in cells)  # text, never a formula
        # XML reads a carriage return back as a newline; the apostrophe is what matters
        assert [c.value for c in cells] == [neutralise(x).replace("\r", "\n") for x in NASTY]
        assert ws.cell(row=2, column=2).value == -1
        assert ws.cell(row=2, column=3).value.date() == date(2024, 1, 2)
        wb.close()


def test_people_with_formula_names_export_safely(db, admin, tmp_path):
    catalog.create_person(db, admin, "=1+1", "@evil", email="-x@example.com")
    path = tmp_path / "people.csv"
    export_table(db, "people", path)
    row = _read_csv(path)[1]
    assert row[:3] == ["'=1+1", "'@evil", "'-x@example.com"]


@pytest.mark.every_demo_date
def test_every_table_exports_from_the_demo(demo_db, tmp_path):
    for name in TABLES:
        data = table(name)
        first = next(data.rows, None)
        assert first is not None and len(first) == len(data.headers), name
    since = clock.today() - timedelta(days=90)
    n = export_table(demo_db, "movements", tmp_path / "ledger.xlsx",
                     filters=Filters(kind="receive", since=since))
    rows = _read_xlsx(tmp_path / "ledger.xlsx")
    assert n > 0 and len(rows) == n + 1 and all(r[2] == "receive" for r in rows[1:])
    assert all(str(r[0])[:10] >= since.isoformat() for r in rows[1:])


def _read_xlsx(path):
    wb = load_workbook(path, read_only=True)
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    wb.close()
    return rows


@pytest.mark.every_demo_date
def test_filters(demo_db, tmp_path):
    deployed = list(table("assets", Filters(status="deployed")).rows)
    assert deployed and all(r[6] == "deployed" for r in deployed)
    at_hq = list(table("assets", Filters(location="SITE-HQ")).rows)
    assert {r[7] for r in at_hq} <= {"SITE-HQ", "LOC-HQ-SR", "LOC-HQ-A1", "LOC-HQ-A2",
                                     "LOC-HQ-A3", "LOC-REPAIR", "LOC-DISPOSAL"}
    nw = list(table("stock", Filters(location="LOC-3PL-NW")).rows)
    assert nw and {r[1] for r in nw} == {"LOC-3PL-NW"}
    issued = list(table("movements", Filters(kind="issue,consume")).rows)
    assert issued and {r[2] for r in issued} <= {"issue", "consume"}
    person = issued[0][8]
    mine = list(table("movements", Filters(person=person)).rows)
    assert mine and all(r[8] == person for r in mine)
    open_orders = list(table("orders", Filters(status="ordered")).rows)
    assert open_orders and {r[2] for r in open_orders} == {"ordered"}
    found = list(table("people", Filters(search="HADDAD")).rows)
    assert found and all("haddad" in r[1].lower() or "haddad" in r[2] for r in found)
    with pytest.raises(ValidationError, match="not one of the asset statuses"):
        table("assets", Filters(status="broken"))
    with pytest.raises(ValidationError, match="No table"):
        table("cars")


@pytest.mark.every_demo_date
def test_export_imports_back_unchanged(demo_db, tmp_path):
    op = os_operator(demo_db)
    for name in ("assets", "people", "locations", "stock", "suppliers", "offers", "licenses"):
        path = tmp_path / f"{name}.xlsx"
        export_table(demo_db, name, path)
        report = import_file(demo_db, op, path, kind=name, dry_run=True)
        assert report.count("unchanged") == len(report.rows), (name, [
            r for r in report.rows if r.action != "unchanged"][:3])


@pytest.mark.every_demo_date
def test_export_command(demo_url, tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "main.py", "--database", demo_url, *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    out = tmp_path / "deployed.csv"
    done = run("export", "assets", "--status", "deployed", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "exported" in done.stdout and out.exists()
    assert {r[6] for r in _read_csv(out)[1:]} == {"deployed"}
    bad = run("export", "assets", "--status", "nope", "-o", str(out))
    assert bad.returncode == 1 and bad.stderr.startswith("error: Status 'nope'")
    assert "Traceback" not in bad.stderr
    piped = run("export", "locations", "-o", "-")
    assert piped.returncode == 0 and piped.stdout.startswith("Code,Name,Kind")
    assert m.Location.select().count() == len(piped.stdout.strip().splitlines()) - 1


@pytest.mark.every_demo_date
def test_export_assets_of_a_person_who_has_left_lists_what_they_hold(demo_url, tmp_path, today):
    from inventory.storage import open_store

    db = open_store(demo_url)
    try:
        holder = (m.Person.select().join(m.Asset, on=(m.Asset.holder == m.Person.id))
                  .where(m.Person.active).order_by(m.Person.id).first())
        held = sorted(t for (t,) in m.Asset.select(m.Asset.tag)
                      .where(m.Asset.holder == holder.id).tuples())
        catalog.mark_left(db, os_operator(db), holder.employee_id, today)
    finally:
        db.close()
    out = tmp_path / "leaver.csv"
    r = subprocess.run([sys.executable, "main.py", "--database", demo_url, "export", "assets",
                        "--person", holder.employee_id, "-o", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert held and sorted(row[0] for row in _read_csv(out)[1:]) == held


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_neutralised_cells_import_back_as_the_original_text(db, admin, tmp_path, suffix):
    catalog.create_person(db, admin, "E1", "=1+1", email="-x@example.com", department="@ops")
    catalog.create_person(db, admin, "E2", "'=kept as typed", department="+44 team")
    path = tmp_path / f"people.{suffix}"
    export_table(db, "people", path)
    report = import_file(db, admin, path, kind="people", dry_run=True)
    assert [r.action for r in report.rows] == ["unchanged", "unchanged"], [
        (r.action, r.message) for r in report.rows]
    # into another database: the original text, not the apostrophe
    from inventory.storage import open_store

    other = open_store(str(tmp_path / "other.sqlite"))
    try:
        done = import_file(other, os_operator(other), path, kind="people")
        assert done.count("create") == 2
        people = {p.employee_id: p for p in m.Person.select()}
        assert (people["E1"].name, people["E1"].email, people["E1"].department) == (
            "=1+1", "-x@example.com", "@ops")
        assert (people["E2"].name, people["E2"].department) == ("'=kept as typed", "+44 team")
    finally:
        other.close()
