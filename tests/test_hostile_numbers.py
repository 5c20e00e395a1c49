"""Numbers have bounds: absurd quantities, prices, lead times, pack sizes and seats are
refused with one line (command line and import, SQLite and PostgreSQL), and `verify` and
`reorder` report a database that already holds one instead of crashing."""

from __future__ import annotations

import pytest

from inventory import limits
from inventory import models as m
from inventory.errors import ValidationError
from inventory.services import catalog

from .hostile import admin_login, run_cli
from .world import build

ABSURD = ["9223372036854775808", "9223372036854775807", "3000000000", "1000001"]


@pytest.fixture
def world_url(store):
    db, url = store
    build(db)
    return db, url, admin_login(db)


def _one_line_error(r) -> str:
    assert r.returncode == 1, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


def test_cli_quantities_beyond_the_limit_are_refused(world_url):
    db, url, login = world_url
    before = m.Movement.select().count()
    for qty in [*ABSURD, "-1", "0"]:
        line = _one_line_error(run_cli("issue", "CHG65", "--qty", qty, "--to", "E1",
                                       url=url, login=login))
        assert "Quantity must be" in line or "Quantity cannot be negative" in line, line
    assert m.Movement.select().count() == before


def test_services_hold_every_number_to_its_limit(world_url):
    db, _, _ = world_url
    from inventory.operators import os_operator

    op = os_operator(db)
    cases = [
        lambda: catalog.create_product(db, op, "Big", "spare", unit_cost=10**12),
        lambda: catalog.create_product(db, op, "Neg", "spare", unit_cost=-1),
        lambda: catalog.create_supplier(db, op, "Slow", lead_time_days=10**9),
        lambda: catalog.create_supplier(db, op, "Nan", lead_time_days=float("nan")),
        lambda: catalog.add_offer(db, op, "CDW", "CHG65", unit_price=1, lead_time_days=3,
                                  pack_size=2**63),
        lambda: catalog.add_offer(db, op, "CDW", "CHG65", unit_price=10**9, lead_time_days=3),
        lambda: catalog.create_license(db, op, "Microsoft 365 E3", 3_000_000_000,
                                       starts_on=__import__("datetime").date(2026, 1, 1)),
        lambda: catalog.set_transfer_lane(db, op, "3PL-NW", "SR-BR", 10**6),
    ]
    for case in cases:
        with pytest.raises(ValidationError) as err:
            case()
        text = str(err.value)
        assert "\n" not in text and any(w in text for w in ("between", "at most",
                                                             "negative")), text
    assert m.Product.select().where(m.Product.name.in_(["Big", "Neg"])).count() == 0
    assert m.SupplierOffer.select().count() == 1


def test_import_refuses_absurd_numbers_row_by_row(world_url, tmp_path):
    db, url, login = world_url
    before = (m.Movement.select().count(), m.License.select().count())
    stock = tmp_path / "stock.csv"
    stock.write_text("Product,Location,Quantity\n" + "".join(
        f"USB-C charger 65 W,SR-HQ,{q}\n" for q in ABSURD), encoding="utf-8")
    r = run_cli("import", str(stock), "--kind", "stock", url=url, login=login)
    assert r.returncode == 0, r.stderr
    refused = [ln for ln in r.stdout.splitlines() if "refused:" in ln]
    assert [ln.split(":")[0] for ln in refused] == ["row 2", "row 3", "row 4", "row 5"]
    assert all("between 0 and 1,000,000" in ln for ln in refused), refused
    lic = tmp_path / "licenses.csv"
    lic.write_text("Product,Seats,Starts on,Cost per seat,Term months\n"
                   "Microsoft 365 E3,9223372036854775807,2026-01-01,1,12\n"
                   "Microsoft 365 E3,10,2026-02-01,99999999999,12\n"
                   "Microsoft 365 E3,10,2026-03-01,1,100000\n", encoding="utf-8")
    r = run_cli("import", str(lic), "--kind", "licenses", url=url, login=login)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("refused:") == 3, r.stdout
    sup = tmp_path / "suppliers.csv"
    sup.write_text("Name,Lead time days\nGlacier,1e12\n", encoding="utf-8")
    r = run_cli("import", str(sup), "--kind", "suppliers", url=url, login=login)
    assert "row 2" in r.stdout and "refused" in r.stdout, r.stdout
    assert (m.Movement.select().count(), m.License.select().count()) == before


def _plant_absurd_values(db, huge: int) -> None:
    """What an older version let in: a count and an issue of `huge`, and the shelf."""
    if isinstance(db, __import__("peewee").SqliteDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS movement_no_insert_or_replace")
    p = m.Product.get(m.Product.part_number == "CHG65").id
    loc = m.Location.get(m.Location.code == "SR-HQ").id
    op = m.Operator.select().first().id
    for kind, ends in (("count", "to_location_id"), ("issue", "from_location_id")):
        db.execute_sql(f"INSERT INTO movement (at, kind, product_id, quantity, {ends}, "
                       "operator_id, reference, source, note) VALUES "
                       f"('2026-01-05 10:00:00', '{kind}', {p}, {huge}, {loc}, {op}, 'old', "
                       "'import', '')")
    db.execute_sql(f"UPDATE stock_level SET quantity = {huge} WHERE product_id = {p}")


def test_verify_and_reorder_report_absurd_values_instead_of_crashing(world_url):
    db, url, login = world_url
    # The largest value each backend's column holds (PostgreSQL's integer is 32-bit).
    huge = 2**63 - 1 if isinstance(db, __import__("peewee").SqliteDatabase) else 2**31 - 1
    _plant_absurd_values(db, huge)
    r = run_cli("verify", url=url, login=login)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"holds quantity {huge:,}, beyond the limit" in r.stdout, r.stdout
    assert "values beyond the limits" in r.stdout.splitlines()[-1]
    for args in (("reorder",), ("reorder", "--all"), ("reorder", "--all", "--format", "csv")):
        r = run_cli(*args, url=url, login=login)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert "note: movement" in r.stderr and f"{huge:,}" in r.stderr, r.stderr


def test_limits_are_stated_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for line in limits.describe():
        assert line in readme, line
