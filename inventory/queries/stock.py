"""Spares & consumables: stock per product across sites, 3PL/MSP and in transit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee as pw

from .. import models as m
from . import history, reorder
from .common import Column, Spec, TableQuery, descendants, fetch_rows, order

P = m.Product
SL = m.StockLevel
LOC = m.Location
SITE_KINDS = ("site", "stockroom")


def _sum_where(cond: pw.Expression) -> Any:
    return pw.fn.COALESCE(pw.fn.SUM(pw.Case(None, [(cond, SL.quantity)], 0)), 0)


def totals() -> pw.Select:
    """Per product: units at sites, at partners (3PL / MSP) and in transit."""
    return (SL.select(SL.product.alias("pid"),
                      _sum_where(LOC.kind.in_(SITE_KINDS)).alias("site"),
                      _sum_where(LOC.kind.in_(m.PARTNER_KINDS)).alias("partner"),
                      _sum_where(LOC.kind == "in_transit").alias("transit"))
            .join(LOC, on=(SL.location == LOC.id)).group_by(SL.product))


class StockTable(TableQuery):
    columns = (
        Column("name", "Product", width=240),
        Column("category", "Category", width=100),
        Column("part_number", "Part number", width=110),
        Column("kind", "Kind", kind="kind", width=105),
        Column("site", "At sites", kind="int", width=75),
        Column("partner", "At 3PL / MSP", kind="int", width=110),
        Column("transit", "In transit", kind="int", width=85),
        Column("reorder_point", "Reorder at", kind="int", sortable=False, width=95),
        Column("unit_cost", "Unit cost", kind="money", width=90),
        Column("value", "Stock value", kind="money", width=105),
    )
    default_sort = "name"

    def __init__(self) -> None:
        self._points: dict[int, int] | None = None
        self._low: list[int] | None = None

    def invalidate(self) -> None:
        """Forget the cached reorder points (after stock or movements changed)."""
        self._points = None
        self._low = None

    def set_reorder_figures(self, figures: tuple[dict[int, int], list[int]]) -> None:
        """Use reorder points worked out elsewhere (a worker thread: they take a while)."""
        self._points, self._low = figures

    def has_reorder_figures(self) -> bool:
        return self._points is not None

    def reorder_points(self) -> dict[int, int]:
        """The points known so far ({} until `set_reorder_figures` or `low()`)."""
        return self._points or {}

    def low(self) -> list[int]:
        if self._low is None:
            self.set_reorder_figures(reorder_figures())
        return self._low or []

    def id_query(self, spec: Spec) -> pw.Select:
        q = P.select(P.id).where(P.kind.in_(m.QUANTITY_KINDS))
        for term in spec.terms():
            q = q.where(P.name.contains(term) | P.part_number.contains(term)
                        | P.manufacturer.contains(term) | P.category.contains(term)
                        | P.gtin.contains(term))
        if kind := spec.get("kind"):
            q = q.where(P.kind == kind)
        if cat := spec.get("category"):
            q = q.where(P.category == cat)
        if loc := spec.get("location"):
            q = q.where(P.id.in_(SL.select(SL.product).where(
                SL.location.in_(descendants(int(loc))) & (SL.quantity != 0))))
        special = spec.get("special")
        if special == "low":
            q = q.where(P.id.in_(self.low()))
        elif special == "transit":
            q = q.where(P.id.in_(SL.select(SL.product).join(LOC).where(
                (LOC.kind == "in_transit") & (SL.quantity > 0))))
        key = spec.sort or self.default_sort
        if key in ("site", "partner", "transit", "value"):
            t = totals().alias("t")
            q = q.join(t, pw.JOIN.LEFT_OUTER, on=(t.c.pid == P.id))
            amount = {"site": t.c.site, "partner": t.c.partner, "transit": t.c.transit}.get(key)
            if amount is None:
                amount = (pw.fn.COALESCE(t.c.site, 0) + pw.fn.COALESCE(t.c.partner, 0)
                          + pw.fn.COALESCE(t.c.transit, 0)) * P.unit_cost
            sort = pw.fn.COALESCE(amount, 0)
        else:
            sort = {"name": P.name, "category": P.category, "part_number": P.part_number,
                    "kind": P.kind, "unit_cost": P.unit_cost}.get(key, P.name)
        return q.order_by(order(sort, spec.descending), order(P.id, spec.descending))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        t = totals().where(SL.product.in_(list(ids))).alias("t")
        q = (P.select(P.id, P.name, P.category, P.part_number, P.kind, t.c.site,
                      t.c.partner, t.c.transit, P.unit_cost)
             .join(t, pw.JOIN.LEFT_OUTER, on=(t.c.pid == P.id)))
        points = self.reorder_points()
        out = {}
        for pid, row in fetch_rows(q, ids, P.id).items():
            name, cat, part, kind, site, partner, transit, cost = row
            site, partner, transit = int(site or 0), int(partner or 0), int(transit or 0)
            value = Decimal(site + partner + transit) * Decimal(cost or 0)
            out[pid] = (name, cat, part, kind, site, partner, transit, points.get(pid),
                        cost, value)
        return out


def reorder_figures() -> tuple[dict[int, int], list[int]]:
    """(reorder point per spare, spares at or below it), read in one go.

    From the replenishment engine when it is installed (the product's points summed over
    its stocking locations; low = any location needs action), else the simple rule."""
    lines = reorder.engine_lines(alerts_only=False)
    if lines is not None:
        sums: dict[int, float] = {}
        flagged: set[int] = set()
        for ln in lines:
            sums[ln.product_id] = sums.get(ln.product_id, 0.0) + float(ln.reorder_point)
            if ln.alert:
                flagged.add(ln.product_id)
        points = {p: int(math.ceil(v)) for p, v in sums.items()}
        # A product stocked nowhere yet (new in the catalogue) has no line: its manual
        # minimum is its reorder point until it has stock and demand of its own.
        unplanned = {pid: minimum for pid, minimum in P.select(P.id, P.min_quantity).where(
            P.min_quantity.is_null(False) & P.kind.in_(m.QUANTITY_KINDS) & P.active).tuples()
            if pid not in points}
        if unplanned:
            pos = reorder.positions()
            for pid, minimum in unplanned.items():
                points[pid] = minimum
                held = pos.get(pid)
                if minimum > 0 and (held.total if held else 0) <= minimum:
                    flagged.add(pid)
        return points, sorted(flagged)
    points = reorder.reorder_points()
    pos = reorder.positions()
    empty = reorder.Position(0, 0, 0)
    low = sorted(p for p, rop in points.items() if rop > 0 and pos.get(p, empty).total <= rop)
    return points, low


def categories() -> list[str]:
    return [c for (c,) in P.select(P.category).where(P.kind.in_(m.QUANTITY_KINDS)).distinct()
            .order_by(P.category).tuples() if c]


@dataclass(frozen=True)
class StockAt:
    location_id: int
    location: str
    code: str
    kind: str
    partner: str
    quantity: int


@dataclass(frozen=True)
class SpareDetail:
    id: int
    name: str
    kind: str
    category: str
    manufacturer: str
    part_number: str
    gtin: str | None
    unit_cost: Decimal
    min_quantity: int | None
    reorder_point: int | None
    on_order: int
    levels: list[StockAt]
    offers: list[tuple[str, Decimal, int, float, bool]]  # supplier, price, pack, lead, pref
    movements: list[history.MovementRow]

    @property
    def code(self) -> str:
        """What the stock services take to find this product (unique, unlike a name)."""
        return self.gtin or self.part_number or self.name

    def total(self, kinds: Sequence[str]) -> int:
        return sum(s.quantity for s in self.levels if s.kind in kinds)

    def standing(self, position: int) -> Standing:
        """The badge and the reorder-point line of the detail pane: what is missing and
        what to do when there is no reorder point, never "None"."""
        rop = self.reorder_point
        low = rop is not None and rop > 0 and position <= rop
        if low:
            badge = ("over", "Reorder")
        elif position <= 0:
            badge = ("over", "None in stock")
        else:
            badge = ("ok", "Stocked")
        minimum = " (manual minimum)" if self.min_quantity is not None else ""
        if rop is not None and self.offers:
            return Standing(*badge, f"{rop}{minimum}", low)
        if rop is not None:
            return Standing(*badge, f"{rop}{minimum} — no supplier offer, so a 14-day lead "
                            "time is assumed: add an offer for a real reorder point", low)
        if not self.offers:
            return Standing(*badge, "No supplier offer: add one to get a reorder point", low)
        return Standing(*badge, "None yet: no demand recorded. Set a minimum (Edit product) "
                        "to keep some in stock", low)


@dataclass(frozen=True)
class Standing:
    status: str  # the badge's colour
    badge: str
    reorder_point: str
    low: bool


def detail(product_id: int, points: dict[int, int] | None = None) -> SpareDetail | None:
    p = P.get_or_none(P.id == product_id)
    if p is None:
        return None
    levels = [StockAt(*r) for r in
              SL.select(LOC.id, LOC.name, LOC.code, LOC.kind, LOC.partner, SL.quantity)
              .join(LOC).where((SL.product == p.id) & (SL.quantity != 0))
              .order_by(LOC.kind, LOC.name).tuples()]
    offers = [r for r in m.SupplierOffer.select(m.Supplier.name, m.SupplierOffer.unit_price,
                                                 m.SupplierOffer.pack_size,
                                                 m.SupplierOffer.lead_time_days,
                                                 m.SupplierOffer.preferred)
              .join(m.Supplier).where(m.SupplierOffer.product == p.id)
              .order_by(m.SupplierOffer.preferred.desc(), m.Supplier.name).tuples()]
    po, pl = m.PurchaseOrder, m.PurchaseOrderLine
    on_order = (pl.select(pw.fn.SUM(pl.quantity - pl.received_quantity)).join(po)
                .where((pl.product == p.id) & po.status.in_(("ordered", "partly_received")))
                .scalar()) or 0
    rop = (points if points is not None else reorder.reorder_points()).get(p.id)
    return SpareDetail(p.id, p.name, p.kind, p.category, p.manufacturer, p.part_number, p.gtin,
                       p.unit_cost, p.min_quantity, rop, int(on_order), levels, offers,
                       history.for_product(p.id, limit=40))
