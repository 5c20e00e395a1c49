"""How much to order: EOQ, or months of cover, then supplier minimum and pack size."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EOQ = "eoq"
COVER = "cover"


def eoq(order_cost: float, holding_cost: float, annual_demand: float) -> float:
    """Economic order quantity √(2·D·S / H).

    Args:
        order_cost: fixed cost S of placing and receiving one order.
        holding_cost: cost H of holding one unit for a year (e.g. 20% × unit price).
        annual_demand: units D used per year.

    Raises:
        ValueError: any input zero, negative or not finite.
    """
    for name, value in (
        ("order cost", order_cost),
        ("holding cost", holding_cost),
        ("annual demand", annual_demand),
    ):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"EOQ needs a positive {name}, got {value!r}")
    return math.sqrt(2.0 * annual_demand * order_cost / holding_cost)


@dataclass(frozen=True)
class OrderQuantity:
    """A suggested order and its basis: ``"eoq"`` or ``"cover"`` (months of forecast)."""

    quantity: int
    basis: str
    lot: float


def order_quantity(
    demand_per_period: float,
    *,
    periods_per_year: float = 12,
    order_cost: float | None = None,
    holding_cost: float | None = None,
    cover_months: float = 3.0,
    minimum_order: float = 0,
    pack_size: int = 1,
    shortfall: float = 0.0,
) -> OrderQuantity:
    """Suggested order quantity in whole units.

    The lot is the EOQ when both costs are known and there is demand, else
    ``cover_months`` of forecast demand. ``shortfall`` (reorder point minus
    inventory position, when the position has fallen below it) is added, so the
    order brings the position back to reorder point + lot. The result is at
    least ``minimum_order`` and rounded up to a multiple of ``pack_size``.
    """
    if demand_per_period < 0 or shortfall < 0 or minimum_order < 0 or cover_months < 0:
        raise ValueError("demand, shortfall, minimum order and cover cannot be negative")
    if periods_per_year <= 0:
        raise ValueError("periods per year must be positive")
    if int(pack_size) != pack_size or pack_size < 1:
        raise ValueError(f"pack size must be a whole number ≥ 1, got {pack_size!r}")
    annual = demand_per_period * periods_per_year
    if order_cost is not None and holding_cost is not None and annual > 0:
        lot, basis = eoq(order_cost, holding_cost, annual), EOQ
    else:
        lot, basis = annual * cover_months / 12.0, COVER
    wanted = max(lot + shortfall, minimum_order)
    packs = math.ceil(wanted / pack_size - 1e-9)
    return OrderQuantity(int(packs * pack_size), basis, lot)


def order_quantities(rate: np.ndarray, shortfall: np.ndarray, *, cover_months: float,
                     order_cost: float | None, holding_cost: np.ndarray | None,
                     minimum_order: np.ndarray, pack_size: np.ndarray) -> np.ndarray:
    """:func:`order_quantity` for many rows at once (monthly ``rate``; ``holding_cost``
    per unit and year, per row, or None)."""
    annual = rate * 12
    lot = rate * cover_months
    if order_cost is not None and holding_cost is not None:
        ok = (annual > 0) & (holding_cost > 0)
        lot = np.where(ok, np.sqrt(2 * annual * order_cost / np.where(ok, holding_cost, 1)),
                       lot)
    wanted = np.maximum(lot + shortfall, minimum_order)
    return np.ceil(wanted / pack_size - 1e-9) * pack_size
