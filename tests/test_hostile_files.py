"""Files and arguments from outside, through the command line on SQLite and PostgreSQL:
bounded before the expensive work, refused with a message that names the row, and the odd
arguments a careless user types."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from inventory import models as m
from inventory.exchange.reading import MAX_CELL, MAX_COLUMNS, MAX_FILE_MB

from .hostile import admin_login, one_line_refusal, run_cli
from .world import build


@pytest.fixture
def world(store):
    db, url = store
    build(db)
    return db, url, admin_login(db)


def _people() -> int:
    return m.Person.select().count()




def _xlsx(path: Path, patch) -> Path:
    """A small real workbook whose sheet XML is rewritten by `patch`."""
    base = path.with_suffix(".base.xlsx")
    wb = Workbook()
    wb.active.append(["Employee ID", "Name"])
    wb.active.append(["X1", "Xavier"])
    wb.save(base)
    with zipfile.ZipFile(base) as z, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = patch(data)
            out.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED,
                         compresslevel=9)
    return path


def test_nul_byte_is_refused_with_its_row_on_both_backends(world, tmp_path):
    db, url, login = world
    before = _people()
    f = tmp_path / "nul.csv"
    f.write_bytes(b"Employee ID,Name\nN1,Ann\nN2,B\x00ob\nN3,Cy\n")
    one_line_refusal(run_cli("import", str(f), "--kind", "people", url=url, login=login),
              "row 3", "NUL byte", "nothing was imported")
    assert _people() == before


def test_utf16_without_a_bom_is_read(world, tmp_path):
    db, url, login = world
    for enc in ("utf-16-le", "utf-16-be"):
        f = tmp_path / f"{enc}.csv"
        f.write_bytes(f"Employee ID,Name\nU-{enc},Zoë Ångström\n".encode(enc))
        r = run_cli("import", str(f), "--kind", "people", url=url, login=login)
        assert r.returncode == 0 and "1 created" in r.stdout, (r.stdout, r.stderr)
        assert m.Person.get(m.Person.employee_id == f"U-{enc}").name == "Zoë Ångström"


def test_declared_dimension_and_whitespace_bombs_are_bounded(world, tmp_path):
    db, url, login = world
    before = _people()

    def huge_dimension(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                           b't="inlineStr"><is><t>x</t></is></c></row></sheetData>')

    dim = _xlsx(tmp_path / "dimension.xlsx", huge_dimension)
    assert dim.stat().st_size < 10_000
    one_line_refusal(run_cli("import", str(dim), "--kind", "people", url=url, login=login,
                      timeout=60), "more than 500,000 rows")
    only_declared = _xlsx(tmp_path / "declared.xlsx", lambda x: re.sub(
        rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', x))
    r = run_cli("import", str(only_declared), "--kind", "people", "--dry-run", url=url,
                login=login, timeout=60)
    assert r.returncode == 0 and "1 to create" in r.stdout, (r.stdout, r.stderr)

    bomb = _xlsx(tmp_path / "whitespace.xlsx",
                 lambda x: x.replace(b"<sheetData>", b"<sheetData>" + b" " * 300_000_000))
    assert bomb.stat().st_size < 2_000_000
    one_line_refusal(run_cli("import", str(bomb), "--kind", "people", url=url, login=login,
                      timeout=60), "unzips to far more than it holds")
    assert _people() == before


def test_size_columns_and_cells_have_limits(world, tmp_path):
    db, url, login = world
    before = _people()
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.write(b"Employee ID,Name\n")
        f.truncate((MAX_FILE_MB + 1) << 20)  # sparse: costs no disk
    one_line_refusal(run_cli("import", str(big), "--kind", "people", url=url, login=login),
              f"more than {MAX_FILE_MB} MB")
    wide = tmp_path / "wide.csv"
    wide.write_text("Employee ID,Name," + ",".join(f"c{i}" for i in range(MAX_COLUMNS)) +
                    "\nW1,Wes," + ",".join("v" for _ in range(MAX_COLUMNS)) + "\n")
    one_line_refusal(run_cli("import", str(wide), "--kind", "people", url=url, login=login),
              f"more than {MAX_COLUMNS} columns")
    long_cell = tmp_path / "long.csv"
    long_cell.write_text("Employee ID,Name\nL1,Lea\nL2," + "y" * (MAX_CELL + 1) + "\n")
    one_line_refusal(run_cli("import", str(long_cell), "--kind", "people", url=url, login=login),
              "row 3", f"longer than {MAX_CELL:,}")
    assert _people() == before


def test_odd_arguments_get_one_line_answers(world, tmp_path):
    db, url, login = world
    from inventory.operators import os_operator
    from inventory.services import catalog

    op = os_operator(db)
    catalog.create_person(db, op, "P-PCT", "100% sure")
    catalog.create_person(db, op, "P-UND", "a_b")
    catalog.create_person(db, op, "P-AXB", "axb")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    one_line_refusal(run_cli("export", "people", "-o", str(blocker / "sub.csv"), url=url,
                      login=login), "is a file, not a folder")
    one_line_refusal(run_cli("po", "pdf", "PO-NONE", "-o", str(blocker / "x.pdf"), url=url,
                      login=login))
    one_line_refusal(run_cli("reorder", "--location", "NOWHERE", url=url, login=login),
              "No location with code 'NOWHERE'")
    for term, want in (("%", ["P-PCT"]), ("_", ["P-UND"])):
        r = run_cli("export", "people", "--search", term, "-o", "-", url=url, login=login)
        ids = [ln.split(",")[0] for ln in r.stdout.splitlines()[1:]]
        assert ids == want, (term, r.stdout)
    tag = m.Asset.select(m.Asset.tag).where(m.Asset.status == "in_stock").scalar()
    one_line_refusal(run_cli("checkout", tag, "--to", "E1", "--due", "0001-01-01", url=url,
                      login=login), "The due date 0001-01-01 is in the past")
    for start in ("-3", "21"):
        r = run_cli("labels", "commands", "--layout", "a4-3x7", "--start", start, "-o",
                    str(tmp_path / "l.pdf"), url=url, login=login)
        one_line_refusal(r, f"--start {start}")
    assert not (tmp_path / "l.pdf").exists()
