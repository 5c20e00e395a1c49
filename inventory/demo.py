"""A seeded, repeatable demo database: a realistic IT department with two years of history.

Rows are written in bulk (the services would take minutes at benchmark scale), but the
ledger and the projections are built together here, so `verify` must find them equal,
and the builder keeps the rules the services enforce (one open seat per person or device
and license, no more seats than a license allows unless over-use is allowed, nothing
issued to someone after they left), so the rule audit finds nothing either.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import peewee as pw

from . import clock
from . import models as m
from .codes import gtin_check_digit
from .db import Handle, is_postgres, unwrap
from .demo_catalog import (
    DEPARTMENTS,
    DEVICE_MODELS,
    FIRST,
    LAST,
    LICENSE_PRODUCTS,
    SPARE_FAMILIES,
    SUPPLIERS,
)
from .errors import ValidationError
from .operators import OperatorRef
from .roles import require
from .services import chain
from .services.purchasing import ORDER_DIGITS

HISTORY_DAYS = 730
CHUNK = 400

MOVE_FIELDS = [
    m.Movement.at, m.Movement.kind, m.Movement.product, m.Movement.asset, m.Movement.license,
    m.Movement.quantity, m.Movement.from_location, m.Movement.to_location, m.Movement.person,
    m.Movement.holder, m.Movement.asset_status, m.Movement.operator, m.Movement.reference,
    m.Movement.source, m.Movement.note, m.Movement.unit_cost,
]


@dataclass
class DemoSummary:
    people: int
    products: int
    assets: int
    movements: int
    licenses: int
    orders: int
    today: date


def _gtin(rng: random.Random, prefix: str) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(12 - len(prefix)))
    return "0" + body + gtin_check_digit(body)


def _bulk(model: type[m.BaseModel], rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        model.insert_many(rows[i:i + CHUNK]).execute()


class _Builder:
    def __init__(self, op: OperatorRef, scale: int, seed: int, today: date):
        self.op = op.id
        self.scale = scale
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.today = today
        self.start = today - timedelta(days=HISTORY_DAYS)
        self.moves: list[tuple] = []
        self.stock: dict[tuple[int, int], int] = defaultdict(int)
        self.orders: list[dict] = []
        self.order_lines: list[dict] = []
        self.shipments: list[tuple[str, int, int, int]] = []  # (number, to, product, qty)

    def at(self, day: date, hour: int | None = None) -> datetime:
        h = hour if hour is not None else self.rng.randrange(8, 18)
        return datetime.combine(day, time(h, self.rng.randrange(60), self.rng.randrange(60)))

    def move(self, at, kind, product, *, asset=None, qty=1, src=None, dst=None, person=None,
             holder=None, status=None, ref="", note="", cost=None, license=None):
        self.moves.append((at, kind, product, asset, license, qty, src, dst, person, holder,
                           status, self.op, ref, "manual", note, cost))
        if asset is None and license is None:
            if src:
                self.stock[(product, src)] -= qty
            if dst:
                self.stock[(product, dst)] += qty

    # -- catalogue ---------------------------------------------------------------------
    def locations(self) -> None:
        rows = [
            (1, "Head office", "SITE-HQ", "site", None, ""),
            (2, "HQ stockroom", "LOC-HQ-SR", "stockroom", 1, ""),
            (3, "Branch office", "SITE-BR", "site", None, ""),
            (4, "Branch stockroom", "LOC-BR-SR", "stockroom", 3, ""),
            (5, "Northwind Logistics (3PL)", "LOC-3PL-NW", "3pl", None, "Northwind Logistics"),
            (6, "Contoso Managed Services (MSP)", "LOC-MSP-CT", "msp", None, "Contoso MS"),
            (7, "Repair bench", "LOC-REPAIR", "repair", 1, ""),
            (8, "In transit", "IN-TRANSIT", "in_transit", None, ""),
            (9, "Disposal cage", "LOC-DISPOSAL", "disposal", 1, ""),
        ]
        for i in range(1, 4):
            rows.append((9 + i, f"HQ shelf A{i}", f"LOC-HQ-A{i}", "stockroom", 2, ""))
        _bulk(m.Location, [dict(id=i, name=n, code=c, kind=k, parent=p, partner=pt)
                           for i, n, c, k, p, pt in rows])
        _bulk(m.TransferLane, [
            dict(source=5, destination=2, lead_time_days=2),
            dict(source=5, destination=4, lead_time_days=3),
            dict(source=6, destination=4, lead_time_days=1),
        ])
        self.hq, self.br, self.tpl, self.msp, self.repair, self.transit, self.disposal = (
            2, 4, 5, 6, 7, 8, 9)

    def people(self) -> None:
        n = 300 * self.scale
        rows: list[dict[str, Any]] = []
        self.person_site: dict[int, int] = {}
        self.left_on: dict[int, date] = {}
        for i in range(1, n + 1):
            dept, cc = self.rng.choice(DEPARTMENTS)
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            site = 1 if self.rng.random() < 0.7 else 3
            left = self.today - timedelta(days=self.rng.randrange(10, 300)) \
                if self.rng.random() < 0.04 else None
            rows.append(dict(id=i, employee_id=f"E{10000 + i}", name=f"{first} {last}",
                             email=f"{first}.{last}{i}@example.com".lower(), department=dept,
                             cost_centre=cc, site=site, active=left is None, left_on=left))
            self.person_site[i] = site
            if left is not None:
                self.left_on[i] = left
        _bulk(m.Person, rows)
        self.active_people = [r["id"] for r in rows if r["active"]]
        self.left_people = [r["id"] for r in rows if not r["active"]]

    def suppliers(self) -> None:
        _bulk(m.Supplier, [dict(id=i, name=n, email=f"orders@{n.split()[0].lower()}.example",
                                lead_time_days=lt)
                           for i, (n, lt, _) in enumerate(SUPPLIERS, 1)])
        self.lead = {i: (lt, sd) for i, (_, lt, sd) in enumerate(SUPPLIERS, 1)}

    def products(self) -> None:
        rows: list[dict[str, Any]] = []
        offers: list[dict[str, Any]] = []
        row: dict[str, Any]
        pid = 0
        self.devices: list[tuple[int, dict]] = []
        self.spares: list[tuple[int, dict]] = []
        for k in range(self.scale):
            tag = f" #{k + 1}" if k else ""
            for name, maker, cat, part, cost, years in DEVICE_MODELS:
                pid += 1
                row = dict(id=pid, name=name + tag, kind="device", manufacturer=maker,
                           category=cat, part_number=part + (f"-{k}" if k else ""),
                           gtin=_gtin(self.rng, "50"), unit_cost=Decimal(cost),
                           keep_spares=cat in ("Laptop", "Phone", "Dock"),
                           replacement_rate=0.08)
                rows.append(row)
                self.devices.append((pid, dict(row, years=years)))
            for pattern, maker, cat, cost, kind, variants in SPARE_FAMILIES:
                for v in variants:
                    pid += 1
                    row = dict(id=pid, name=pattern.format(v) + tag, kind=kind,
                               manufacturer=maker, category=cat,
                               part_number=f"{maker[:3].upper()}-{pid:05d}",
                               gtin=_gtin(self.rng, "40"), unit_cost=Decimal(cost))
                    rows.append(row)
                    self.spares.append((pid, row))
        self.license_products = []
        for name, _, _ in LICENSE_PRODUCTS:
            pid += 1
            rows.append(dict(id=pid, name=name, kind="license", manufacturer="",
                             category="Software", part_number="", gtin=None, unit_cost=0))
            self.license_products.append(pid)
        _bulk(m.Product, rows)
        self.offer = {}
        oid = 0
        for p, row in self.devices + self.spares:
            sups = self.rng.sample(range(1, len(SUPPLIERS) + 1), k=self.rng.choice((1, 2)))
            for j, s in enumerate(sups):
                oid += 1
                pack = 1 if row["kind"] == "device" else self.rng.choice((1, 1, 5, 10))
                price = (row["unit_cost"] * Decimal(self.rng.uniform(0.9, 1.05))).quantize(
                    Decimal("0.01"))
                offers.append(dict(id=oid, supplier=s, product=p, unit_price=price,
                                   pack_size=pack, min_order=pack * self.rng.choice((1, 2)),
                                   lead_time_days=self.lead[s][0], preferred=j == 0,
                                   supplier_part=f"S{s}-{p:06d}"))
                if j == 0:
                    self.offer[p] = (s, price, pack)
        _bulk(m.SupplierOffer, offers)

    # -- history -------------------------------------------------------------------------
    def order(self, supplier: int, ship_to: int, lines: list[tuple[int, int, Decimal]],
              received: date | None, lead_days: float) -> str:
        n = len(self.orders) + 1
        received_at = self.at(received, 10) if received else None
        ordered = (received_at - timedelta(days=lead_days)) if received_at else \
            self.at(self.today - timedelta(days=self.rng.randrange(1, 10)), 9)
        number = f"PO-{ordered.year}-{n:0{ORDER_DIGITS}d}"
        status = "received" if received else "ordered"
        self.orders.append(dict(id=n, number=number, supplier=supplier, ship_to=ship_to,
                                status=status, created_at=ordered, ordered_at=ordered,
                                expected_at=ordered + timedelta(days=self.lead[supplier][0]),
                                received_at=received_at, created_by=self.op))
        for product, qty, price in lines:
            self.order_lines.append(dict(order=n, product=product, quantity=qty,
                                         received_quantity=qty if received else 0,
                                         unit_price=price))
        return number

    def lead_days(self, supplier: int) -> float:
        mean, sd = self.lead[supplier]
        return max(1.0, self.rng.gauss(mean, sd))

    def assets(self) -> None:
        n = 2000 * self.scale
        rows = []
        tag = 0
        batches: dict[tuple[int, date], list[int]] = defaultdict(list)
        weights = [5 if row["category"] in ("Laptop", "Monitor", "Dock", "Phone") else 1
                   for _, row in self.devices]
        models = self.rng.choices(self.devices, weights=weights, k=n)
        for pid, row in models:
            tag += 1
            bought = self.today - timedelta(days=self.rng.randrange(5, 4 * 365))
            bought = max(bought, self.start) if self.rng.random() < 0.6 else bought
            home = self.hq if self.rng.random() < 0.7 else self.br
            serial = f"{row['manufacturer'][:2].upper()}{self.rng.randrange(16**8):08X}"
            rows.append(dict(id=tag, tag=f"IT-{tag:06d}", serial=serial,
                             manufacturer=row["manufacturer"], product=pid, status="in_stock",
                             location=home, purchase_cost=row["unit_cost"],
                             purchase_date=bought,
                             warranty_end=bought + timedelta(days=365 * row["years"])))
            batches[(pid, bought.replace(day=1))].append(tag)
        by_id = {r["id"]: r for r in rows}
        for (pid, _), tags in batches.items():
            first = by_id[tags[0]]
            supplier, price, _ = self.offer[pid]
            ref = self.order(supplier, first["location"], [(pid, len(tags), price)],
                             first["purchase_date"], self.lead_days(supplier))
            for t in tags:
                by_id[t]["ref"] = ref
        for r in rows:
            self._asset_life(r)
            r.pop("ref", None)
        _bulk(m.Asset, rows)

    def _asset_life(self, r: dict) -> None:
        day = max(r["purchase_date"], self.start)
        pid, a, home = r["product"], r["id"], r["location"]
        self.move(self.at(day, 9), "receive", pid, asset=a, dst=home, status="in_stock",
                  ref=r["ref"], cost=r["purchase_cost"])
        state, holder, loc, due = "in_stock", None, home, None
        roll = self.rng.random()
        cycles = 0 if roll < 0.15 else (1 if roll < 0.8 else 2)
        for c in range(cycles):
            day = day + timedelta(days=self.rng.randrange(1, 20))
            if day >= self.today:
                break
            people = self.active_people if c == cycles - 1 else self.active_people + \
                self.left_people
            holder = self.rng.choice(people)
            if holder in self.left_on and self.left_on[holder] <= day:
                holder = self.rng.choice(self.active_people)  # nobody issues to a leaver
            site = self.person_site[holder]
            due = None
            if self.rng.random() < 0.03:  # a loaner
                due = day + timedelta(days=self.rng.randrange(7, 60))
            self.move(self.at(day), "check_out", pid, asset=a, src=loc, dst=site, person=holder,
                      holder=holder, status="deployed")
            state, loc = "deployed", site
            last = c == cycles - 1
            if last and self.rng.random() < 0.9:
                break
            back = day + timedelta(days=self.rng.randrange(30, 400))
            if back >= self.today:
                break
            damaged = self.rng.random() < 0.15
            dst = self.repair if damaged else home
            status = "in_repair" if damaged else "in_stock"
            self.move(self.at(back), "check_in", pid, asset=a, src=loc, dst=dst, person=holder,
                      status=status, note="damaged" if damaged else "")
            state, holder, loc, due, day = status, None, dst, None, back
            if damaged and self.rng.random() < 0.5 and back + timedelta(days=20) < self.today:
                day = back + timedelta(days=self.rng.randrange(5, 20))
                self.move(self.at(day), "retire", pid, asset=a, src=loc, dst=loc,
                          status="retired", note="beyond economic repair")
                state = "retired"
                break
        r.update(status=state, holder=holder, location=loc, due_date=due)

    def spares_history(self) -> None:
        days = HISTORY_DAYS
        sites = (self.hq, self.br)
        for pid, row in self.spares:
            supplier, price, pack = self.offer[pid]
            lt_mean, _ = self.lead[supplier]
            base = self.np.uniform(0.01, 0.25)
            size = self.rng.choice((1, 1, 1, 2, 3))
            plan = {}
            for site in sites:
                p_day = base * (1.0 if site == self.hq else 0.5)
                hits = self.np.random(days) < p_day
                sizes = self.np.poisson(size - 0.5, days) + 1
                plan[site] = np.where(hits, sizes, 0)
            daily = sum(plan.values(), np.zeros(days)).mean()
            site_min = {s: max(2, int(round(plan[s].mean() * 10 + 1))) for s in sites}
            tpl_min = max(4, int(round(daily * (lt_mean + 14))))
            order_qty = max(pack, int(np.ceil(daily * 60 / pack)) * pack)
            # opening stock, received at the start
            start = self.start
            for loc, qty in ((self.tpl, order_qty * 2), (self.hq, site_min[self.hq] * 2),
                             (self.br, site_min[self.br] * 2)):
                self.move(self.at(start, 8), "receive", pid, qty=qty, dst=loc, cost=price,
                          note="opening balance")
            pending: list[tuple[int, str, int, int, str]] = []  # (day, kind, loc, qty, ref)
            on_order_tpl = 0
            in_transit = {s: 0 for s in sites}
            for d in range(1, days):
                day = start + timedelta(days=d)
                for item in [x for x in pending if x[0] == d]:
                    pending.remove(item)
                    _, kind, loc, qty, ref = item
                    if kind == "po":
                        self.move(self.at(day, 10), "receive", pid, qty=qty, dst=loc, ref=ref,
                                  cost=price)
                        on_order_tpl -= qty
                    else:
                        self.move(self.at(day, 11), "arrive", pid, qty=qty, src=self.transit,
                                  dst=loc, ref=ref)
                        in_transit[loc] -= qty
                for site in sites:
                    want = int(plan[site][d])
                    have = self.stock[(pid, site)]
                    take = min(want, have)
                    if take > 0:
                        who = self.rng.choice(self.active_people)
                        self.move(self.at(day), "issue", pid, qty=take, src=site, person=who,
                                  cost=row["unit_cost"])
                    if self.stock[(pid, site)] + in_transit[site] <= site_min[site]:
                        qty = site_min[site] * 2
                        if self.stock[(pid, self.tpl)] >= qty:
                            ref = f"SH-{len(self.moves):07d}"
                            self.move(self.at(day, 15), "ship", pid, qty=qty, src=self.tpl,
                                      dst=self.transit, ref=ref)
                            in_transit[site] += qty
                            lane = 2 if site == self.hq else 3
                            pending.append((d + lane, "arrive", site, qty, ref))
                if self.stock[(pid, self.tpl)] + on_order_tpl <= tpl_min:
                    lead = self.lead_days(supplier)
                    arrive = d + int(round(lead))
                    received = start + timedelta(days=arrive) if arrive < days else None
                    ref = self.order(supplier, self.tpl, [(pid, order_qty, price)], received,
                                     lead)
                    on_order_tpl += order_qty
                    if received:
                        pending.append((arrive, "po", self.tpl, order_qty, ref))
            # in-flight transfers at the end stay in transit: open shipments
            for _, kind, loc, qty, ref in pending:
                if kind == "arrive":
                    self.shipments.append((ref, loc, pid, qty))

    def licenses(self) -> None:
        rows, seats = [], []
        self.licenses_made = 0
        for i, pid in enumerate(self.license_products, 1):
            _, cost, ltype = LICENSE_PRODUCTS[i - 1]
            n_seats = 1 if ltype == "site" else self.rng.choice((10, 25, 50, 100, 250)) * \
                self.scale
            start = self.today - timedelta(days=self.rng.randrange(30, 700))
            # a few renewals coming due soon
            end = (self.today + timedelta(days=self.rng.randrange(5, 75))) if i % 6 == 0 else \
                start + timedelta(days=365 * self.rng.choice((1, 2, 3)))
            while end < self.today:
                end += timedelta(days=365)
            rows.append(dict(id=i, product=pid, vendor=self.rng.randrange(1, len(SUPPLIERS) + 1),
                             license_type=ltype, seats=n_seats, cost_per_seat=Decimal(cost),
                             term_months=12, starts_on=start, ends_on=end, notice_days=30,
                             renewal_lead_days=self.rng.choice((14, 30, 45)),
                             allow_overuse=i % 5 == 0))
            if ltype == "site":
                continue
            used = int(n_seats * self.rng.uniform(0.6, 1.05 if i % 5 == 0 else 0.98))
            # one open seat per person (or device) and license, as assign_seat enforces;
            # every 23rd seat went to someone who has left since (reclaimable)
            leavers = [p for p in self.left_people if self.left_on[p] > start]
            n_left = min(len(leavers), (used + 22) // 23) if ltype == "per_user" else 0
            if ltype == "per_user":
                holders = self.rng.sample(leavers, n_left) + self.rng.sample(
                    self.active_people, min(used - n_left, len(self.active_people)))
                picks: list[tuple[int | None, int | None]] = [(h, None) for h in holders]
            else:
                picks = [(None, a) for a in self.rng.sample(
                    range(1, 2000 * self.scale), min(used, 2000 * self.scale - 1))]
            for holder, asset in picks:
                until = self.left_on.get(holder, self.today) if holder else self.today
                when = start + timedelta(days=self.rng.randrange(0, max(1, (until - start)
                                                                     .days)))
                at = self.at(when)
                seats.append(dict(license=i, person=holder, asset=asset, assigned_at=at))
                self.move(at, "license_assign", pid, license=i, person=holder, asset=asset)
        _bulk(m.License, rows)
        _bulk(m.LicenseSeat, seats)
        self.licenses_made = len(rows)

    def open_orders(self) -> None:
        picks = self.rng.sample(self.spares, k=min(8 * self.scale, len(self.spares)))
        for pid, _ in picks:
            supplier, price, pack = self.offer[pid]
            self.order(supplier, self.tpl, [(pid, pack * self.rng.randrange(2, 6), price)], None,
                       0)

    def write(self) -> int:
        self.moves.sort(key=lambda t: t[0])
        names = [f.name for f in MOVE_FIELDS]
        chained = [*MOVE_FIELDS, m.Movement.prev_hash, m.Movement.hash]
        for i in range(0, len(self.moves), CHUNK):
            rows = list(chain.chain(m.Movement._meta.database, names,
                                    self.moves[i:i + CHUNK]))
            m.Movement.insert_many(rows, fields=chained).execute()
        _bulk(m.PurchaseOrder, self.orders)
        _bulk(m.PurchaseOrderLine, self.order_lines)
        _bulk(m.StockLevel, [dict(product=p, location=loc, quantity=q)
                             for (p, loc), q in self.stock.items() if q])
        ships = []
        for k, (ref, loc, _pid, _qty) in enumerate(self.shipments, 1):
            ships.append(dict(id=k, number=ref, source=self.tpl, destination=loc,
                              status="in_transit", shipped_at=self.at(self.today, 8)))
        _bulk(m.Shipment, ships)
        _bulk(m.ShipmentLine, [dict(shipment=k, product=pid, quantity=qty) for k, (_, _, pid, qty)
                               in enumerate(self.shipments, 1)])
        return len(self.moves)


def reset_sequences(db: pw.Database) -> None:
    """After rows were written with explicit ids, PostgreSQL's sequences must catch up."""
    if not is_postgres(db):
        return
    for model in m.ALL_MODELS:
        table = model._meta.table_name
        if not isinstance(model._meta.primary_key, pw.AutoField):
            continue
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def load_demo(db: Handle, op: OperatorRef, scale: int = 1, seed: int = 7,
              today: date | None = None) -> DemoSummary:
    """Fill an empty database with the demo department (scale multiplies its size)."""
    db = unwrap(db)
    require(op.role, "catalog")
    if scale < 1:
        raise ValidationError("--scale must be 1 or more.")
    if m.Product.select().exists() or m.Location.select().exists():
        raise ValidationError("This database already has data; the demo needs an empty one. "
                              "Use --database with a new file name.")
    b = _Builder(op, scale, seed, today or clock.today())
    b.shipments = []
    with db.atomic():
        b.locations()
        b.people()
        b.suppliers()
        b.products()
        b.assets()
        b.spares_history()
        b.licenses()
        b.open_orders()
        moves = b.write()
        from .costing.demo import seed as seed_costs

        seed_costs(db, op, b.today)  # repairs, budgets, rate card, the FOCUS sample bill
        reset_sequences(db)
        from .demo_shop import load_shop

        load_shop(db, op, seed)
    return DemoSummary(people=len(b.person_site), products=len(b.devices) + len(b.spares)
                       + len(b.license_products), assets=2000 * scale, movements=moves,
                       licenses=b.licenses_made, orders=len(b.orders), today=b.today)
