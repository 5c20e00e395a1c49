"""Importing supplier offers (keyed by supplier and product): price, pack size, minimum
order, quoted lead time, the supplier's part number, preferred.

The product must be in the catalogue already; an unknown supplier is created with
'create missing'. An empty cell leaves the stored value as it is; a new offer needs a
unit price, and takes its lead time from the supplier when the file gives none.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import models as m
from ..services.offers import MAX_PART
from .catalog import ref_id as _id
from .planning import Planner, Refused, Row, RowResult

OFFER_FIELDS = ("unit_price", "pack_size", "min_order", "lead_time_days", "supplier_part",
                "preferred")



class OfferPlanner(Planner):
    kind = "offers"
    keys = ("supplier", "product")

    def __init__(self, ctx):
        super().__init__(ctx)
        o = m.SupplierOffer
        self.known = {(s, p): dict(zip(("id", *OFFER_FIELDS), rest, strict=True))
                      for s, p, *rest in o.select(o.supplier, o.product, o.id,
                                                  *(getattr(o, f) for f in OFFER_FIELDS))
                      .tuples()}
        self.supplier_lead = dict(m.Supplier.select(m.Supplier.id, m.Supplier.lead_time_days)
                                  .tuples())
        self.creates: list[dict] = []
        self.updates: list[tuple[int, dict]] = []

    def plan(self, row: Row) -> RowResult:
        name, who = row.text("product"), row.text("supplier")
        if not name:
            raise Refused("No product: fill the Product column (name, part number or GTIN).")
        if not who:
            raise Refused("No supplier: fill the Supplier column.")
        p = self.catalog.product(name)
        if p is None:
            raise Refused(f"Unknown product '{name}'. Import it first (as stock or devices), "
                          "or create it in the window.")
        if p.kind == "license":
            raise Refused(f"{p.label} is a license: its vendor is on the license itself.")
        sup = self.catalog.supplier(who)
        if sup is None:
            if not self.ctx.options.create_missing:
                raise Refused(f"Unknown supplier '{who}'. Import suppliers first, or import "
                              "with 'create missing'.")
            sup = self.catalog.new_supplier(who)
        # By record, not by name: two products may share a name (each has its own code).
        key = f"{sup.id or id(sup)}|{p.id or id(p)}"
        self.check_once("Offer", f"of {sup.label} for {p.label}", key)
        self.seen_on("Offer", key, row.number)
        part = row.text("supplier_part")
        if len(part) > MAX_PART:
            raise Refused(f"The supplier's part number is {len(part)} characters long; at most "
                          f"{MAX_PART}.")
        values = dict(unit_price=row.decimal("unit_price"), pack_size=row.int("pack_size"),
                      min_order=row.int("min_order"), lead_time_days=row.real("lead_time_days"),
                      supplier_part=part or None, preferred=row.bool("preferred"))
        label = f"{p.label} from {sup.label}"
        known = None if p.new or sup.new else self.known.get((sup.id, p.id))
        if known is None:
            if values["unit_price"] is None:
                raise Refused("A new offer needs a Unit price.")
            new = {k: x for k, x in values.items() if x is not None}
            new.setdefault("lead_time_days", self.supplier_lead.get(sup.id, 14.0))
            self.creates.append(dict(supplier=sup, product=p, **new))
            return RowResult(row.number, "create", label,
                             f"{new['unit_price']:.2f} a unit, {new['lead_time_days']:g} days"
                             + (" (new supplier)" if sup.new else ""))
        changes = {k: x for k, x in values.items() if x is not None and x != known[k]}
        if not changes:
            return RowResult(row.number, "unchanged", label, "already as in the file")
        self.updates.append((known["id"], dict(changes, product=p.id)))
        return RowResult(row.number, "update", label, "; ".join(
            f"{k.replace('_', ' ')} → {x}" for k, x in changes.items()))

    def apply(self, tick: Callable[[int], None]) -> int:
        o = m.SupplierOffer
        preferred: list[tuple[int, int | None]] = []  # (offer, product)
        for values in self.creates:
            row = {k: _id(x) for k, x in values.items()}
            offer_id = o.create(**row).id
            if row.get("preferred"):
                preferred.append((offer_id, row["product"]))
            tick(1)
        for offer_id, changes in self.updates:
            product = changes.pop("product")
            o.update(**changes).where(o.id == offer_id).execute()
            if changes.get("preferred"):
                preferred.append((offer_id, product))
            tick(1)
        for offer_id, product in preferred:  # one preferred offer per product
            o.update(preferred=False).where((o.product == product) & (o.id != offer_id)).execute()
        return 0
