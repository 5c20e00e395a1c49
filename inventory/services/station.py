"""Read-only lists the scan station shows beside the scans: open orders and their lines,
places to pick, stock at a place. Plain tuples and dataclasses, no models."""

from __future__ import annotations

from dataclasses import dataclass

from .. import models as m
from ..errors import NotFound
from . import find
from .ledger import on_hand
from .transfers import needs_transit

RECEIVABLE = ("ordered", "partly_received")


@dataclass(frozen=True)
class OrderLine:
    product: str
    kind: str  # device / spare / consumable
    ref: str  # what receiving takes: GTIN, else part number, else the name
    ordered: int
    received: int

    @property
    def remaining(self) -> int:
        return max(self.ordered - self.received, 0)


@dataclass(frozen=True)
class OrderSheet:
    number: str
    supplier: str
    status: str
    ship_to: str  # location code
    ship_to_name: str
    lines: list[OrderLine]


def open_orders(limit: int = 500) -> list[tuple[str, str]]:
    """Orders that can be received: (number, "number · supplier · ship-to")."""
    po = m.PurchaseOrder
    q = (po.select(po.number, m.Supplier.name, m.Location.name)
         .join(m.Supplier).switch(po).join(m.Location)
         .where(po.status.in_(RECEIVABLE)).order_by(po.number.desc()).limit(limit))
    return [(n, f"{n} · {s} · to {loc}") for n, s, loc in q.tuples()]


def order_sheet(number: str) -> OrderSheet:
    po = m.PurchaseOrder.get_or_none(m.PurchaseOrder.number == number.strip())
    if po is None:
        raise NotFound(f"No purchase order '{number}'. Check the number on the delivery note.")
    pl, p = m.PurchaseOrderLine, m.Product
    rows = (pl.select(p.name, p.kind, p.gtin, p.part_number, pl.quantity, pl.received_quantity)
            .join(p).where(pl.order == po.id).order_by(pl.id).tuples())
    lines = [OrderLine(name, kind, (gtin or part or name), q, got)
             for name, kind, gtin, part, q, got in rows]
    return OrderSheet(po.number, po.supplier.name, po.status, po.ship_to.code,
                      po.ship_to.name, lines)


def places(kinds: tuple[str, ...] = (*m.STOCKING_KINDS, "repair")
           ) -> list[tuple[str, str]]:
    """Active locations of these kinds: (code, "name (code)")."""
    loc = m.Location
    q = (loc.select(loc.code, loc.name).where(loc.kind.in_(kinds) & loc.active)
         .order_by(loc.name))
    return [(c, f"{n} ({c})") for c, n in q.tuples()]


def goes_in_transit(source: str, destination: str) -> bool:
    """Whether a transfer between these places travels as a shipment (in transit)."""
    return needs_transit(find.location(source), find.location(destination))


def stock_at(product: str, location: str) -> int:
    """On hand of a product (GTIN / part number / name) at a location (code or name)."""
    return on_hand(find.product(product).id, find.location(location).id)
