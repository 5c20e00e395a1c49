"""Committed demand: approved requests (not reserved yet: the stock is not there) are
demand with a date. When they exceed what will be on hand by their needed-by date, the
reorder line proposes the buy or the transfer in time (order by = needed by − lead time)
and names the requests. Devices reserved for a request are held out of the position, as
StockLevel.reserved holds out spares.

The engine calls `load()` once, `products()` / `keys()` to plan these items, adds
`reserved_devices` to the positions' reserved (`demand.position_table`) and calls
`apply()` on its lines.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from msgspec.structs import replace  # ReorderLine is a msgspec struct

from .. import models as m


@dataclass(frozen=True)
class Commitment:
    number: str
    person: str
    quantity: int
    needed_by: date

    def describe(self) -> str:
        return (f"{self.number}: {self.quantity} for {self.person}, needed by "
                f"{self.needed_by:%Y-%m-%d}")


@dataclass
class CommittedDemand:
    demand: dict[tuple[int, int], list[Commitment]] = field(default_factory=dict)
    reserved_devices: dict[tuple[int, int], int] = field(default_factory=dict)

    def products(self) -> set[int]:
        return {p for p, _ in self.demand} | {p for p, _ in self.reserved_devices}

    def keys(self) -> set[tuple[int, int]]:
        return set(self.demand)

    def apply(self, lines: Iterable[Any], today: date) -> list[Any]:
        return [self._line(ln, today) if (ln.product_id, ln.location_id) in self.demand
                else ln for ln in lines]

    def _line(self, ln: Any, today: date) -> Any:
        commits = sorted(self.demand[(ln.product_id, ln.location_id)],
                         key=lambda c: (c.needed_by, c.number))
        total, short, first_short = 0, 0.0, None
        for c in commits:
            total += c.quantity
            days = max((c.needed_by - today).days, 0)
            projected = ln.position - ln.demand_per_day * days - total
            if projected < 0:
                first_short = first_short or c.needed_by
                short = max(short, -projected)
        notes = [f"Committed to requests: {c.describe()}" for c in commits]
        if first_short is None:
            notes.append(f"Committed demand {total} is covered by the position")
            return replace(ln, commitments=tuple(notes))
        lead = math.ceil(ln.lead_time_days)
        order_by = first_short - timedelta(days=lead)
        late = order_by < today
        notes.append(f"Committed demand {total} exceeds what will be on hand by "
                     f"{first_short:%Y-%m-%d} by {math.ceil(short)}: order by "
                     f"{order_by:%Y-%m-%d} ({lead} days lead time)"
                     + ("; already late: it arrives after the needed-by date" if late else ""))
        need = max(math.ceil(short), ln.min_order)
        need = math.ceil(need / ln.pack_size) * ln.pack_size
        quantity = ln.quantity if ln.action == "wait" else max(ln.quantity, need)
        when = max(order_by, today)
        if ln.alert and ln.order_by is not None:
            when = min(when, ln.order_by)
        return replace(ln, alert=True, order_by=when, quantity=quantity,
                       quantity_basis=ln.quantity_basis if quantity == ln.quantity
                       else "committed demand", commitments=tuple(notes))


def load(today: date) -> CommittedDemand:
    """Approved requests' demand per product × location, and reserved devices."""
    from ..services.requests import units

    out = CommittedDemand()
    demand: dict[tuple[int, int], list[Commitment]] = defaultdict(list)
    R = m.Request
    for req in (R.select(R, m.Person).join(m.Person)
                .where((R.state == "approved") & R.location.is_null(False))):
        for line, need in units(req):
            if line.kind == "license":
                continue
            demand[(line.option_ids[0], req.location_id)].append(
                Commitment(req.number, req.person.name, need, req.needed_by or today))
    out.demand = dict(demand)
    r, a = m.Reservation, m.Asset
    q = (r.select(a.product, a.location, r.id).join(a, on=(r.asset == a.id))
         .where((r.state == "held") & (a.status == "in_stock")).tuples())
    held: dict[tuple[int, int], int] = defaultdict(int)
    for p, loc, _ in q:
        held[(p, loc)] += 1
    out.reserved_devices = dict(held)
    return out
