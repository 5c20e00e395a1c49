"""The month's charges, set-based: one SQL statement per kind of cost (devices, seats,
spares, repairs, cloud), grouped by month and cost centre. Nothing here loops over assets.

The conventions (README, "What IT costs"):
- a device is charged (cost − residual) / life for each month from its purchase month for
  its life; the charge is split by days, each day to the cost centre of whoever held it
  at the end of that day; other days (stock, repair, transit, 3PL, checked out to a
  place) go to IT stock;
- a seat is charged per day it was assigned, to the holder's cost centre (a device's seat:
  the device holder's); the seats nobody held go to IT stock, seats over the entitlement
  are charged too;
- spares: quantity × unit cost at the time of issue (returns credited), to the person's
  cost centre; consumed at a location: IT stock;
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
    fmonth_sql,
    greatest,
    least,
    month_sql,
    months_values,
    param,
)
from .tables import IT_STOCK, OTHER, UNALLOCATED

KINDS = ("devices", "licenses", "spares", "repairs", "cloud")
BASES = ("cost", "price")


def person_cc(alias: str) -> str:
    return f"COALESCE(NULLIF({alias}.cost_centre, ''), '{UNALLOCATED}')"


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


# -- devices -------------------------------------------------------------------------------

def _device_ctes(db: pw.Database, months: list[Month], price: int) -> tuple[str, list]:
    p = param(db)
    values, args = months_values(db, months)
    pm = month_sql(db, "a.purchase_date")
    sql = f"""
    WITH months AS ({values}),
    rules AS (
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
    ),
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
    )"""
    return sql, [*args, price, price]


def _range(months: list[Month]) -> tuple[Month, Month]:
    return min(months), max(months)


def device_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    """The devices' charges over a run of consecutive months, per cost centre (`month` of
    each charge: the last of the run). Each held stretch counts its length in month
    positions (calendar.fmonth_sql): days ÷ days in their month, whatever months it spans."""
    price = _price(basis)
    first, last = _range(months)
    lo, hi = first.index, last.index + 1
    p = param(db)
    pm = month_sql(db, "a.purchase_date")
    life_end = "(b.pm + b.life)"
    held_from = greatest(greatest("h.f0", str(lo)), "b.pm")
    held_to = least(least(f"COALESCE(h.f1, {hi})", str(hi)), life_end)
    rows = db.execute_sql(f"""
    WITH rules AS (
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
    ),
    base AS (
      SELECT a.id AS asset_id, {pm} AS pm, r.life,
             CASE WHEN {p} = 1 AND r.rate IS NOT NULL THEN r.rate
                  ELSE a.purchase_cost * (100 - r.res) / 100.0 / r.life END AS amount,
             CASE WHEN {p} = 1 AND r.rate IS NOT NULL THEN 'price' ELSE 'cost' END AS basis
      FROM asset a JOIN rules r ON r.product_id = a.product_id
      WHERE a.purchase_date IS NOT NULL AND a.purchase_cost > 0
        AND {pm} < {hi} AND {pm} + r.life > {lo}
    )
    SELECT {person_cc("pe")} AS cc, b.basis, SUM(b.amount * ({held_to} - {held_from}))
    FROM cost_holding h JOIN base b ON b.asset_id = h.asset_id
    JOIN person pe ON pe.id = h.holder_id
    WHERE h.status = 'deployed' AND h.holder_id IS NOT NULL
      AND h.f0 < {hi} AND (h.f1 IS NULL OR h.f1 > {lo}) AND (h.d1 IS NULL OR h.d1 > h.d0)
      AND {held_to} > {held_from}
    GROUP BY {person_cc("pe")}, b.basis
    UNION ALL
    SELECT NULL, basis, SUM(amount * ({least(str(hi), "(pm + life)")} - {greatest(str(lo), "pm")}))
    FROM base GROUP BY basis""", [price, price]).fetchall()
    out = [Charge(last.index, cc, "devices", float(amount), b) for cc, b, amount in rows
           if cc is not None]
    left: dict[str, float] = {b: float(t) for cc, b, t in rows if cc is None}
    for c in out:
        left[c.basis] -= c.amount
    out += [Charge(last.index, IT_STOCK, "devices", amount, b) for b, amount in left.items()]
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
        FROM held h JOIN person pe ON pe.id = h.holder_id
        JOIN asset a ON a.id = h.asset_id JOIN product pr ON pr.id = a.product_id
        WHERE {person_cc("pe")} = {p}
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
      SELECT license_id, person_id, asset_id, {day_sql(db, "assigned_at")} AS da,
             {day_sql(db, "released_at")} AS dr
      FROM license_seat WHERE assigned_at < {p} AND (released_at IS NULL OR released_at >= {p})
    ),
    seat AS (
      SELECT lic.mi, lic.license_id, s.person_id, s.asset_id, lic.monthly, lic.basis, lic.dim,
             {least("COALESCE(s.dr, lic.a1)", "lic.a1")} - {greatest("s.da", "lic.a0")} AS days
      FROM seats s JOIN lic ON lic.license_id = s.license_id
      WHERE s.da < lic.a1 AND (s.dr IS NULL OR s.dr > lic.a0)
    ),
    seat_cc AS (
      SELECT seat.*, CASE WHEN seat.person_id IS NOT NULL THEN {person_cc("pp")}
                          WHEN ph.id IS NOT NULL THEN {person_cc("ph")}
                          ELSE '{IT_STOCK}' END AS cc
      FROM seat LEFT JOIN person pp ON pp.id = seat.person_id
      LEFT JOIN asset ax ON ax.id = seat.asset_id
      LEFT JOIN person ph ON ph.id = ax.holder_id
      WHERE seat.days > 0
    )"""
    return sql, [*args, price, price, max(months).end_at, _at(min(months))]


