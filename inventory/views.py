"""Plain results that services hand to the UI and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class AssetView:
    tag: str
    serial: str | None
    product: str
    status: str
    location: str | None
    holder: str | None
    holder_employee_id: str | None
    due_date: date | None

    def describe(self) -> str:
        where = f"held by {self.holder}" if self.holder else f"at {self.location or 'no location'}"
        return f"{self.tag} {self.product} — {self.status.replace('_', ' ')}, {where}"


@dataclass(frozen=True)
class StockView:
    product: str
    location: str
    quantity: int


@dataclass(frozen=True)
class ShipmentView:
    number: str
    source: str
    destination: str
    status: str
    lines: int


@dataclass(frozen=True)
class ReceiptView:
    order: str | None
    assets: list[str]  # tags created
    quantities: dict[str, int]  # product name -> quantity received
    order_status: str | None


@dataclass(frozen=True)
class SeatView:
    license_id: int
    product: str
    assignee: str
    seats_used: int
    seats: int
    over_entitlement: int


@dataclass(frozen=True)
class OfferView:
    """A supplier's offer for a product (the product named where it is not implied)."""

    supplier: str
    unit_price: Decimal
    pack_size: int
    min_order: int
    lead_time_days: float
    supplier_part: str
    preferred: bool
    product: str = ""
