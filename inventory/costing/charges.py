"""The month's charges, set-based: one SQL statement per kind of cost (devices, seats,
spares, repairs, cloud), grouped by month and cost centre. Nothing here loops over assets.

The conventions (README, "What IT costs"):
- a device is charged (cost − residual) / life for each month from its purchase month for
  its life; the charge is split by days, each day to the cost centre of whoever held it
  at the end of that day, as that person's cost centre stood that day (`centres.py`:
  people move); other days (stock, repair, transit, 3PL, checked out to a place) go to
  IT stock;
- a seat is charged per day it was assigned, to the holder's cost centre that day; a
  device's seat (no person) like the device: each day to whoever held the device at the
  end of that day, as their cost centre stood that day, the days it was in stock, repair,
  transit or at a 3PL to IT stock; the seats nobody held go to IT stock, seats over the
  entitlement are charged too;
- spares: quantity × unit cost at the time of issue (returns credited), to the cost
  centre the person belonged to at that moment (kept per month by `spend.py`); consumed
  at a location: IT stock;
- a repair: its cost, in the month it came back (else the month it was opened), to the
  cost centre that held the device when it was damaged;
- cloud: the EffectiveCost of the imported FOCUS rows, by ChargePeriodStart's month.

On the price basis a rate-card line replaces the cost where one is set (devices per
month, seats per month, a mark-up on spares); each figure says which basis it used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import peewee as pw

from .calendar import (
    Month,
    day_sql,
    fewest,
    fmonth_sql,
    greatest,
    least,
    month_sql,
    months_values,
    most,
    param,
)
from .centres import issued_to_sql, periods_sql
from .tables import IT_STOCK, OTHER

KINDS = ("devices", "licenses", "spares", "repairs", "cloud")
BASES = ("cost", "price")


@dataclass(frozen=True)
class Charge:
    """An amount of one kind for one cost centre in one month, on a basis."""

    month: int
    cost_centre: str
    kind: str
    amount: float
    basis: str  # "cost" or "price"


def _price(basis: str) -> int:
    if basis not in BASES:
        from ..errors import ValidationError

        raise ValidationError(f"The basis is cost or price, not '{basis}'.", field="basis")
    return 1 if basis == "price" else 0


# Each device product's depreciation life, residual and rate-card price: the product's own
# rule, else its category's, else "other"'s (one CTE, shared by both device queries).
_RULES = f"""rules AS (
      SELECT p.id AS product_id,
             COALESCE(dp.life_months, dc.life_months, dd.life_months, 36) AS life,
             COALESCE(dp.residual_pct, dc.residual_pct, dd.residual_pct, 0) * 1.0 AS res,
             COALESCE(rp.amount, rc.amount) * 1.0 AS rate
      FROM product p
      LEFT JOIN cost_depreciation dp ON dp.product_id = p.id
      LEFT JOIN cost_depreciation dc ON dc.category = LOWER(p.category)
      LEFT JOIN cost_depreciation dd ON dd.category = '{OTHER}'
      LEFT JOIN cost_rate rp ON rp.kind = 'device' AND rp.product_id = p.id
      LEFT JOIN cost_rate rc ON rc.kind = 'device' AND rc.product_id IS NULL
                            AND rc.category = LOWER(p.category)
      WHERE p.kind = 'device'
    )"""


# -- devices -------------------------------------------------------------------------------

def _device_ctes(db: pw.Database, months: list[Month], price: int) -> tuple[str, list]:
    p = param(db)
    values, args = months_values(db, months)
    pm = month_sql(db, "a.purchase_date")
    sql = f"""
    WITH months AS ({values}),
    {_RULES},
    base AS (
      SELECT a.id AS asset_id, a.purchase_cost * 1.0 AS cost, {pm} AS pm, r.life, r.res,
             r.rate
      FROM asset a JOIN rules r ON r.product_id = a.product_id
      WHERE a.purchase_date IS NOT NULL AND a.purchase_cost > 0
    ),
    charged AS (
      SELECT b.asset_id, m.mi, m.ms, m.me, m.dim,
             CASE WHEN {p} = 1 AND b.rate IS NOT NULL THEN b.rate
                  ELSE b.cost * (100 - b.res) / 100.0 / b.life END AS amount,
             CASE WHEN {p} = 1 AND b.rate IS NOT NULL THEN 'price' ELSE 'cost' END AS basis
      FROM base b CROSS JOIN months m
      WHERE m.mi >= b.pm AND m.mi < b.pm + b.life
    ),
    held AS (
      SELECT c.mi, c.asset_id, h.holder_id, c.amount, c.basis, c.dim,
             {greatest("h.d0", "c.ms")} AS d_from,
             {least("COALESCE(h.d1, c.me)", "c.me")} AS d_to
      FROM cost_holding h JOIN charged c ON c.asset_id = h.asset_id
      WHERE h.status = 'deployed' AND h.holder_id IS NOT NULL
        AND h.d0 < c.me AND (h.d1 IS NULL OR h.d1 > c.ms) AND (h.d1 IS NULL OR h.d1 > h.d0)
    ),
    pcc AS ({periods_sql(db)}),
    held_cc AS (
      SELECT held.mi, held.asset_id, held.holder_id, held.amount, held.basis, held.dim,
             pcc.cc, {greatest("held.d_from", "pcc.d0")} AS d_from,
             {least("held.d_to", "pcc.d1")} AS d_to
      FROM held JOIN pcc ON pcc.person_id = held.holder_id
      WHERE pcc.d0 < held.d_to AND pcc.d1 > held.d_from
    )"""
    return sql, [*args, price, price]


def _range(months: list[Month]) -> tuple[Month, Month]:
    return min(months), max(months)


Run = tuple[Month, Month]  # the first and last month of a run of consecutive months


def _bounds(runs: list[Run]) -> list[tuple[int, int]]:
    return [(first.index, last.index + 1) for first, last in runs]


def _part(db: pw.Database, expr_from: str, expr_to: str, lo: int, hi: int) -> str:
    """How much of the stretch [from, to) (month positions) lies in [lo, hi), never < 0."""
    return most(db, "0", f"{fewest(db, expr_to, str(hi))} - {most(db, expr_from, str(lo))}")


def device_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    """The devices' charges over a run of consecutive months, per cost centre (`month` of
    each charge: the last of the run)."""
    return device_runs(db, [_range(months)], basis)[0]


def device_runs(db: pw.Database, runs: list[Run], basis: str = "cost") -> list[list[Charge]]:
    """The devices' charges for each run of months, read in one pass. Each held stretch
    counts its length in month positions (calendar.fmonth_sql): days ÷ days in their
    month, whatever months it spans; cut by the holder's cost centres in force
    (`centres.py`) and by each run."""
    price = _price(basis)
    bounds = _bounds(runs)
    lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
    p = param(db)
    pm = month_sql(db, "a.purchase_date")
    held_from = most(db, "h.f0", "b.pm")
    held_to = fewest(db, f"COALESCE(h.f1, {hi})", "(b.pm + b.life)")
    sums = ", ".join(f"SUM(cut.amount * {_part(db, 'cut.c0', 'cut.c1', a, z)})" for a, z in bounds)
    owned = ", ".join(f"SUM(amount * {_part(db, 'pm', '(pm + life)', a, z)})" for a, z in bounds)
    rows = db.execute_sql(f"""
    WITH {_RULES},
    base AS (
      SELECT a.id AS asset_id, {pm} AS pm, r.life,
             CASE WHEN {p} = 1 AND r.rate IS NOT NULL THEN r.rate
                  ELSE a.purchase_cost * (100 - r.res) / 100.0 / r.life END AS amount,
             CASE WHEN {p} = 1 AND r.rate IS NOT NULL THEN 'price' ELSE 'cost' END AS basis
      FROM asset a JOIN rules r ON r.product_id = a.product_id
      WHERE a.purchase_date IS NOT NULL AND a.purchase_cost > 0
        AND {pm} < {hi} AND {pm} + r.life > {lo}
    ),
    held AS (
      SELECT h.holder_id, b.amount, b.basis, {held_from} AS s0, {held_to} AS s1
      FROM cost_holding h JOIN base b ON b.asset_id = h.asset_id
      WHERE h.status = 'deployed' AND h.holder_id IS NOT NULL
        AND h.f0 < {hi} AND (h.f1 IS NULL OR h.f1 > {lo}) AND (h.d1 IS NULL OR h.d1 > h.d0)
    ),
    pcc AS ({periods_sql(db)}),
    cut AS (
      SELECT pcc.cc, held.basis, held.amount, {most(db, "held.s0", "pcc.f0")} AS c0,
             {fewest(db, "held.s1", "pcc.f1")} AS c1
      FROM held JOIN pcc ON pcc.person_id = held.holder_id
      WHERE held.s1 > held.s0 AND pcc.f0 < held.s1 AND pcc.f1 > held.s0
    )
    SELECT cc, basis, {sums} FROM cut GROUP BY cc, basis
    UNION ALL
    SELECT NULL, basis, {owned} FROM base GROUP BY basis""", [price, price]).fetchall()
    out: list[list[Charge]] = []
    for k, (_first, last) in enumerate(runs):
        got = [Charge(last.index, r[0], "devices", float(r[2 + k] or 0), r[1]) for r in rows
               if r[0] is not None]
        left: dict[str, float] = {r[1]: float(r[2 + k] or 0) for r in rows if r[0] is None}
        for c in got:
            left[c.basis] -= c.amount
        got += [Charge(last.index, IT_STOCK, "devices", amount, b)
                for b, amount in left.items()]
        out.append(got)
    return out


def device_items(db: pw.Database, month: Month, cost_centre: str,
                 basis: str = "cost") -> list[dict]:
    """Each device charged to `cost_centre` in `month`: which days, at which rate."""
    price = _price(basis)
    ctes, args = _device_ctes(db, [month], price)
    if cost_centre == IT_STOCK:
        rows = db.execute_sql(f"""{ctes}
            SELECT a.tag, pr.name, c.amount, c.basis, c.dim - COALESCE(h.days, 0) AS days
            FROM charged c JOIN asset a ON a.id = c.asset_id
            JOIN product pr ON pr.id = a.product_id
            LEFT JOIN (SELECT asset_id, SUM(d_to - d_from) AS days FROM held
                       GROUP BY asset_id) h ON h.asset_id = c.asset_id
            WHERE c.dim - COALESCE(h.days, 0) > 0
            ORDER BY a.tag""", args).fetchall()
        return [dict(tag=t, product=n, holder="", days=int(d), periods="",
                     monthly=float(amt), amount=float(amt) * int(d) / month.days, basis=b)
                for t, n, amt, b, d in rows]
    p = param(db)
    rows = db.execute_sql(f"""{ctes}
        SELECT a.tag, pr.name, pe.name, pe.employee_id, h.amount, h.basis, h.d_from, h.d_to
        FROM held_cc h JOIN person pe ON pe.id = h.holder_id
        JOIN asset a ON a.id = h.asset_id JOIN product pr ON pr.id = a.product_id
        WHERE h.cc = {p} AND h.d_to > h.d_from
        ORDER BY a.tag, h.d_from""", [*args, cost_centre]).fetchall()
    items: dict[tuple[str, str], dict] = {}
    for tag, name, who, emp, amount, b, d_from, d_to in rows:
        item = items.setdefault((tag, emp), dict(
            tag=tag, product=name, holder=f"{who} ({emp})", days=0, periods="",
            monthly=float(amount), amount=0.0, basis=b))
        item["days"] += d_to - d_from
        item["amount"] += float(amount) * (d_to - d_from) / month.days
        item["periods"] = ", ".join(p for p in (item["periods"], _period(d_from, d_to)) if p)
    return list(items.values())


def _period(d_from: int, d_to: int) -> str:
    from datetime import date

    first, last = date.fromordinal(d_from), date.fromordinal(d_to - 1)
    return f"{first:%d}" if first == last else f"{first:%d}–{last:%d}"


# -- license seats -------------------------------------------------------------------------

# A seat on a device (no person): its days go to whoever held the device at the end of
# each day, as their cost centre stood that day (`dev_held`: the device's holdings cut by
# the holder's cost centres), the other days (stock, repair, transit, 3PL) to IT stock.
_ON_DEVICE = """on_device AS (
      SELECT * FROM seat WHERE seat.s1 > seat.s0 AND (seat.person_id IS NULL
             OR NOT EXISTS (SELECT 1 FROM person px WHERE px.id = seat.person_id))
    )"""


def _license_ctes(db: pw.Database, months: list[Month], price: int, *,
                  overuse: bool | None = None) -> tuple[str, list]:
    p = param(db)
    values, args = months_values(db, months)
    start, end = day_sql(db, "L.starts_on"), day_sql(db, "L.ends_on")
    only = "" if overuse is None else f" AND {'' if overuse else 'NOT '}L.allow_overuse"
    sql = f"""
    WITH months AS ({values}),
    lic AS (
      SELECT L.id AS license_id, L.seats, m.mi, m.dim,
             {greatest(start, "m.ms")} AS a0, {least(f"COALESCE({end}, m.me)", "m.me")} AS a1,
             CASE WHEN {p} = 1 AND r.amount IS NOT NULL THEN r.amount * 1.0
                  ELSE L.cost_per_seat * 1.0
                       / (CASE WHEN lp.period = 'year' THEN 12 ELSE 1 END) END AS monthly,
             CASE WHEN {p} = 1 AND r.amount IS NOT NULL THEN 'price' ELSE 'cost' END AS basis
      FROM license L CROSS JOIN months m
      LEFT JOIN cost_license_pricing lp ON lp.license_id = L.id
      LEFT JOIN cost_rate r ON r.kind = 'license' AND r.license_id = L.id
      WHERE {start} < m.me AND (L.ends_on IS NULL OR {end} > m.ms){only}
    ),
    seats AS (
      SELECT id AS seat_id, license_id, person_id, asset_id,
             {day_sql(db, "assigned_at")} AS da, {day_sql(db, "released_at")} AS dr
      FROM license_seat WHERE assigned_at < {p} AND (released_at IS NULL OR released_at >= {p})
    ),
    seat AS (
      SELECT lic.mi, s.seat_id, lic.license_id, s.person_id, s.asset_id, lic.monthly,
             lic.basis, lic.dim,
             {greatest("s.da", "lic.a0")} AS s0, {least("COALESCE(s.dr, lic.a1)", "lic.a1")} AS s1
      FROM seats s JOIN lic ON lic.license_id = s.license_id
      WHERE s.da < lic.a1 AND (s.dr IS NULL OR s.dr > lic.a0)
    ),
    pcc AS ({periods_sql(db)}),
    {_ON_DEVICE},
    dev_held AS (
      SELECT od.mi, od.seat_id, od.license_id, od.person_id, od.asset_id, od.monthly,
             od.basis, od.dim, h.holder_id, pcc.cc,
             {fewest(db, "od.s1", "COALESCE(h.d1, od.s1)", "pcc.d1")}
               - {most(db, "od.s0", "h.d0", "pcc.d0")} AS days
      FROM on_device od JOIN cost_holding h ON h.asset_id = od.asset_id
      JOIN pcc ON pcc.person_id = h.holder_id
      WHERE h.status = 'deployed' AND h.holder_id IS NOT NULL
        AND h.d0 < od.s1 AND (h.d1 IS NULL OR h.d1 > od.s0) AND (h.d1 IS NULL OR h.d1 > h.d0)
        AND pcc.d0 < od.s1 AND pcc.d1 > od.s0
    ),
    seat_cc AS (
      SELECT seat.mi, seat.license_id, seat.person_id, seat.asset_id, seat.monthly,
             seat.basis, seat.dim, 0 AS dev, seat.person_id AS holder_id, pcc.cc,
             {least("seat.s1", "pcc.d1")} - {greatest("seat.s0", "pcc.d0")} AS days
      FROM seat JOIN pcc ON pcc.person_id = seat.person_id
      WHERE seat.s1 > seat.s0 AND pcc.d0 < seat.s1 AND pcc.d1 > seat.s0
      UNION ALL
      SELECT mi, license_id, person_id, asset_id, monthly, basis, dim, 1, holder_id, cc,
             days
      FROM dev_held WHERE days > 0
      UNION ALL
      SELECT od.mi, od.license_id, od.person_id, od.asset_id, od.monthly, od.basis, od.dim,
             1, NULL, '{IT_STOCK}', od.s1 - od.s0 - COALESCE(u.days, 0)
      FROM on_device od
      LEFT JOIN (SELECT mi, seat_id, SUM(days) AS days FROM dev_held WHERE days > 0
                 GROUP BY mi, seat_id) u ON u.mi = od.mi AND u.seat_id = od.seat_id
      WHERE od.s1 - od.s0 - COALESCE(u.days, 0) > 0
    )"""
    return sql, [*args, price, price, max(months).end_at, _at(min(months))]


def license_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    """Seats over a run of consecutive months (`month`: the last of the run)."""
    return license_runs(db, [_range(months)], basis)[0]


def license_runs(db: pw.Database, runs: list[Run], basis: str = "cost") -> list[list[Charge]]:
    """Seats for each run of months, read in one pass: each seat's stretch counted in
    month positions, cut by the holder's cost centres in force and by each run; the idle
    seats over the run, and those of licenses that allow over-use month by month (a
    month's idle seats are never below zero)."""
    price = _price(basis)
    bounds = _bounds(runs)
    lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
    first = Month.from_index(lo)
    p = param(db)
    fs, fe = fmonth_sql(db, "L.starts_on"), fmonth_sql(db, "L.ends_on")
    sums = ", ".join(f"SUM(seat.monthly * {_part(db, 'c0', 'c1', a, z)})" for a, z in bounds)
    owned_lic = ", ".join(f"lic.seats * lic.monthly * {_part(db, 'lic.a0', 'lic.a1', a, z)}"
                          for a, z in bounds)
    rows = db.execute_sql(f"""
    WITH lic AS (
      SELECT L.id AS license_id, L.seats, {fs} AS a0, COALESCE({fe}, {hi}) AS a1,
             CASE WHEN {p} = 1 AND r.amount IS NOT NULL THEN r.amount * 1.0
                  ELSE L.cost_per_seat * 1.0
                       / (CASE WHEN lp.period = 'year' THEN 12 ELSE 1 END) END AS monthly,
             CASE WHEN {p} = 1 AND r.amount IS NOT NULL THEN 'price' ELSE 'cost' END AS basis
      FROM license L
      LEFT JOIN cost_license_pricing lp ON lp.license_id = L.id
      LEFT JOIN cost_rate r ON r.kind = 'license' AND r.license_id = L.id
      WHERE {fs} < {hi} AND (L.ends_on IS NULL OR {fe} > {lo})
    ),
    seats AS (
      SELECT license_id, person_id, asset_id, {fmonth_sql(db, "assigned_at")} AS fa,
             {fmonth_sql(db, "released_at")} AS fr
      FROM license_seat WHERE assigned_at < {p} AND (released_at IS NULL OR released_at >= {p})
    ),
    seat AS (
      SELECT lic.license_id, s.person_id, s.asset_id, lic.monthly, lic.basis,
             {most(db, "s.fa", "lic.a0")} AS s0,
             {fewest(db, "COALESCE(s.fr, lic.a1)", "lic.a1")} AS s1
      FROM seats s JOIN lic ON lic.license_id = s.license_id
      WHERE s.fa < lic.a1 AND (s.fr IS NULL OR s.fr > lic.a0)
    ),
    pcc AS ({periods_sql(db)}),
    {_ON_DEVICE},
    dev_held AS (
      SELECT od.license_id, pcc.cc, od.basis, od.monthly,
             {most(db, "od.s0", "h.f0", "pcc.f0")} AS c0,
             {fewest(db, "od.s1", "COALESCE(h.f1, od.s1)", "pcc.f1")} AS c1
      FROM on_device od JOIN cost_holding h ON h.asset_id = od.asset_id
      JOIN pcc ON pcc.person_id = h.holder_id
      WHERE h.status = 'deployed' AND h.holder_id IS NOT NULL
        AND h.f0 < od.s1 AND (h.f1 IS NULL OR h.f1 > od.s0) AND (h.d1 IS NULL OR h.d1 > h.d0)
        AND pcc.f0 < od.s1 AND pcc.f1 > od.s0
    ),
    cut AS (
      SELECT seat.license_id, pcc.cc, seat.basis, seat.monthly,
             {most(db, "seat.s0", "pcc.f0")} AS c0, {fewest(db, "seat.s1", "pcc.f1")} AS c1
      FROM seat JOIN pcc ON pcc.person_id = seat.person_id
      WHERE seat.s1 > seat.s0 AND pcc.f0 < seat.s1 AND pcc.f1 > seat.s0
      UNION ALL
      SELECT license_id, cc, basis, monthly, c0, c1 FROM dev_held
      UNION ALL  -- a device's seat: IT stock has every day the device's holders did not
      SELECT license_id, '{IT_STOCK}', basis, monthly, s0, s1 FROM on_device
      UNION ALL
      SELECT license_id, '{IT_STOCK}', basis, -monthly, c0, c1 FROM dev_held
    )
    SELECT seat.license_id, seat.cc, seat.basis, {sums} FROM cut seat
    GROUP BY seat.license_id, seat.cc, seat.basis
    UNION ALL
    SELECT L.id, NULL, lic.basis, {owned_lic} FROM lic JOIN license L ON L.id = lic.license_id
    WHERE lic.a1 > lic.a0 AND NOT L.allow_overuse""",
                          [price, price, Month.from_index(hi - 1).end_at,
                           _at(first)]).fetchall()
    idle = _overuse_idle(db, [Month.from_index(i) for i in range(lo, hi)], price)
    out: list[list[Charge]] = []
    for k, (run_first, last) in enumerate(runs):
        used: dict[int, float] = defaultdict(float)
        by_cc: dict[tuple[str, str], float] = defaultdict(float)
        for r in rows:
            if r[1] is not None:
                used[r[0]] += float(r[3 + k] or 0)
                by_cc[(r[1], r[2])] += float(r[3 + k] or 0)
        for r in rows:
            if r[1] is None:  # the seats nobody held stay with IT
                by_cc[(IT_STOCK, r[2])] += max(0.0, float(r[3 + k] or 0) - used[r[0]])
        for c in idle:
            if run_first.index <= c.month <= last.index:
                by_cc[(IT_STOCK, c.basis)] += c.amount
        out.append([Charge(last.index, cc, "licenses", amount, b)
                    for (cc, b), amount in by_cc.items()])
    return out


def _overuse_idle(db: pw.Database, months: list[Month], price: int) -> list[Charge]:
    """The idle seats of licenses that allow over-use, month by month, to IT stock: a
    month's seats nobody held, never below zero (the seats held, even beyond the
    entitlement, are charged with every other seat in `license_runs`)."""
    ctes, args = _license_ctes(db, months, price, overuse=True)
    rows = db.execute_sql(f"""{ctes}
        SELECT lic.mi, lic.basis, lic.monthly, lic.seats, lic.a1 - lic.a0, lic.dim,
               COALESCE(u.days, 0)
        FROM lic LEFT JOIN (SELECT mi, license_id, SUM(s1 - s0) AS days FROM seat
                            WHERE s1 > s0 GROUP BY mi, license_id) u
               ON u.mi = lic.mi AND u.license_id = lic.license_id
        WHERE lic.a1 > lic.a0""", args).fetchall()
    by_month: dict[tuple[int, str], float] = defaultdict(float)
    for mi, b, monthly, seats, active, dim, used in rows:
        by_month[(mi, b)] += float(monthly) * max(0, int(seats) * int(active) - int(used)) \
            / int(dim)
    return [Charge(mi, IT_STOCK, "licenses", amount, b)
            for (mi, b), amount in by_month.items()]


def license_items(db: pw.Database, month: Month, cost_centre: str,
                  basis: str = "cost") -> list[dict]:
    ctes, args = _license_ctes(db, [month], _price(basis))
    if cost_centre == IT_STOCK:
        rows = db.execute_sql(f"""{ctes}
            SELECT pr.name, lic.seats, lic.a1 - lic.a0, lic.monthly, lic.dim, lic.basis,
                   COALESCE(u.days, 0)
            FROM lic JOIN license L ON L.id = lic.license_id
            JOIN product pr ON pr.id = L.product_id
            LEFT JOIN (SELECT license_id, SUM(days) AS days FROM seat_cc
                       GROUP BY license_id) u ON u.license_id = lic.license_id
            WHERE lic.a1 > lic.a0 ORDER BY pr.name""", args).fetchall()
        out = []
        for name, seats, active, monthly, dim, b, used in rows:
            idle = max(0, int(seats) * int(active) - int(used))
            if idle:
                out.append(dict(license=name, holder="seats nobody held", days=idle,
                                monthly=float(monthly), amount=float(monthly) * idle / dim,
                                basis=b))
        return out + [i for i in _seat_items(db, ctes, args, IT_STOCK)]
    return _seat_items(db, ctes, args, cost_centre)


def _seat_items(db: pw.Database, ctes: str, args: list, cost_centre: str) -> list[dict]:
    """The seats behind a line: a person's seat names them; a device's seat names the
    device and who held it on those days (or that nobody did)."""
    p = param(db)
    rows = db.execute_sql(f"""{ctes}
        SELECT pr.name, sc.dev, ax.tag,
               hp.name, COALESCE(hp.employee_id, ''), sc.monthly, sc.dim, sc.basis,
               SUM(sc.days)
        FROM seat_cc sc JOIN license L ON L.id = sc.license_id
        JOIN product pr ON pr.id = L.product_id
        LEFT JOIN person hp ON hp.id = sc.holder_id LEFT JOIN asset ax ON ax.id = sc.asset_id
        WHERE sc.cc = {p}
        GROUP BY sc.license_id, pr.name, sc.dev, sc.person_id, sc.asset_id, ax.tag,
                 sc.holder_id,
                 hp.name, hp.employee_id, sc.monthly, sc.dim, sc.basis
        ORDER BY pr.name, COALESCE(ax.tag, ''), hp.name""", [*args, cost_centre]).fetchall()
    out = []
    for name, on_device, tag, who, emp, monthly, dim, b, days in rows:
        person = f"{who} ({emp})" if emp else str(who or "")
        if on_device:
            holder = f"{tag}, held by {person}" if who else f"{tag}, not held"
        else:
            holder = person or str(tag or "")
        out.append(dict(license=name, holder=holder, days=int(days), monthly=float(monthly),
                        amount=float(monthly) * int(days) / int(dim), basis=b))
    return out


# -- spares, repairs, cloud ----------------------------------------------------------------

def _markup(price: int) -> tuple[str, str]:
    """The price basis's factor on a spare's cost (the rate card's mark-up for its
    category, else for all spares), and the basis it gives; joins `rc` and `rg`."""
    p = str(int(price))
    return (f"CASE WHEN {p} = 1 THEN 1 + COALESCE(rc.amount, rg.amount, 0) / 100.0 ELSE 1 END",
            f"CASE WHEN {p} = 1 AND COALESCE(rc.amount, rg.amount) IS NOT NULL THEN 'price' "
            "ELSE 'cost' END")


_MARKUP_JOINS = """
      LEFT JOIN cost_rate rc ON rc.kind = 'spares' AND rc.category = LOWER(p.category)
      LEFT JOIN cost_rate rg ON rg.kind = 'spares' AND rg.category IS NULL"""


def _spares_sql(db: pw.Database, price: int) -> str:
    """The issues of one run of months, item by item, from the ledger (the items behind a
    line; the charges read `cost_spend_month`, kept by the same rule)."""
    p = param(db)
    factor, which = _markup(price)
    return f"""
      SELECT {month_sql(db, "mv.at")} AS mi,
             {issued_to_sql("mv.kind", "mv.person_id", "mv.at")} AS cc,
             CASE WHEN mv.kind = 'return' THEN -1 ELSE 1 END * mv.quantity
               * COALESCE(mv.unit_cost, p.unit_cost) * {factor} AS amount,
             {which} AS basis,
             mv.at, p.name AS product, mv.quantity, mv.kind,
             COALESCE(mv.unit_cost, p.unit_cost) AS unit_cost, pe.name AS person,
             pe.employee_id
      FROM movement mv JOIN product p ON p.id = mv.product_id
      LEFT JOIN person pe ON pe.id = mv.person_id {_MARKUP_JOINS}
      WHERE mv.kind IN ('issue', 'return', 'consume') AND mv.at >= {p} AND mv.at < {p}
        AND mv.asset_id IS NULL"""


def spare_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    """Spares per month and cost centre, from the monthly spend projection (`spend.py`)."""
    factor, which = _markup(_price(basis))
    p = param(db)
    rows = db.execute_sql(f"""
        SELECT s.month, s.cost_centre, {which}, SUM(s.value * {factor})
        FROM cost_spend_month s
        LEFT JOIN cost_rate rc ON rc.kind = 'spares' AND rc.category = s.category
        LEFT JOIN cost_rate rg ON rg.kind = 'spares' AND rg.category IS NULL
        WHERE s.month >= {p} AND s.month <= {p}
        GROUP BY s.month, s.cost_centre, 3""", [min(months).index, max(months).index]).fetchall()
    return [Charge(mi, cc, "spares", float(a), b) for mi, cc, b, a in rows if a]


def _at(month: Month):
    from datetime import datetime, time

    return datetime.combine(month.first, time())


def spare_items(db: pw.Database, month: Month, cost_centre: str,
                basis: str = "cost") -> list[dict]:
    price = _price(basis)
    p = param(db)
    rows = db.execute_sql(f"""SELECT * FROM ({_spares_sql(db, price)}) x WHERE cc = {p}
                              ORDER BY at""",
                          [_at(month), month.end_at, cost_centre]).fetchall()
    return [dict(date=str(at)[:10], product=product, quantity=(-q if kind == "return" else q),
                 unit_cost=float(uc), person=f"{who} ({emp})" if emp else "",
                 amount=float(amount), basis=b)
            for _mi, _cc, amount, b, at, product, q, kind, uc, who, emp in rows]


def _repairs_sql(db: pw.Database) -> str:
    p = param(db)
    month = month_sql(db, "COALESCE(r.returned_on, r.opened_on)")
    return f"""
      SELECT {month} AS mi, COALESCE(NULLIF(r.cost_centre, ''), '{IT_STOCK}') AS cc,
             r.cost * 1.0 AS amount, a.tag, pr.name, r.vendor, r.reference, r.opened_on,
             r.returned_on, r.outcome
      FROM cost_repair r JOIN asset a ON a.id = r.asset_id
      JOIN product pr ON pr.id = a.product_id
      WHERE r.cost > 0 AND {month} >= {p} AND {month} <= {p}"""


def repair_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    rows = db.execute_sql(f"SELECT mi, cc, SUM(amount) FROM ({_repairs_sql(db)}) x "
                          "GROUP BY mi, cc",
                          [min(months).index, max(months).index]).fetchall()
    return [Charge(mi, cc, "repairs", float(a), "cost") for mi, cc, a in rows]


def repair_items(db: pw.Database, month: Month, cost_centre: str,
                 basis: str = "cost") -> list[dict]:
    p = param(db)
    rows = db.execute_sql(f"SELECT * FROM ({_repairs_sql(db)}) x WHERE cc = {p} ORDER BY tag",
                          [month.index, month.index, cost_centre]).fetchall()
    return [dict(tag=tag, product=name, vendor=vendor, reference=ref, opened_on=str(o)[:10],
                 returned_on=str(r)[:10] if r else "", outcome=out, amount=float(a),
                 basis="cost")
            for _mi, _cc, a, tag, name, vendor, ref, o, r, out in rows]


def cloud_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    p = param(db)
    rows = db.execute_sql(f"SELECT month, cost_centre, SUM(effective_cost) FROM cost_cloud "
                          f"WHERE month >= {p} AND month <= {p} GROUP BY month, cost_centre",
                          [min(months).index, max(months).index]).fetchall()
    return [Charge(mi, cc, "cloud", float(a), "cost") for mi, cc, a in rows]


def cloud_items(db: pw.Database, month: Month, cost_centre: str,
                basis: str = "cost") -> list[dict]:
    p = param(db)
    rows = db.execute_sql(f"""SELECT provider, service_name, service_category, resource_id,
                                     SUM(effective_cost), COUNT(*)
                              FROM cost_cloud WHERE month = {p} AND cost_centre = {p}
                              GROUP BY provider, service_name, service_category, resource_id
                              ORDER BY 5 DESC""", [month.index, cost_centre]).fetchall()
    return [dict(provider=pv, service=s, category=c, resource=r, rows=int(n), amount=float(a),
                 basis="cost") for pv, s, c, r, a, n in rows]


CHARGES = {"devices": device_charges, "licenses": license_charges, "spares": spare_charges,
           "repairs": repair_charges, "cloud": cloud_charges}


def charge_runs(db: pw.Database, runs: list[Run], basis: str = "cost") -> list[list[Charge]]:
    """Every kind of charge for each run of months (devices and seats each in one pass
    over their stretches, whatever the number of runs)."""
    out: list[list[Charge]] = [[] for _ in runs]
    for kind in KINDS:
        if kind == "devices":
            parts = device_runs(db, runs, basis)
        elif kind == "licenses":
            parts = license_runs(db, runs, basis)
        else:
            parts = [CHARGES[kind](db, [first, last], basis) for first, last in runs]
        for k, part in enumerate(parts):
            out[k] += part
    return out
ITEMS = {"devices": device_items, "licenses": license_items, "spares": spare_items,
         "repairs": repair_items, "cloud": cloud_items}
