"""Locations & 3PL: sites, stockrooms, partners, what each holds, what is on the way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import peewee as pw

from .. import models as m
from . import history
from .common import Column, Spec, TableQuery, descendants, fetch_rows, order

LOC = m.Location
PARENT = m.Location.alias("parent")
SL = m.StockLevel
A = m.Asset

KIND_ORDER = {k: i for i, k in enumerate(m.LOCATION_KINDS)}


def _asset_counts() -> pw.Select:
    return (A.select(A.location.alias("lid"), pw.fn.COUNT(A.id).alias("n"))
            .where(A.status.not_in(("retired", "disposed", "lost")))
            .group_by(A.location))


def _unit_counts() -> pw.Select:
    return (SL.select(SL.location.alias("lid"), pw.fn.SUM(SL.quantity).alias("units"),
                      pw.fn.SUM(SL.quantity * m.Product.unit_cost).alias("value"))
            .join(m.Product).group_by(SL.location))


class LocationTable(TableQuery):
    columns = (
        Column("name", "Location", width=210),
        Column("kind", "Kind", kind="kind", width=90),
        Column("devices", "Devices", kind="int", width=75),
        Column("units", "Spare units", kind="int", width=105),
        Column("value", "Spares value", kind="money", width=110),
        Column("code", "Code", width=115),
        Column("parent", "Part of", width=130),
        Column("partner", "Partner", width=150),
    )
    default_sort = "name"

    def id_query(self, spec: Spec) -> pw.Select:
        q = LOC.select(LOC.id)
        for term in spec.terms():
            q = q.where(LOC.name.contains(term) | LOC.code.contains(term)
                        | LOC.partner.contains(term))
        if kind := spec.get("kind"):
            kinds = kind.split(",")
            q = q.where(LOC.kind.in_(kinds))
        if not spec.get("inactive"):
            q = q.where(LOC.active)
        key = spec.sort or self.default_sort
        if key in ("devices", "units", "value"):
            sub = (_asset_counts() if key == "devices" else _unit_counts()).alias("s")
            q = q.join(sub, pw.JOIN.LEFT_OUTER, on=(sub.c.lid == LOC.id))
            sort = pw.fn.COALESCE({"devices": sub.c.n, "units": sub.c.units}.get(
                key, sub.c.value if key == "value" else None), 0)
        elif key == "parent":
            q = q.join(PARENT, pw.JOIN.LEFT_OUTER, on=(LOC.parent == PARENT.id))
            sort = PARENT.name
        else:
            sort = {"name": LOC.name, "code": LOC.code, "kind": LOC.kind,
                    "partner": LOC.partner}.get(key, LOC.name)
        return q.order_by(order(sort, spec.descending), order(LOC.id, spec.descending))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        a = _asset_counts().alias("a")
        u = _unit_counts().alias("u")
        q = (LOC.select(LOC.id, LOC.name, LOC.code, LOC.kind, PARENT.name, LOC.partner, a.c.n,
                        u.c.units, u.c.value)
             .join_from(LOC, PARENT, pw.JOIN.LEFT_OUTER, on=(LOC.parent == PARENT.id))
             .join_from(LOC, a, pw.JOIN.LEFT_OUTER, on=(a.c.lid == LOC.id))
             .join_from(LOC, u, pw.JOIN.LEFT_OUTER, on=(u.c.lid == LOC.id)))
        return {k: (name, kind, int(n or 0), int(units or 0),
                    Decimal(str(value or 0)).quantize(Decimal("0.01")), code, parent or "",
                    partner)
                for k, (name, code, kind, parent, partner, n, units, value)
                in fetch_rows(q, ids, LOC.id).items()}


@dataclass(frozen=True)
class ShipmentRow:
    number: str
    source: str
    destination: str
    shipped_at: datetime
    lines: int
    units: int


@dataclass(frozen=True)
class LocationDetail:
    id: int
    name: str
    code: str
    kind: str
    parent: str | None
    partner: str
    children: list[str]
    lanes: list[tuple[str, str, float]]  # from, to, lead time days
    devices_by_status: list[tuple[str, int]]
    stock: list[tuple[str, str, int]]  # product, kind, quantity
    inbound: list[ShipmentRow]
    outbound: list[ShipmentRow]
    movements: list[history.MovementRow]


def _shipments(cond: Any) -> list[ShipmentRow]:
    sh, ln = m.Shipment, m.ShipmentLine
    src, dst = LOC.alias("s"), LOC.alias("d")
    q = (sh.select(sh.number, src.name, dst.name, sh.shipped_at, pw.fn.COUNT(ln.id),
                   pw.fn.SUM(ln.quantity))
         .join(src, on=(sh.source == src.id)).join_from(sh, dst, on=(sh.destination == dst.id))
         .join_from(sh, ln, pw.JOIN.LEFT_OUTER, on=(ln.shipment == sh.id))
         .where((sh.status == "in_transit") & cond)
         .group_by(sh.id, sh.number, src.name, dst.name, sh.shipped_at)
         .order_by(sh.shipped_at))
    return [ShipmentRow(n, s, d, at, int(c or 0), int(u or 0)) for n, s, d, at, c, u in q.tuples()]


def detail(location_id: int) -> LocationDetail | None:
    loc = LOC.get_or_none(LOC.id == location_id)
    if loc is None:
        return None
    here = descendants(loc.id)
    src, dst = LOC.alias("s"), LOC.alias("d")
    lane = m.TransferLane
    lanes = [r for r in lane.select(src.name, dst.name, lane.lead_time_days)
             .join(src, on=(lane.source == src.id)).join_from(lane, dst, on=(lane.destination
                                                                            == dst.id))
             .where((lane.source == loc.id) | (lane.destination == loc.id)).tuples()]
    devices = [(s, int(n)) for s, n in A.select(A.status, pw.fn.COUNT(A.id))
               .where(A.location.in_(here)).group_by(A.status).order_by(A.status).tuples()]
    stock = [(p, k, int(q)) for p, k, q in
             SL.select(m.Product.name, m.Product.kind, pw.fn.SUM(SL.quantity)).join(m.Product)
             .where(SL.location.in_(here)).group_by(m.Product.name, m.Product.kind)
             .having(pw.fn.SUM(SL.quantity) != 0).order_by(m.Product.name).tuples()]
    return LocationDetail(
        id=loc.id, name=loc.name, code=loc.code, kind=loc.kind,
        parent=loc.parent.name if loc.parent_id else None, partner=loc.partner,
        children=[c.name for c in loc.children.order_by(LOC.name)], lanes=lanes,
        devices_by_status=devices, stock=stock,
        inbound=_shipments(m.Shipment.destination.in_(here)),
        outbound=_shipments(m.Shipment.source.in_(here)),
        movements=history.for_location(loc.id, limit=40),
    )


def open_shipments() -> list[ShipmentRow]:
    return _shipments(pw.SQL("1=1"))
