"""Issuing a kit (or fulfilling a request) in one transaction: the devices checked out,
the spares issued, the seats assigned, the request's reservations used up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import peewee as pw

from .. import limits
from .. import models as m
from ..errors import InvalidState, ValidationError
from ..kits import KitFill, Line
from ..operators import OperatorRef
from ..roles import require
from . import assets, find, licenses, requests, reservations, shop, stock

MAX_ITEMS = 200


@dataclass(frozen=True)
class KitIssueView:
    person: str
    employee_id: str
    kit: str
    request: str | None
    devices: tuple[str, ...]  # tags checked out
    spares: tuple[tuple[str, int], ...]  # product, quantity issued
    seats: tuple[str, ...]  # license products assigned

    def describe(self) -> str:
        parts = [*self.devices, *(f"{q} × {p}" for p, q in self.spares),
                 *(f"{s} seat" for s in self.seats)]
        req = f" ({self.request} fulfilled)" if self.request else ""
        return (f"issued {self.kit} to {self.person} ({self.employee_id}){req}: "
                + ", ".join(parts))


def fill_for(it: m.CatalogItem, times: int = 1) -> KitFill:
    lines = [Line(ln.kind, ln.quantity * times, tuple(zip(ln.option_ids, ln.options,
                                                           strict=True)))
             for ln in shop.item_lines(it)]
    return KitFill(it.name, lines)


def _reserved(req: m.Request) -> list[m.Reservation]:
    r = m.Reservation
    return list(r.select().where((r.request == req.id) & (r.state == reservations.HELD))
                .order_by(r.id))


def issue_kit(db: pw.Database, op: OperatorRef, person: str, item: str | None = None, *,
              tags: Sequence[str] = (), spares: Sequence[tuple[str, int]] = (),
              request: str | None = None, source: str = "manual") -> KitIssueView:
    """Hand a kit to a person. Scanned `tags` and `spares` fill its lines; lines nobody
    scanned are filled from the request's reservations; a line left empty refuses the
    whole kit. The person's reserved request for the kit is fulfilled by it."""
    require(op.role, "check_out")
    if len(tags) + len(spares) > MAX_ITEMS:
        raise ValidationError(f"A kit has at most {MAX_ITEMS} items.", field="item")
    with db.atomic():
        who = find.person(person)
        req = requests.find_request(request) if request else None
        if req is None and item is not None:
            it = shop.item(item)
            req = next((r for r in requests.ready_for(who) if r.item_id == it.id), None)
        if req is not None:
            if req.person_id != who.id:
                owner = m.Person.get_by_id(req.person_id)
                raise InvalidState(f"{req.number} is for {owner.name}, not {who.name}.",
                                   field="request")
            if req.state not in ("reserved", "approved"):
                raise InvalidState(f"{req.number} is {req.state}; only an approved or "
                                   "reserved request is handed out.", field="request")
            it = m.CatalogItem.get_by_id(req.item_id)
        elif item is None:
            raise ValidationError("Name the kit (or the request) to issue.", field="item")
        else:
            it = shop.item(item)
            shop.may_request(it, who)
        times = req.quantity if req is not None else 1
        fill = fill_for(it, times)
        devices: list[m.Asset] = []
        for tag in tags:
            a = find.asset(tag)
            if a.id in {d.id for d in devices}:
                raise ValidationError(f"{a.tag} is scanned twice.", field="item")
            fill.place(a.product_id, a.product.name, what=f"{a.tag} ({a.product.name})")
            devices.append(a)
        issued: list[tuple[m.Product, int, m.Location | None]] = []
        for code, qty in spares:
            p = stock.quantity_product(code)
            qty = limits.quantity(qty)
            fill.place(p.id, p.name, qty)
            issued.append((p, qty, None))
        held = _reserved(req) if req is not None else []
        for res in held:  # lines nobody scanned: what the request holds
            if res.asset_id is not None:
                a = m.Asset.get_by_id(res.asset_id)
                if not fill.complete and _fits(fill, a.product_id):
                    fill.place(a.product_id, a.product.name)
                    devices.append(a)
            elif res.location_id is not None and _fits(fill, res.product_id, res.quantity):
                p = m.Product.get_by_id(res.product_id)
                fill.place(p.id, p.name, res.quantity)
                issued.append((p, res.quantity, m.Location.get_by_id(res.location_id)))
        if not fill.complete:
            raise InvalidState(f"{it.name} is not complete: it still expects "
                               f"{fill.expecting()}. Scan them, or pick another kit.",
                               field="item")
        if req is not None:
            requests.mark_fulfilled(req, op, "handed out")
        ref = req.number if req is not None else it.code
        for a in devices:
            reservations.check_not_reserved(a, who)
            assets.check_out(db, op, a.tag, person=who.employee_id, source=source,
                             reference=ref)
        for p, qty, loc in issued:
            stock.issue(db, op, p.name if not p.part_number else p.part_number, qty,
                        person=who.employee_id, location=loc.code if loc else None,
                        source=source, reference=ref)
        seats = []
        for ln in fill.seats():
            lic = _license_with_seat([pid for pid, _ in ln.options])
            for _ in range(ln.need):
                licenses.assign_seat(db, op, lic, person=who.employee_id, source=source,
                                     reference=ref)
            seats.append(ln.options[0][1])
        return KitIssueView(who.name, who.employee_id, it.name,
                            req.number if req else None, tuple(a.tag for a in devices),
                            tuple((p.name, q) for p, q, _ in issued), tuple(seats))


def _fits(fill: KitFill, product_id: int, quantity: int = 1) -> bool:
    return any(ln.kind != "license" and fill.filled[i] + quantity <= ln.need
               and any(pid == product_id for pid, _ in ln.options)
               for i, ln in enumerate(fill.lines))


def _license_with_seat(product_ids: list[int]) -> int:
    """A license of these products with a seat free, else the newest (which refuses)."""
    lic = m.License
    newest = None
    for row in lic.select().where(lic.product.in_(product_ids)).order_by(lic.id.desc()):
        newest = newest or row
        if row.allow_overuse or licenses.seats_used(row.id) < row.seats:
            return row.id
    if newest is None:
        name = m.Product.get_by_id(product_ids[0]).name
        raise InvalidState(f"No license of {name} exists to assign a seat from. Add the "
                           "license first.", field="license")
    return newest.id