def license_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    """Seats over a run of consecutive months (`month`: the last of the run), each seat's
    stretch counted in month positions; licenses that allow over-use month by month (a
    month's idle seats are never below zero)."""
    price = _price(basis)
    first, last = _range(months)
    lo, hi = first.index, last.index + 1
    p = param(db)
    fs, fe = fmonth_sql(db, "L.starts_on"), fmonth_sql(db, "L.ends_on")
    a0, a1 = greatest(fs, str(lo)), least(f"COALESCE({fe}, {hi})", str(hi))
    rows = db.execute_sql(f"""
    WITH lic AS (
      SELECT L.id AS license_id, L.seats, {a0} AS a0, {a1} AS a1,
             CASE WHEN {p} = 1 AND r.amount IS NOT NULL THEN r.amount * 1.0
                  ELSE L.cost_per_seat * 1.0
                       / (CASE WHEN lp.period = 'year' THEN 12 ELSE 1 END) END AS monthly,
             CASE WHEN {p} = 1 AND r.amount IS NOT NULL THEN 'price' ELSE 'cost' END AS basis
      FROM license L
      LEFT JOIN cost_license_pricing lp ON lp.license_id = L.id
      LEFT JOIN cost_rate r ON r.kind = 'license' AND r.license_id = L.id
      WHERE NOT L.allow_overuse AND {fs} < {hi} AND (L.ends_on IS NULL OR {fe} > {lo})
    ),
    seats AS (
      SELECT license_id, person_id, asset_id, {fmonth_sql(db, "assigned_at")} AS fa,
             {fmonth_sql(db, "released_at")} AS fr
      FROM license_seat WHERE assigned_at < {p} AND (released_at IS NULL OR released_at >= {p})
    ),
    seat AS (
      SELECT lic.license_id, s.person_id, s.asset_id, lic.monthly, lic.basis,
             {least("COALESCE(s.fr, lic.a1)", "lic.a1")} - {greatest("s.fa", "lic.a0")} AS ov
      FROM seats s JOIN lic ON lic.license_id = s.license_id
      WHERE s.fa < lic.a1 AND (s.fr IS NULL OR s.fr > lic.a0)
    )
    SELECT seat.license_id,
           CASE WHEN seat.person_id IS NOT NULL THEN {person_cc("pp")}
                WHEN ph.id IS NOT NULL THEN {person_cc("ph")} ELSE '{IT_STOCK}' END AS cc,
           seat.basis, SUM(seat.monthly * seat.ov)
    FROM seat LEFT JOIN person pp ON pp.id = seat.person_id
    LEFT JOIN asset ax ON ax.id = seat.asset_id LEFT JOIN person ph ON ph.id = ax.holder_id
    WHERE seat.ov > 0
    GROUP BY seat.license_id, 2, seat.basis
    UNION ALL
    SELECT license_id, NULL, basis, seats * monthly * (a1 - a0) FROM lic WHERE a1 > a0""",
                          [price, price, last.end_at, _at(first)]).fetchall()
    used: dict[int, float] = defaultdict(float)
    by_cc: dict[tuple[str, str], float] = defaultdict(float)
    for lic, cc, b, amount in rows:
        if cc is not None:
            used[lic] += float(amount)
            by_cc[(cc, b)] += float(amount)
    for lic, cc, b, owned in rows:
        if cc is None:  # the seats nobody held stay with IT
            by_cc[(IT_STOCK, b)] += max(0.0, float(owned) - used[lic])
    out = [Charge(last.index, cc, "licenses", amount, b) for (cc, b), amount in by_cc.items()]
    monthly = _license_charges_by_month(db, [Month.from_index(i) for i in range(lo, hi)],
                                        price)
    return out + [Charge(last.index, c.cost_centre, c.kind, c.amount, c.basis)
                  for c in monthly]


