"""The rule audit: the invariants the services enforce, checked on the data as it is.

The services refuse a second open seat of a license for the same person or device, more
seats than a license allows (unless over-use is allowed), a seat or a device issued to
someone who has left, stock below zero, and a device in two places at once. Data that
came from elsewhere (an old import, the demo, a bug, an edit behind the app's back) may
still break them; `audit` lists every such problem in words a person can act on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

import peewee as pw

from .. import models as m

SHOW_PER_RULE = 20


def _day(value) -> date:
    """A date or datetime as stored (SQLite may hand back text) as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _capped(lines: list[str], what: str) -> list[str]:
    if len(lines) <= SHOW_PER_RULE:
        return lines
    return lines[:SHOW_PER_RULE] + [f"… and {len(lines) - SHOW_PER_RULE} more {what}"]


def _names() -> tuple[dict[int, str], dict[int, tuple[str, str, date | None]]]:
    lic = {lid: name for lid, name in m.License.select(m.License.id, m.Product.name)
           .join(m.Product).tuples()}
    P = m.Person
    people = {pid: (name, eid, _day(left) if left else None) for pid, name, eid, left in
              P.select(P.id, P.name, P.employee_id, P.left_on).tuples()}
    return lic, people


def duplicate_seats(lic: dict[int, str], people: dict) -> list[str]:
    S = m.LicenseSeat
    out = []
    for column, label in ((S.person, "person"), (S.asset, "device")):
        q = (S.select(S.license, column, pw.fn.COUNT(S.id))
             .where(S.released_at.is_null() & column.is_null(False))
             .group_by(S.license, column).having(pw.fn.COUNT(S.id) > 1).tuples())
        rows = list(q)
        tags = dict(m.Asset.select(m.Asset.id, m.Asset.tag)
                    .where(m.Asset.id.in_([r[1] for r in rows])).tuples()) if \
            label == "device" and rows else {}
        for lid, who, n in rows:
            name = f"{people[who][0]} ({people[who][1]})" if label == "person" else tags[who]
            out.append(f"duplicate seat: {name} holds {n} open seats of {lic[lid]}; "
                       "release all but one")
    return _capped(out, "duplicate seats")


def over_allocated(lic: dict[int, str]) -> list[str]:
    S, L = m.LicenseSeat, m.License
    used = dict(S.select(S.license, pw.fn.COUNT(S.id)).where(S.released_at.is_null())
                .group_by(S.license).tuples())
    out = []
    for lid, seats in L.select(L.id, L.seats).where(~L.allow_overuse).tuples():
        if used.get(lid, 0) > seats:
            out.append(f"over-allocated: {lic[lid]} has {used[lid]} seats in use of {seats} "
                       "(over-use not allowed); release seats or buy more")
    return _capped(out, "over-allocated licenses")


def _leavers(people: dict) -> dict[int, tuple[str, str, date]]:
    return {pid: (name, eid, left) for pid, (name, eid, left) in people.items()
            if left is not None}


def issued_after_leaving(lic: dict[int, str], people: dict) -> list[str]:
    gone = _leavers(people)
    if not gone:
        return []
    out = []
    S = m.LicenseSeat
    for lid, pid, at in (S.select(S.license, S.person, S.assigned_at)
                         .where(S.person.in_(list(gone))).tuples()):
        name, eid, left = gone[pid]
        if (day := _day(at)) > left:
            out.append(f"seat to a leaver: {lic[lid]} assigned to {name} ({eid}) on "
                       f"{day:%Y-%m-%d}, after they left on {left:%Y-%m-%d}")
    mv = m.Movement
    q = (mv.select(mv.at, mv.person, m.Asset.tag).join(m.Asset, on=(mv.asset == m.Asset.id))
         .where((mv.kind == "check_out") & mv.person.in_(list(gone))).tuples())
    for at, pid, tag in q:
        name, eid, left = gone[pid]
        if (day := _day(at)) > left:
            out.append(f"loan to a leaver: {tag} checked out to {name} ({eid}) on "
                       f"{day:%Y-%m-%d}, after they left on {left:%Y-%m-%d}")
    return _capped(out, "items issued to people who had left")


