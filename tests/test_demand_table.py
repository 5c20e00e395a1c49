"""Demand per product × location × month is kept with the ledger, in the same transaction,
on both backends; verify notices when it is off, and the rebuild puts it right."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from inventory import clock
from inventory import models as m
from inventory.commands import Issue, Transfer, Undo
from inventory.errors import InsufficientStock
from inventory.operations import execute
from inventory.replenishment import demand_table
from inventory.replenishment.demand import month_start, read_demand
from inventory.replenishment.demand_table import month_number, monthly
from inventory.services.ledger import record
from inventory.services.verify import verify

from .world import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(store):
    db, _ = store
    return build(db)


def demand_rows() -> dict:
    d = m.DemandMonth
    return {(p, loc, mo, g): q for p, loc, mo, g, q in
            d.select(d.product, d.location, d.month, d.grp, d.quantity).tuples() if q}


def test_every_demand_movement_lands_in_its_month_in_the_same_transaction(world):
    db, op = world.db, world.admin
    charger = m.Product.get(m.Product.part_number == "CHG65")
    hq = m.Location.get(m.Location.code == "SR-HQ")
    execute(db, op, Issue("CHG65", 2, person="E1"))
    execute(db, op, Issue("CHG65", 3, person="E2"))
    month = month_number(clock.utcnow().date())
    assert demand_rows()[(charger.id, hq.id, month, "use")] == 5
    # A refused write leaves no demand behind.
    with pytest.raises(InsufficientStock):
        execute(db, op, Issue("CHG65", 500, person="E1"))
    assert demand_rows()[(charger.id, hq.id, month, "use")] == 5
    # Transfers out of a site are not demand of the site; an undo is a new movement.
    execute(db, op, Transfer("SR-HQ", "SR-HQ2", items=(("CHG65", 1),)))
    last = m.Movement.select().where(m.Movement.kind == "issue").order_by(
        m.Movement.id.desc()).first()
    execute(db, op, Undo(last.id, "wrong person"))
    assert verify(db).ok
    assert demand_table.differences(db) == []


def test_the_reorder_list_reads_the_same_demand_as_the_ledger_holds(world):
    db, op = world.db, world.admin
    for n in (1, 2, 4):
        execute(db, op, Issue("CHG65", n, person="E1"))
    today = clock.utcnow().date()
    later = date.fromordinal(today.replace(day=28).toordinal() + 10)  # this month complete
    keys, matrix = monthly(db, later, [], [], months=2)
    charger = m.Product.get(m.Product.part_number == "CHG65")
    hq = m.Location.get(m.Location.code == "SR-HQ")
    row = keys.index((charger.id, hq.id))
    assert matrix[row].tolist() == [0.0, 7.0]
    # The same as the ledger read the reorder list makes.
    hist = read_demand(db, month_start(later, 2), month_start(later), [], [])
    assert hist.monthly(keys, 2).tolist() == matrix.tolist()


def test_verify_reports_a_demand_table_out_of_step_and_the_rebuild_fixes_it(world):
    db, op = world.db, world.admin
    execute(db, op, Issue("CHG65", 2, person="E1"))
    m.DemandMonth.update(quantity=m.DemandMonth.quantity + 9).execute()  # tampered
    report = verify(db)
    assert not report.ok and report.demand_differences
    assert "ledger says 2, demand table says 11" in report.demand_differences[0]
    demand_table.rebuild(db)
    assert verify(db).ok


def test_verify_command_rebuilds_the_demand_table(db_url, db, admin):
    build(db)
    execute(db, admin, Issue("CHG65", 2, person="E1"))
    m.DemandMonth.delete().execute()
    db.close()
    run = [sys.executable, "main.py", "--database", db_url, "verify"]
    out = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2 and "verify --rebuild-demand" in out.stdout
    out = subprocess.run(run + ["--rebuild-demand"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "demand table rebuilt" in out.stdout, out.stdout


def test_days_with_demand_are_kept_per_month_and_match_the_ledger(world):
    """Two issues on one day make one day of 3 units; a third on another day one of 4:
    two days with demand, Σx² = 9 + 16, Σx³ = 27 + 64, on both backends."""
    db, op = world.db, world.admin
    charger = m.Product.get(m.Product.part_number == "CHG65")
    hq = m.Location.get(m.Location.code == "SR-HQ")
    day = datetime(2026, 3, 10, 9, 0)
    with db.atomic():  # the issues' own stock checks are not the point here
        for at, n in ((day, 1), (day.replace(hour=15), 2), (day.replace(day=20), 4)):
            record(op, "issue", charger, quantity=n, from_location=hq, at=at)
    month = month_number(day.date())
    row = m.DemandMonth.get((m.DemandMonth.product == charger.id)
                            & (m.DemandMonth.location == hq.id)
                            & (m.DemandMonth.month == month) & (m.DemandMonth.grp == "use"))
    assert (row.quantity, row.days, row.sq, row.cube) == (7, 2, 25.0, 91.0)
    assert demand_table.differences(db) == []
    later = date(2026, 4, 15)
    got = demand_table.window(db, later, [], [], months=2)
    hist = read_demand(db, month_start(later, 2), month_start(later), [], [])
    exact = hist.moments(got.keys)
    i = got.keys.index((charger.id, hq.id))
    assert (got.moments.count[i], got.moments.total[i], got.moments.square[i],
            got.moments.cube[i]) == (exact.count[i], exact.total[i], exact.square[i],
                                     exact.cube[i]) == (2, 7, 25, 91)
    # A day total out of step is reported too, and the rebuild puts it right.
    m.DemandMonth.update(sq=m.DemandMonth.sq + 1).execute()
    assert "sums of squares" in demand_table.differences(db)[0]
    demand_table.rebuild(db)
    assert demand_table.differences(db) == []


def test_a_days_total_counts_demand_only(world):
    """An adjustment out of the stockroom on the day of a transfer out is no part of that
    day's demand: the day is 3 units (the transfer), not 5 (found by undoing a transfer on
    a day with adjustments)."""
    db, op = world.db, world.admin
    charger = m.Product.get(m.Product.part_number == "CHG65")
    hq = m.Location.get(m.Location.code == "SR-HQ")
    day = datetime(2026, 3, 10, 9, 0)
    with db.atomic():
        record(op, "adjust", charger, quantity=2, from_location=hq, at=day)
        record(op, "transfer", charger, quantity=3, from_location=hq,
               to_location=m.Location.get(m.Location.code == "SR-HQ2"),
               at=day.replace(hour=11))
    row = m.DemandMonth.get((m.DemandMonth.product == charger.id)
                            & (m.DemandMonth.location == hq.id)
                            & (m.DemandMonth.month == month_number(day.date()))
                            & (m.DemandMonth.grp == "partner"))
    assert (row.quantity, row.days, row.sq, row.cube) == (3, 1, 9.0, 27.0)
    assert demand_table.differences(db) == []


def test_a_recompute_reads_the_window_again_only_when_its_months_moved(world):
    """The list's window of complete months is read once; a demand in the current month
    (a scan at the counter) leaves it as it was; a demand back-dated into it is read."""
    db, op = world.db, world.admin
    charger = m.Product.get(m.Product.part_number == "CHG65")
    hq = m.Location.get(m.Location.code == "SR-HQ")
    later = date(2026, 4, 15)
    with db.atomic():
        record(op, "issue", charger, quantity=2, from_location=hq, at=datetime(2026, 3, 10, 9))
    first = demand_table.window(db, later, [], [], months=2)
    assert demand_table.window(db, later, [], [], months=2) is first
    with db.atomic():
        record(op, "issue", charger, quantity=5, from_location=hq, at=datetime(2026, 4, 14, 9))
    assert demand_table.window(db, later, [], [], months=2) is first
    with db.atomic():
        record(op, "issue", charger, quantity=3, from_location=hq, at=datetime(2026, 3, 20, 9))
    again = demand_table.window(db, later, [], [], months=2)
    i = again.keys.index((charger.id, hq.id))
    assert again is not first and again.monthly[i, -1] == first.monthly[
        first.keys.index((charger.id, hq.id)), -1] + 3
    ledger = read_demand(db, month_start(later, 2), month_start(later), [], [])
    assert np.array_equal(again.monthly, ledger.monthly(again.keys, 2))
