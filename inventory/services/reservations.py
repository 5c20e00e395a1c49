"""Holding stock for a request: a quantity at a location (StockLevel.reserved, which the
reorder position subtracts), a specific device, or a license seat; and letting it go."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from .. import models as m
from .. import sqlcache
from ..errors import InvalidState
from .shop import KitLineView

HELD = "held"


@dataclass(frozen=True)
class Shortage:
    """A kit line that cannot be reserved now, and why."""

    line: KitLineView
    need: int
    have: int

    def describe(self) -> str:
        return (f"{self.line.describe()}: {self.have} of {self.need} available"
                if self.line.kind != "license" else
                f"{self.line.describe()}: {self.have} of {self.need} seats free")


def held_assets() -> pw.Select:
    """Ids of devices held for an open request."""
    r = m.Reservation
    return r.select(r.asset).where((r.state == HELD) & r.asset.is_null(False))


def _held_for() -> pw.Query:
    r = m.Reservation
    return (r.select(r.request).where((r.asset == sqlcache.slot("asset_id"))
                                      & (r.state == sqlcache.slot("held")))
            .limit(pw.SQL("1")))


def holder_of(asset_id: int) -> m.Request | None:
    """The open request a device is reserved for, if any (on every check-out: compiled
    once, see sqlcache)."""
    row = sqlcache.execute("reservation_of_asset", _held_for,
                           {"asset_id": asset_id, "held": HELD}).fetchone()
    return m.Request.get_by_id(row[0]) if row else None


def check_not_reserved(a: m.Asset, person: m.Person | None) -> None:
    """A device reserved for someone's request goes to nobody else."""
    req = holder_of(a.id)
    if req is None or (person is not None and req.person_id == person.id):
        return
    who = m.Person.get_by_id(req.person_id)
    raise InvalidState(f"{a.tag} is reserved for {who.name} ({who.employee_id}), request "
                       f"{req.number}. Pick another device, or cancel that request first.",
                       field="asset")


def _pool_assets() -> pw.Select:
    return m.LoanDevice.select(m.LoanDevice.asset)


def free_devices(product_ids: tuple[int, ...], location_ids: list[int], n: int) -> list[m.Asset]:
    """Up to `n` in-stock devices of these models (preferred model first) at the
    locations (in order), neither reserved nor in the loan pool."""
    out: list[m.Asset] = []
    for loc in location_ids:
        for pid in product_ids:
            if len(out) >= n:
                return out
            q = (m.Asset.select().where(
                (m.Asset.product == pid) & (m.Asset.status == "in_stock")
                & (m.Asset.location == loc) & m.Asset.id.not_in(held_assets())
                & m.Asset.id.not_in(_pool_assets()) & m.Asset.id.not_in([a.id for a in out]))
                .order_by(m.Asset.tag).limit(n - len(out)))
            out.extend(q)
    return out


def free_quantity(product_id: int, location_id: int) -> int:
    sl = m.StockLevel
    row = (sl.select(sl.quantity - sl.reserved).where(
        (sl.product == product_id) & (sl.location == location_id)).scalar())
    return int(row or 0)


def free_seats(product_id: int) -> int:
    """Seats of this license product neither assigned nor held for a request."""
    lic, seat, r = m.License, m.LicenseSeat, m.Reservation
    total = 0
    for lid, seats, overuse in (lic.select(lic.id, lic.seats, lic.allow_overuse)
                                .where(lic.product == product_id).tuples()):
        if overuse:
            return 1_000_000
        used = seat.select().where((seat.license == lid) & seat.released_at.is_null()).count()
        total += max(seats - used, 0)
    held = (r.select(pw.fn.SUM(r.quantity)).where(
        (r.product == product_id) & (r.state == HELD) & r.asset.is_null()
        & r.location.is_null()).scalar()) or 0
    return max(total - int(held), 0)


def plan(lines: list[tuple[KitLineView, int]], location_ids: list[int]
         ) -> tuple[list[dict], list[Shortage]]:
    """What reserving these lines (line, units) would hold, or the lines short of stock."""
    holds: list[dict] = []
    short: list[Shortage] = []
    for line, need in lines:
        if line.kind == "device":
            found = free_devices(line.option_ids, location_ids, need)
            taken = {h["asset"].id for h in holds if h.get("asset") is not None}
            found = [a for a in found if a.id not in taken]
            if len(found) < need:
                short.append(Shortage(line, need, len(found)))
            holds += [dict(product=a.product_id, asset=a, location=a.location_id, quantity=1)
                      for a in found[:need]]
        elif line.kind == "license":
            have = min(free_seats(pid) for pid in line.option_ids[:1])
            if have < need:
                short.append(Shortage(line, need, have))
            holds.append(dict(product=line.option_ids[0], asset=None, location=None,
                              quantity=need))
        else:
            spot = next(((pid, loc) for loc in location_ids for pid in line.option_ids
                         if free_quantity(pid, loc) >= need), None)
            if spot is None:
                best = max((free_quantity(pid, loc) for loc in location_ids
                            for pid in line.option_ids), default=0)
                short.append(Shortage(line, need, best))
            else:
                holds.append(dict(product=spot[0], asset=None, location=spot[1],
                                  quantity=need))
    return holds, short


def hold(req: m.Request, holds: list[dict]) -> None:
    """Write the reservations (the caller's transaction): a quantity also raises the stock
    level's `reserved`, refused if another desk took it meanwhile."""
    sl = m.StockLevel
    for h in holds:
        if h["asset"] is None and h["location"] is not None:
            n = (sl.update(reserved=sl.reserved + h["quantity"])
                 .where((sl.product == h["product"]) & (sl.location == h["location"])
                        & (sl.quantity - sl.reserved >= h["quantity"])).execute())
            if n == 0:
                raise InvalidState("The stock was taken at another desk just now; reserve "
                                   "again.", field="quantity")
        m.Reservation.create(request=req, product=h["product"], asset=h["asset"],
                             location=h["location"], quantity=h["quantity"])


def release(req: m.Request, state: str = "released") -> int:
    """Let go of (or, `state` consumed, use up) every held reservation of a request."""
    sl, r = m.StockLevel, m.Reservation
    n = 0
    for res in r.select().where((r.request == req.id) & (r.state == HELD)):
        if res.asset_id is None and res.location_id is not None:
            left = pw.Case(None, [(sl.reserved > res.quantity, sl.reserved - res.quantity)], 0)
            (sl.update(reserved=left)
             .where((sl.product == res.product_id) & (sl.location == res.location_id))
             .execute())
        n += r.update(state=state).where((r.id == res.id) & (r.state == HELD)).execute()
    return n
