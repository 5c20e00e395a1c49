"""The demo department's costs: repair records for its damaged check-ins, budgets, a
rate card, the site license priced per year, and the FOCUS sample bill in its last three
complete months. Written in bulk, in the demo's transaction."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

import peewee as pw

from ..models import License, Movement, Person, Product
from ..operators import OperatorRef
from .calendar import Month
from .focus import read_focus
from .tables import IT_STOCK, Budget, CloudCharge, LicensePricing, RateLine, Repair

VENDORS = ("Dell ProSupport", "Lenovo Premier", "iFixit Pro Services", "Apple Authorised Repair")
SAMPLE_FIRST = Month(2026, 9)  # the first month in resources/focus/focus-sample.csv
CHUNK = 400


def sample_path() -> Path:
    return Path(str(resources.files("resources") / "focus" / "focus-sample.csv"))


def _repairs(db: pw.Database, op: OperatorRef, rng: random.Random, today: date) -> None:
    damaged = (Movement.select(Movement.id, Movement.asset, Movement.at, Movement.person,
                               Person.cost_centre)
               .join(Person, pw.JOIN.LEFT_OUTER, on=(Person.id == Movement.person))
               .where((Movement.kind == "check_in") & (Movement.asset_status == "in_repair"))
               .order_by(Movement.id).tuples())
    later = {a: at for a, at in Movement.select(Movement.asset, pw.fn.MAX(Movement.at))
             .where(Movement.asset.is_null(False)).group_by(Movement.asset).tuples()}
    rows = []
    for mid, asset, at, person, cc in damaged:
        opened = at.date() if isinstance(at, datetime) else date.fromisoformat(str(at)[:10])
        back = opened + timedelta(days=rng.randrange(4, 21))
        done = back < today and rng.random() < 0.85
        last = later.get(asset)
        retired = last is not None and str(last)[:10] > str(at)[:10]
        rows.append(dict(
            asset=asset, opened_on=opened, cost_centre=cc or IT_STOCK, held_by=person,
            vendor=rng.choice(VENDORS), reference=f"RMA-{mid:07d}",
            sent_on=opened + timedelta(days=1), returned_on=back if done else None,
            cost=Decimal(rng.choice((0, 89, 129, 149, 189, 240, 310))) if done else Decimal(0),
            outcome=("beyond_repair" if retired else "repaired") if done else "",
            opened_by=op.id, movement_id=mid))
    for i in range(0, len(rows), CHUNK):
        Repair.insert_many(rows[i:i + CHUNK]).execute()


def _budgets(today: date, rng: random.Random) -> None:
    ccs = sorted({cc for (cc,) in Person.select(Person.cost_centre).distinct().tuples() if cc})
    people = dict(Person.select(Person.cost_centre, pw.fn.COUNT(Person.id))
                  .group_by(Person.cost_centre).tuples())
    rows = [dict(cost_centre=cc, year=y, amount=Decimal(int(people.get(cc, 1) * 9000
                                                         * rng.uniform(0.85, 1.2))))
            for y in (today.year - 1, today.year) for cc in ccs]
    Budget.insert_many(rows).execute()


def _rate_card() -> None:
    rows = [dict(kind="device", category="laptop", license=None, amount=Decimal("55.00")),
            dict(kind="device", category="phone", license=None, amount=Decimal("30.00")),
            dict(kind="spares", category=None, license=None, amount=Decimal("15.00"))]
    m365 = (License.select(License.id).join(Product)
            .where(Product.name == "Microsoft 365 E3").first())
    if m365 is not None:
        rows.append(dict(kind="license", category=None, license=m365.id,
                         amount=Decimal("40.00")))
    RateLine.insert_many(rows).execute()
    for lic in License.select(License.id).where(License.license_type == "site"):
        LicensePricing.create(license=lic.id, period="year")


def _cloud(today: date) -> None:
    plan = read_focus(sample_path(), "cost_centre")
    shift = Month.of(today).shift(-3).index - SAMPLE_FIRST.index
    rows = []
    for r in plan.rows:
        month = Month.from_index(r["month"] + shift)
        start = r["period_start"]
        day = min(start.day, month.days)
        at = datetime(month.year, month.month, day, start.hour)
        rows.append(dict(r, month=month.index, period_start=at,
                         period_end=at + (r["period_end"] - start),
                         source="demo: focus-sample.csv"))
    for i in range(0, len(rows), CHUNK):
        CloudCharge.insert_many(rows[i:i + CHUNK]).execute()


def seed(db: pw.Database, op: OperatorRef, today: date, seed: int = 14) -> None:
    rng = random.Random(seed)
    _repairs(db, op, rng, today)
    _budgets(today, rng)
    _rate_card()
    _cloud(today)
