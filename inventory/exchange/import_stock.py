"""Importing quantities (spares and consumables per location) and licenses.

A quantity row says how many are on hand: the difference from the book is posted as a
"count" movement, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import cast

from .. import models as m
from ..clock import today
from ..codes import gtin_valid
from . import bulk
from .catalog import Ref
from .catalog import ref_id as _id
from .planning import MovementWriter, Planner, Refused, Row, RowResult


class StockPlanner(Planner):
    kind = "stock"
    keys: tuple[str, ...] = ("product", "part_number", "gtin")
    # Setting shelf quantities is a count: it needs the role that approves counts.
    needs = ("catalog", "adjust")

    def __init__(self, ctx):
        super().__init__(ctx)
        sl = m.StockLevel
        self.on_hand = {(p, loc): q for p, loc, q in
                        sl.select(sl.product, sl.location, sl.quantity).tuples()}
        self.counts: list[tuple[Ref, Ref, int, Decimal | None, str]] = []

    def _product(self, row: Row) -> Ref:
        name, part, gtin = row.text("product"), row.text("part_number"), row.text("gtin")
        if not name and not part and not gtin:
            raise Refused("No product: fill the Product column (name, part number or GTIN).")
        if gtin and not gtin_valid(gtin):
            raise Refused(f"GTIN {gtin} has a wrong check digit. Copy it again from the box.")
        p = (self.catalog.product(gtin) if gtin else None) or self.catalog.product(
            name, part=part)
        if p is None:
            if not self.ctx.options.create_missing:
                raise Refused(f"Unknown product '{name or part or gtin}'. Add it to the "
                              "catalogue, or import with 'create missing'.")
            kind = (row.text("kind") or "spare").lower()
            if kind not in m.QUANTITY_KINDS:
                raise Refused(f"Kind '{kind}': stock rows are spares or consumables. Import "
                              "devices as assets, licenses as licenses.")
            if not name:
                raise Refused("A new product needs a name in the Product column.")
            p = self.catalog.new_product(name, kind, manufacturer=row.text("manufacturer"),
                                         category=row.text("category"), part_number=part,
                                         gtin=gtin or None, unit_cost=row.decimal("unit_cost"))
        elif p.kind not in m.QUANTITY_KINDS:
            how = "as assets, one row per serial" if p.kind == "device" else "as licenses"
            raise Refused(f"{p.label} is a {p.kind}: import it {how}.")
        return p

    def plan(self, row: Row) -> RowResult:
        p = self._product(row)
        where = row.text("location")
        if not where:
            raise Refused("No location: fill the Location column.")
        loc = self.catalog.location(where)
        if loc is None:
            if not self.ctx.options.create_missing:
                raise Refused(f"Unknown location '{where}'. Add it under Locations, or import "
                              "with 'create missing'.")
            loc = self.catalog.new_location(where, "stockroom")
        qty = row.int("quantity")
        if qty is None:
            raise Refused("No quantity: fill the Quantity column (0 for none).")
        if qty < 0:
            raise Refused(f"Quantity {qty} is negative; give what is on the shelf.")
        if loc.kind in ("in_transit", "disposal"):
            book = 0 if p.new or loc.new else self.on_hand.get((p.id, loc.id), 0)
            if qty == book:  # an export read back: nothing to do
                return RowResult(row.number, "unchanged", p.label, f"{qty} at {loc.label}")
            raise Refused(f"{loc.label} is the {loc.kind.replace('_', ' ')} location: its "
                          "stock changes with shipments and disposals, not by import.")
        key = f"{id(p)}@{id(loc)}"
        self.check_once("Product", f"{p.label} at {loc.label}", key)
        self.seen_on("Product", key, row.number)
        book = None if p.new or loc.new else self.on_hand.get((p.id, loc.id))
        have = book or 0
        delta = qty - have
        if delta == 0 and not p.new:
            return RowResult(row.number, "unchanged", p.label, f"{qty} on hand at {loc.label}")
        cost = (row.decimal("unit_cost") if row.has("unit_cost") else None)
        self.counts.append((p, loc, delta, cost, self.ctx.note(row.number)))
        action = "create" if book is None else "update"
        return RowResult(row.number, action, p.label,
                         f"{loc.label}: {have} → {qty} ({delta:+d})" +
                         (" (new product)" if p.new else "") +
                         (" (new location)" if loc.new else ""))

    def apply(self, tick: Callable[[int], None]) -> int:
        ledger = MovementWriter(self.ctx)
        costs = dict(m.Product.select(m.Product.id, m.Product.unit_cost).where(
            m.Product.id.in_({p.id for p, *_ in self.counts} or {0})).tuples())
        changes: list[tuple[int, int, int]] = []
        for p, loc, delta, cost, note in self.counts:
            if delta:
                # Every record exists by now (pending ones were created first): ids are set.
                pid, lid = cast(int, p.id), cast(int, loc.id)
                changes.append((pid, lid, delta))
                ledger.add("count", pid, quantity=abs(delta), note=note,
                           unit_cost=cost if cost is not None else costs.get(pid),
                           to_location=lid if delta > 0 else None,
                           from_location=lid if delta < 0 else None)
        for i in range(0, len(changes), 2000):
            bulk.add_stock_many(changes[i:i + 2000])
            tick(len(changes[i:i + 2000]))
        tick(len(self.counts) - len(changes))
        ledger.flush()
        return ledger.written


LICENSE_TYPE_WORDS = {
    "per user": "per_user", "user": "per_user", "named user": "per_user",
    "per seat": "per_user", "seat": "per_user", "per device": "per_device",
    "device": "per_device", "machine": "per_device", "site": "site",
    "site license": "site", "enterprise": "site", "unlimited": "site",
    "subscription": "subscription", "saas": "subscription", "cloud": "subscription",
}
LICENSE_FIELDS = ("product", "vendor", "license_type", "seats", "cost_per_seat", "term_months",
                  "starts_on", "ends_on", "renewal_lead_days", "reference")


class LicensePlanner(Planner):
    kind = "licenses"
    keys = ("reference", "product")

    def __init__(self, ctx):
        super().__init__(ctx)
        cols = [m.License.id] + [getattr(m.License, f) for f in LICENSE_FIELDS]
        self.known = [dict(zip(("id", *LICENSE_FIELDS), r, strict=True))
                      for r in m.License.select(*cols).tuples()]
        self.by_ref = {k["reference"].lower(): k for k in self.known if k["reference"]}
        self.by_start = {(k["product"], k["starts_on"]): k for k in self.known}
        self.creates: list[dict] = []
        self.updates: list[tuple[int, dict]] = []

    def plan(self, row: Row) -> RowResult:
        name = row.text("product")
        if not name:
            raise Refused("No product: fill the Product column with the software's name.")
        p = self.catalog.product(name)
        if p is None:
            if not self.ctx.options.create_missing:
                raise Refused(f"Unknown license product '{name}'. Add it to the catalogue, "
                              "or import with 'create missing'.")
            p = self.catalog.new_product(name, "license", category="Software")
        elif p.kind != "license":
            raise Refused(f"{p.label} is a {p.kind}, not a license product.")
        seats = row.int("seats")
        if seats is None or seats < 0:
            raise Refused("Seats must be a whole number, 0 or more.")
        ltype_text = row.text("license_type").lower().replace("_", " ").strip()
        ltype = LICENSE_TYPE_WORDS.get(ltype_text, ltype_text.replace(" ", "_") or None)
        if ltype is not None and ltype not in m.LICENSE_TYPES:
            raise Refused(f"Type '{row.text('license_type')}' is not one of "
                          f"{', '.join(m.LICENSE_TYPES)}.")
        starts, ends = row.date("starts_on"), row.date("ends_on")
        if starts and ends and ends <= starts:
            raise Refused(f"Ends on {ends} is not after starts on {starts}.")
        cost = row.decimal("cost_per_seat")
        if cost is not None and cost < 0:
            raise Refused("Cost per seat cannot be negative.")
        vendor = None
        if row.text("vendor"):
            vendor = self.catalog.supplier(row.text("vendor"))
            if vendor is None:
                if not self.ctx.options.create_missing:
                    raise Refused(f"Unknown vendor '{row.text('vendor')}'. Add the supplier, "
                                  "or import with 'create missing'.")
                vendor = self.catalog.new_supplier(row.text("vendor"))
        ref = row.text("reference")
        self.check_once("License", ref or f"{name} from {starts or 'today'}",
                        f"{ref}|{id(p) if not ref else ''}|{starts if not ref else ''}")
        self.seen_on("License", f"{ref}|{id(p) if not ref else ''}|{starts if not ref else ''}",
                     row.number)
        values = dict(product=p, vendor=vendor, license_type=ltype, seats=seats,
                      cost_per_seat=cost, term_months=row.int("term_months"),
                      starts_on=starts, ends_on=ends,
                      renewal_lead_days=row.int("renewal_lead_days"), reference=ref or None)
        known = self.by_ref.get(ref.lower()) if ref else (
            None if p.new else self.by_start.get((p.id, starts or today())))
        if known is None:
            values = {k: x for k, x in values.items() if x is not None}
            values.setdefault("starts_on", today())
            values.setdefault("license_type", "per_user")
            self.creates.append(values)
            return RowResult(row.number, "create", name, f"{seats} seats, "
                             f"{values['license_type']}, from {values['starts_on']}"
                             + (" (new product)" if p.new else ""))
        changes = {k: x for k, x in values.items() if x is not None and k != "product"
                   and (isinstance(x, Ref) and x.new or _id(x) != known[k])}
        if not changes:
            return RowResult(row.number, "unchanged", name, "already as in the file")
        self.updates.append((known["id"], changes))
        words = [f"{k.replace('_', ' ')} → {x.label if isinstance(x, Ref) else x}"
                 for k, x in changes.items()]
        return RowResult(row.number, "update", name, "; ".join(words))

    def apply(self, tick: Callable[[int], None]) -> int:
        for values in self.creates:
            m.License.create(**{k: _id(x) for k, x in values.items()})
            tick(1)
        for license_id, changes in self.updates:
            m.License.update(**{k: _id(x) for k, x in changes.items()}).where(
                m.License.id == license_id).execute()
            tick(1)
        return 0