def _license_charges_by_month(db: pw.Database, months: list[Month],
                              price: int) -> list[Charge]:
    """Licenses that allow over-use, month by month: a month's seats beyond the
    entitlement are charged to whoever holds them, its idle seats never below zero."""
    ctes, args = _license_ctes(db, months, price, overuse=True)
    rows = db.execute_sql(f"""{ctes}
        SELECT mi, license_id, cc, basis, SUM(monthly * days / dim), SUM(days), NULL, NULL
        FROM seat_cc GROUP BY mi, license_id, cc, basis
        UNION ALL
        SELECT mi, license_id, NULL, basis, monthly, a1 - a0, seats, dim FROM lic
        WHERE a1 > a0""", args).fetchall()
    assigned = [r[:6] for r in rows if r[2] is not None]
    licenses = [(mi, lic, seats, active, monthly, dim, b)
                for mi, lic, cc, b, monthly, active, seats, dim in rows if cc is None]
    days_used: dict[tuple[int, int], int] = defaultdict(int)
    by_cc: dict[tuple[int, str, str], float] = defaultdict(float)
    for mi, lic, cc, b, amount, days in assigned:
        days_used[(mi, lic)] += int(days)
        by_cc[(mi, cc, b)] += float(amount)
    for mi, lic, seats, active, monthly, dim, b in licenses:
        # the seats nobody held (and none beyond the entitlement) stay with IT
        idle = max(0, int(seats) * int(active) - days_used[(mi, lic)])
        by_cc[(mi, IT_STOCK, b)] += float(monthly) * idle / int(dim)
    return [Charge(mi, cc, "licenses", amount, b) for (mi, cc, b), amount in by_cc.items()]


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
    p = param(db)
    rows = db.execute_sql(f"""{ctes}
        SELECT pr.name, COALESCE(pp.name, ax.tag), COALESCE(pp.employee_id, ''),
               sc.days, sc.monthly, sc.dim, sc.basis
        FROM seat_cc sc JOIN license L ON L.id = sc.license_id
        JOIN product pr ON pr.id = L.product_id
        LEFT JOIN person pp ON pp.id = sc.person_id LEFT JOIN asset ax ON ax.id = sc.asset_id
        WHERE sc.cc = {p} ORDER BY pr.name, 2""", [*args, cost_centre]).fetchall()
    return [dict(license=name, holder=f"{who} ({emp})" if emp else str(who), days=int(days),
                 monthly=float(monthly), amount=float(monthly) * int(days) / int(dim), basis=b)
            for name, who, emp, days, monthly, dim, b in rows]


# -- spares, repairs, cloud ----------------------------------------------------------------

def _spares_sql(db: pw.Database, price: int, *, where: str = "") -> str:
    p = param(db)
    return f"""
      SELECT {month_sql(db, "mv.at")} AS mi,
             CASE WHEN mv.kind = 'consume' OR pe.id IS NULL THEN '{IT_STOCK}'
                  ELSE {person_cc("pe")} END AS cc,
             CASE WHEN mv.kind = 'return' THEN -1 ELSE 1 END * mv.quantity
               * COALESCE(mv.unit_cost, p.unit_cost) * 1.0
               * CASE WHEN {p} = 1 THEN 1 + COALESCE(rc.amount, rg.amount, 0) / 100.0
                      ELSE 1 END AS amount,
             CASE WHEN {p} = 1 AND COALESCE(rc.amount, rg.amount) IS NOT NULL THEN 'price'
                  ELSE 'cost' END AS basis,
             mv.at, p.name AS product, mv.quantity, mv.kind,
             COALESCE(mv.unit_cost, p.unit_cost) AS unit_cost, pe.name AS person,
             pe.employee_id
      FROM movement mv JOIN product p ON p.id = mv.product_id
      LEFT JOIN person pe ON pe.id = mv.person_id
      LEFT JOIN cost_rate rc ON rc.kind = 'spares' AND rc.category = LOWER(p.category)
      LEFT JOIN cost_rate rg ON rg.kind = 'spares' AND rg.category IS NULL
      WHERE mv.kind IN ('issue', 'return', 'consume') AND mv.at >= {p} AND mv.at < {p}
        AND mv.asset_id IS NULL {where}"""


def spare_charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    price = _price(basis)
    rows = db.execute_sql(f"""SELECT mi, cc, basis, SUM(amount) FROM ({_spares_sql(db, price)}) x
                              GROUP BY mi, cc, basis""",
                          [price, price, _at(min(months)), max(months).end_at]).fetchall()
    return [Charge(mi, cc, "spares", float(a), b) for mi, cc, b, a in rows]


def _at(month: Month):
    from datetime import datetime, time

    return datetime.combine(month.first, time())


def spare_items(db: pw.Database, month: Month, cost_centre: str,
                basis: str = "cost") -> list[dict]:
    price = _price(basis)
    p = param(db)
    rows = db.execute_sql(f"""SELECT * FROM ({_spares_sql(db, price)}) x WHERE cc = {p}
                              ORDER BY at""",
                          [price, price, _at(month), month.end_at, cost_centre]).fetchall()
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
ITEMS = {"devices": device_items, "licenses": license_items, "spares": spare_items,
         "repairs": repair_items, "cloud": cloud_items}
