"""The numbers a manager steers by (`python main.py kpi`, the dashboard's Business tab).
Each is computed from the ledger and its projections with set-based SQL; the README
("The numbers a manager steers by") gives each definition, and tests check each on a
small hand-computed case.

- Inventory turns, last 12 months: value issued or deployed (spares and consumables
  issued or consumed at their unit cost then, from the monthly flows `stockouts.py` keeps;
  devices checked out at purchase cost) ÷ the
  average value of stock on hand at cost (the first day of each of the last 12 months and
  today). Days of supply: stock on hand today ÷ that value issued per day (÷ 365).
- Stock value per location: spares and consumables (quantity × unit cost) and devices in
  stock (purchase cost), rolled up to each site, 3PL and MSP by name. Aged stock: devices
  in stock since more than 90 / 180 days; quantities on hand beyond what arrived there in
  the last 90 / 180 days (first in, first out).
- Achieved service, the last 12 complete months, per item × stocking location with demand
  (`demand_month`): stock-out days (days ending with nothing on hand, `stockouts.py`),
  availability (the other days' share) against the item's service target, and the fill
  rate: demand met ÷ (met + what was likely missed: the item's demand per in-stock day ×
  its stock-out days). Days before an item first
  had stock at a location in the window are not counted (it was not stocked there yet).
- Suppliers, orders received in the last 12 months: on time (received on or before the
  expected day) and in full (every line received in full); observed lead time (ordered →
  received) mean and standard deviation against the supplier's quoted lead time.
- Licenses: seats used ÷ owned today; the monthly cost of the idle seats.
- Cost per employee per month by department (last complete month): each cost centre's
  showback total shared out by its active people's departments, ÷ the department's people.
- Spend against budget: this year to date per cost centre.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import peewee as pw

from .. import clock
from ..db import Handle, unwrap
from ..models import STOCKING_KINDS, Location
from .calendar import Month, day_sql, greatest, least, month_of_day_sql, param

DEFAULT_TARGET = 0.95
TARGET_KEY = "reorder.service_level"


@dataclass
class Kpis:
    today: date
    turns: float | None = None
    days_of_supply: float | None = None
    issued_value: float = 0.0
    average_stock: float = 0.0
    stock_now: float = 0.0
    trend: list[tuple[str, float, float]] = field(default_factory=list)  # month, value, used
    by_location: list[tuple[str, float]] = field(default_factory=list)
    aged_90: float = 0.0
    aged_180: float = 0.0
    stockout_days: int = 0
    fill_rate: float | None = None
    meeting_target: int = 0
    service_items: int = 0
    below_target: list[tuple[str, str, float, float, int]] = field(default_factory=list)
    suppliers: list[tuple[str, int, float, float, float, float]] = field(default_factory=list)
    seats_used: int = 0
    seats_owned: int = 0
    idle_cost: float = 0.0
    licenses: list[tuple[str, int, int, float]] = field(default_factory=list)
    per_employee: list[tuple[str, int, float]] = field(default_factory=list)
    cost_month: str = ""
    budgets: list[tuple[str, float, float]] = field(default_factory=list)  # cc, budget, spent

    def rows(self) -> list[tuple[str, str, object, str, str]]:
        """(KPI, scope, value, unit, note) for the command line and its files."""
        out: list[tuple[str, str, object, str, str]] = [
            ("Inventory turns", "last 12 months", _r(self.turns, 2), "turns a year",
             f"issued or deployed {self.issued_value:,.2f} ÷ average stock "
             f"{self.average_stock:,.2f}"),
            ("Days of supply", "today", _r(self.days_of_supply, 1), "days",
             f"stock on hand {self.stock_now:,.2f}"),
        ]
        out += [("Stock value", name, round(v, 2), "at cost", "") for name, v in
                self.by_location]
        out += [("Aged stock", "in stock > 90 days", round(self.aged_90, 2), "at cost",
                 "cash standing still"),
                ("Aged stock", "in stock > 180 days", round(self.aged_180, 2), "at cost", ""),
                ("Fill rate", "last 12 months", _pct(self.fill_rate), "% of demand",
                 "met from stock"),
                ("Stock-out days", "last 12 months", self.stockout_days,
                 "item × location days", f"{self.service_items} items × locations with "
                 "demand"),
                ("Meeting the service target", "items × locations", self.meeting_target,
                 f"of {self.service_items}", "availability ≥ the reorder policy's target")]
        out += [("Supplier OTIF", name, _pct(otif), "% of orders",
                 f"{n} orders; lead time {mean:.1f} ± {sd:.1f} days vs {quoted:.0f} quoted")
                for name, n, otif, mean, sd, quoted in self.suppliers]
        out += [("License utilisation", "all licenses",
                 _pct(self.seats_used / self.seats_owned if self.seats_owned else None),
                 "% of seats", f"{self.seats_used:,} of {self.seats_owned:,} seats"),
                ("Idle seats", "all licenses", round(self.idle_cost, 2), "a month", "")]
        out += [("Cost per employee", dept, round(cost, 2), "a month",
                 f"{people} people, {self.cost_month}") for dept, people, cost in
                self.per_employee]
        out += [("Spend vs budget", cc, _pct(spent / budget if budget else None), "% used",
                 f"{spent:,.2f} of {budget:,.2f} this year") for cc, budget, spent in
                self.budgets]
        return out


def _r(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _stocking_ids(db: pw.Database) -> list[int]:
    return [i for (i,) in Location.select(Location.id)
            .where(Location.kind.in_(list(STOCKING_KINDS))).tuples()]


def _in_list(ids: list[int]) -> str:
    return "(" + (", ".join(str(int(i)) for i in ids) or "NULL") + ")"


def _at(day: date):
    from datetime import datetime, time

    return datetime.combine(day, time())


# -- turns, value, aged stock ------------------------------------------------------------

def _turns(db: pw.Database, k: Kpis, stocking: list[int]) -> None:
    p, s = param(db), _in_list(stocking)
    today = k.today
    first = Month.of(today).shift(-11)
    points = [first.shift(i).first for i in range(12)] + [today + timedelta(days=1)]
    spares_now = db.execute_sql(
        f"SELECT COALESCE(SUM(sl.quantity * p.unit_cost), 0) FROM stock_level sl "
        f"JOIN product p ON p.id = sl.product_id WHERE sl.location_id IN {s}").fetchone()[0]
    flows = db.execute_sql(f"""
        SELECT f.month, SUM(f.net * p.unit_cost), SUM(f.used_value)
        FROM cost_flow_month f JOIN product p ON p.id = f.product_id
        WHERE f.month >= {p} GROUP BY f.month""", [first.index]).fetchall()
    deployed = dict(db.execute_sql(f"""
        SELECT {month_of_day_sql(db, "h.d0")}, SUM(COALESCE(a.purchase_cost, 0))
        FROM cost_holding h JOIN asset a ON a.id = h.asset_id
        WHERE h.status = 'deployed' AND h.d0 >= {p}
        GROUP BY {month_of_day_sql(db, "h.d0")}""", [first.start_day]).fetchall())
    rows = [(mi, dv, used, deployed.get(mi, 0)) for mi, dv, used in flows]
    rows += [(mi, 0, 0, v) for mi, v in deployed.items() if mi not in {r[0] for r in flows}]
    by_month = {mi: (float(dv), float(used), float(dep)) for mi, dv, used, dep in rows}
    # devices in stock on each point: one pass over the in-stock stretches, a sum per point
    days = [d.toordinal() for d in points]
    sums = ", ".join(f"SUM(CASE WHEN h.d0 < {int(d)} AND (h.d1 IS NULL OR h.d1 >= {int(d)}) "
                     "THEN a.purchase_cost ELSE 0 END)" for d in days)
    at_points = db.execute_sql(f"""
        SELECT {sums} FROM cost_holding h JOIN asset a ON a.id = h.asset_id
        WHERE h.status = 'in_stock' AND h.d0 < {p} AND (h.d1 IS NULL OR h.d1 >= {p})""",
                               [max(days), min(days)]).fetchone()
    devices_at = {d: float(v or 0) for d, v in zip(days, at_points, strict=True)}
    # value on the morning of each point: today's value less what arrived since
    spares = float(spares_now)
    later = 0.0
    series = []
    for i in range(11, -1, -1):
        mo = first.shift(i)
        later += by_month.get(mo.index, (0.0, 0.0, 0.0))[0]
        series.append((mo, spares - later + devices_at.get(mo.first.toordinal(), 0.0)))
    series.reverse()
    k.stock_now = spares + devices_at.get(points[-1].toordinal(), 0.0)
    values_ = [v for _, v in series] + [k.stock_now]
    k.average_stock = sum(values_) / len(values_)
    k.issued_value = sum(u + d for _, u, d in by_month.values())
    k.turns = k.issued_value / k.average_stock if k.average_stock > 0 else None
    per_day = k.issued_value / 365
    k.days_of_supply = k.stock_now / per_day if per_day > 0 else None
    k.trend = [(str(mo), v, sum(by_month.get(mo.index, (0.0, 0.0, 0.0))[1:]))
               for mo, v in series]


def _by_location(db: pw.Database, k: Kpis, stocking: list[int]) -> None:
    s = _in_list(stocking)
    rows = db.execute_sql(f"""
        SELECT loc, SUM(v) FROM (
          SELECT sl.location_id AS loc, sl.quantity * p.unit_cost AS v FROM stock_level sl
          JOIN product p ON p.id = sl.product_id WHERE sl.location_id IN {s}
          UNION ALL
          SELECT a.location_id, a.purchase_cost FROM asset a
          WHERE a.status = 'in_stock' AND a.location_id IN {s} AND a.purchase_cost IS NOT NULL
        ) x GROUP BY loc""").fetchall()
    places = {i: (name, parent) for i, name, parent in
              Location.select(Location.id, Location.name, Location.parent).tuples()}

    def root(i: int) -> str:
        seen = set()
        while places[i][1] is not None and i not in seen:
            seen.add(i)
            i = places[i][1]
        return places[i][0]

    totals: dict[str, float] = {root(i): 0.0 for i in stocking}  # every site, 3PL, MSP
    for loc, value in rows:
        totals[root(loc)] += float(value or 0)
    k.by_location = sorted(totals.items(), key=lambda kv: -kv[1])


def _aged(db: pw.Database, k: Kpis, stocking: list[int]) -> None:
    p, s = param(db), _in_list(stocking)
    d90, d180 = k.today - timedelta(days=90), k.today - timedelta(days=180)
    spares = db.execute_sql(f"""
        SELECT SUM(CASE WHEN sl.quantity > COALESCE(r.r90, 0)
                        THEN (sl.quantity - COALESCE(r.r90, 0)) * p.unit_cost ELSE 0 END),
               SUM(CASE WHEN sl.quantity > COALESCE(r.r180, 0)
                        THEN (sl.quantity - COALESCE(r.r180, 0)) * p.unit_cost ELSE 0 END)
        FROM stock_level sl JOIN product p ON p.id = sl.product_id
        LEFT JOIN (SELECT product_id, to_location_id AS loc,
                          SUM(CASE WHEN at >= {p} THEN quantity ELSE 0 END) AS r90,
                          SUM(quantity) AS r180
                   FROM movement WHERE at >= {p} AND asset_id IS NULL AND license_id IS NULL
                     AND to_location_id IN {s}
                   GROUP BY product_id, to_location_id) r
               ON r.product_id = sl.product_id AND r.loc = sl.location_id
        WHERE sl.location_id IN {s} AND sl.quantity > 0""",
                            [_at(d90), _at(d180)]).fetchone()
    devices = db.execute_sql(f"""
        SELECT SUM(CASE WHEN h.d0 <= {p} THEN a.purchase_cost ELSE 0 END),
               SUM(CASE WHEN h.d0 <= {p} THEN a.purchase_cost ELSE 0 END)
        FROM cost_holding h JOIN asset a ON a.id = h.asset_id
        WHERE h.status = 'in_stock' AND h.d1 IS NULL AND a.status = 'in_stock'""",
                             [d90.toordinal(), d180.toordinal()]).fetchone()
    k.aged_90 = float(spares[0] or 0) + float(devices[0] or 0)
    k.aged_180 = float(spares[1] or 0) + float(devices[1] or 0)


# -- achieved service ----------------------------------------------------------------------

def _service(db: pw.Database, k: Kpis, stocking: list[int]) -> None:
    """From the demand table (demand per product × location × month) and the stock-out
    projection (when each ran out where): no replay of the ledger."""
    p, s = param(db), _in_list(stocking)
    this = Month.of(k.today)
    start, end = this.shift(-12), this  # the last 12 complete months
    w0, w1 = start.first.toordinal(), end.first.toordinal()
    rows = db.execute_sql(f"""
        WITH demand AS (
          SELECT product_id AS pr, location_id AS loc, SUM(quantity) AS used
          FROM demand_month WHERE grp = 'use' AND month >= {p} AND month < {p}
            AND location_id IN {s}
          GROUP BY product_id, location_id HAVING SUM(quantity) > 0),
        outs AS (
          SELECT product_id AS pr, location_id AS loc,
                 SUM({least("d1", str(w1))} - {greatest("d0", str(w0))}) AS days
          FROM cost_stockout WHERE d1 > {p} AND d0 < {p} AND location_id IN {s}
          GROUP BY product_id, location_id)
        SELECT d.pr, d.loc, d.used, COALESCE(o.days, 0)
                 + CASE WHEN b.out_since IS NOT NULL AND b.out_since < {p}
                        THEN {p} - {greatest("b.out_since", str(w0))} ELSE 0 END,
               {greatest("COALESCE(b.first_in, " + str(w0) + ")", str(w0))},
               pr.name, l.name, pr.service_level, pr.category
        FROM demand d JOIN cost_balance b ON b.product_id = d.pr AND b.location_id = d.loc
        LEFT JOIN outs o ON o.pr = d.pr AND o.loc = d.loc
        JOIN product pr ON pr.id = d.pr JOIN location l ON l.id = d.loc""",
                          [start.index, end.index, w0, w1, w1, w1]).fetchall()
    targets = _targets(db)
    met = missed = 0.0
    for _pr, _loc, used, out, since, name, loc_name, own, category in rows:
        days = max(1, w1 - int(since))  # from its first stock in the window
        out = max(0, min(days, int(out)))
        target = float(own) if own else targets.get((category or "").lower(), targets[""])
        available = 1 - out / days
        k.service_items += 1
        k.stockout_days += out
        in_stock = days - out
        met += float(used)
        missed += float(used) / in_stock * out if in_stock else 0.0
        if available >= target:
            k.meeting_target += 1
        else:
            k.below_target.append((name, loc_name, available, target, out))
    k.below_target.sort(key=lambda r: r[2])
    k.fill_rate = met / (met + missed) if met + missed > 0 else None


def _targets(db: pw.Database) -> dict[str, float]:
    """'' -> the default target; category (lower case) -> its target."""
    from ..models import ServiceTarget, Setting

    row = Setting.get_or_none(Setting.key == TARGET_KEY)
    try:
        default = float(row.value) if row is not None else DEFAULT_TARGET
    except ValueError:
        default = DEFAULT_TARGET
    out = {"": default}
    for key, level in (ServiceTarget.select(ServiceTarget.key, ServiceTarget.service_level)
                       .where(ServiceTarget.scope == "category").tuples()):
        out[key.lower()] = float(level)
    return out


# -- suppliers, licenses -------------------------------------------------------------------

def _suppliers(db: pw.Database, k: Kpis) -> None:
    p = param(db)
    lead = f"({day_sql(db, 'po.received_at')} - {day_sql(db, 'po.ordered_at')})"
    rows = db.execute_sql(f"""
        SELECT s.name, COUNT(*),
               SUM(CASE WHEN {day_sql(db, 'po.received_at')} <= {day_sql(db, 'po.expected_at')}
                         AND NOT EXISTS (SELECT 1 FROM purchase_order_line ln
                                         WHERE ln.order_id = po.id
                                           AND ln.received_quantity < ln.quantity)
                        THEN 1 ELSE 0 END),
               SUM({lead} * 1.0), SUM({lead} * {lead} * 1.0), s.lead_time_days
        FROM purchase_order po JOIN supplier s ON s.id = po.supplier_id
        WHERE po.received_at IS NOT NULL AND po.ordered_at IS NOT NULL
          AND po.expected_at IS NOT NULL AND po.received_at >= {p}
        GROUP BY s.name, s.lead_time_days ORDER BY s.name""",
                          [_at(k.today - timedelta(days=365))]).fetchall()
    for name, n, ok, total, squares, quoted in rows:
        n = int(n)
        mean = float(total) / n
        var = max(0.0, float(squares) / n - mean * mean) * n / (n - 1) if n > 1 else 0.0
        k.suppliers.append((name, n, int(ok) / n, mean, math.sqrt(var), float(quoted)))


def _licenses(db: pw.Database, k: Kpis) -> None:
    p = param(db)
    today = k.today
    rows = db.execute_sql(f"""
        SELECT pr.name, L.seats, COALESCE(u.used, 0),
               L.cost_per_seat * 1.0 / (CASE WHEN lp.period = 'year' THEN 12 ELSE 1 END)
        FROM license L JOIN product pr ON pr.id = L.product_id
        LEFT JOIN cost_license_pricing lp ON lp.license_id = L.id
        LEFT JOIN (SELECT license_id, COUNT(*) AS used FROM license_seat
                   WHERE released_at IS NULL GROUP BY license_id) u ON u.license_id = L.id
        WHERE L.starts_on <= {p} AND (L.ends_on IS NULL OR L.ends_on > {p})
        ORDER BY pr.name""", [today, today]).fetchall()
    for name, seats, used, monthly in rows:
        seats, used = int(seats), int(used)
        k.seats_owned += seats
        k.seats_used += min(used, seats)
        k.idle_cost += max(0, seats - used) * float(monthly)
        k.licenses.append((name, used, seats, max(0, seats - used) * float(monthly)))


# -- cost per employee, budgets ------------------------------------------------------------

def _per_employee(db: pw.Database, k: Kpis, totals: dict[str, float]) -> None:
    heads = db.execute_sql(
        "SELECT department, cost_centre, COUNT(*) FROM person WHERE active "
        + ("= TRUE" if _pg(db) else "= 1") + " GROUP BY department, cost_centre").fetchall()
    per_cc: dict[str, int] = defaultdict(int)
    for _dept, cc_, n in heads:
        per_cc[cc_] += int(n)
    cost: dict[str, float] = defaultdict(float)
    people: dict[str, int] = defaultdict(int)
    for dept, cc_, n in heads:
        name = dept or "(no department)"
        people[name] += int(n)
        cost[name] += totals.get(cc_, 0.0) * int(n) / per_cc[cc_]
    k.per_employee = sorted(((d, people[d], cost[d] / people[d]) for d in people),
                            key=lambda r: -r[2])


def _pg(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def _costs(db: pw.Database, k: Kpis) -> None:
    """Cost per employee (last complete month) and spend against budget (this year to
    date)."""
    from .charges import charge_runs
    from .tables import Budget

    this = Month.of(k.today)
    last = this.shift(-1)
    month_part, year_part = charge_runs(db, [(last, last), (Month(this.year, 1), this)])
    month_totals: dict[str, float] = defaultdict(float)
    for c in month_part:
        month_totals[c.cost_centre] += c.amount
    k.cost_month = last.label()
    _per_employee(db, k, month_totals)
    spent: dict[str, float] = defaultdict(float)
    for c in year_part:
        spent[c.cost_centre] += c.amount
    k.budgets = [(cc_, float(amount), spent.get(cc_, 0.0)) for cc_, amount in
                 Budget.select(Budget.cost_centre, Budget.amount)
                 .where((Budget.year == this.year) & (Budget.amount > 0))
                 .order_by(Budget.cost_centre).tuples()]


def compute(db: Handle, today: date | None = None) -> Kpis:
    """Every KPI for `today` (default: the clock's today)."""
    db = unwrap(db)
    k = Kpis(today or clock.today())
    stocking = _stocking_ids(db)
    _turns(db, k, stocking)
    _by_location(db, k, stocking)
    _aged(db, k, stocking)
    _service(db, k, stocking)
    _suppliers(db, k)
    _licenses(db, k)
    _costs(db, k)
    return k