def assets_in_two_places() -> list[str]:
    A, SH, SL = m.Asset, m.Shipment, m.ShipmentLine
    out = [f"two places: {tag} is {status.replace('_', ' ')} but also held by {name}; check "
           "it in, or correct the record" for tag, status, name in
           A.select(A.tag, A.status, m.Person.name).join(m.Person, on=(A.holder == m.Person.id))
           .where(A.status != "deployed").tuples()]
    shipped: dict[int, list[str]] = defaultdict(list)
    for aid, number in (SL.select(SL.asset, SH.number).join(SH)
                        .where((SH.status == "in_transit") & SL.asset.is_null(False)).tuples()):
        shipped[aid].append(number)
    if shipped:
        states = {aid: (tag, status) for aid, tag, status in A.select(A.id, A.tag, A.status)
                  .where(A.id.in_(list(shipped))).tuples()}
        for aid, numbers in shipped.items():
            tag, status = states[aid]
            if len(numbers) > 1:
                out.append(f"two places: {tag} is on {len(numbers)} open shipments "
                           f"({', '.join(numbers)})")
            elif status != "in_transit":
                out.append(f"two places: {tag} is on open shipment {numbers[0]} but booked "
                           f"{status.replace('_', ' ')}; receive the shipment or correct it")
    return _capped(out, "devices in two places")


def negative_stock() -> list[str]:
    sl = m.StockLevel
    return _capped([f"negative stock: {p} at {loc}: {q}; count the shelf" for p, loc, q in
                    sl.select(m.Product.name, m.Location.name, sl.quantity)
                    .join(m.Product).switch(sl).join(m.Location)
                    .where(sl.quantity < 0).tuples()], "negative stock levels")


def reservations_out_of_step() -> list[str]:
    """The stock levels' `reserved` equals what open requests hold there; a device held for
    a request is still in stock."""
    sl, r = m.StockLevel, m.Reservation
    held = {(p, loc): int(q) for p, loc, q in
            r.select(r.product, r.location, pw.fn.SUM(r.quantity))
            .where((r.state == "held") & r.asset.is_null() & r.location.is_null(False))
            .group_by(r.product, r.location).tuples()}
    shown = {(p, loc): int(res or 0) for p, loc, res in
             sl.select(sl.product, sl.location, sl.reserved).where(sl.reserved != 0).tuples()}
    out = []
    for p, loc in sorted(set(held) | set(shown)):
        if held.get((p, loc), 0) != shown.get((p, loc), 0):
            out.append(f"reserved out of step: {m.Product.get_by_id(p).name} at "
                       f"{m.Location.get_by_id(loc).name} shows {shown.get((p, loc), 0)} "
                       f"reserved, open requests hold {held.get((p, loc), 0)}; cancel and "
                       "reserve those requests again")
    for tag, status, number in (r.select(m.Asset.tag, m.Asset.status, m.Request.number)
                                .join(m.Asset, on=(r.asset == m.Asset.id)).switch(r)
                                .join(m.Request).where((r.state == "held")
                                                       & (m.Asset.status != "in_stock"))
                                .tuples()):
        out.append(f"reserved device gone: {tag} is {status.replace('_', ' ')} but held for "
                   f"{number}; cancel and reserve the request again")
    return _capped(out, "reservations out of step")


def audit(db: pw.Database) -> list[str]:
    """Every broken invariant found, one line each (at most SHOW_PER_RULE per rule)."""
    with db.atomic():
        lic, people = _names()
        found: Iterable[list[str]] = (
            duplicate_seats(lic, people), over_allocated(lic),
            issued_after_leaving(lic, people), assets_in_two_places(), negative_stock(),
            reservations_out_of_step())
        return [line for lines in found for line in lines]
