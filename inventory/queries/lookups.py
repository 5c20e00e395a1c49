"""Small lists for pickers and completers: locations, people, products, suppliers."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from .. import models as m


@dataclass(frozen=True)
class Choice:
    id: int
    code: str  # what a service takes: employee id, location code, GTIN/part/name...
    label: str
    kind: str = ""


def locations(kinds: tuple[str, ...] | None = None, active: bool = True) -> list[Choice]:
    L = m.Location
    q = L.select(L.id, L.code, L.name, L.kind)
    if kinds:
        q = q.where(L.kind.in_(kinds))
    if active:
        q = q.where(L.active)
    return [Choice(i, c, n, k) for i, c, n, k in q.order_by(L.name).tuples()]


def people(active: bool = True) -> list[Choice]:
    P = m.Person
    q = P.select(P.id, P.employee_id, P.name, P.department)
    if active:
        q = q.where(P.active)
    return [Choice(i, e, f"{n} · {e}", d) for i, e, n, d in q.order_by(P.name).tuples()]


def product_code(gtin: str | None, part_number: str, name: str) -> str:
    """What `find.product` takes for one product: its GTIN, else part number, else name
    (two makers may sell products of the same name)."""
    return gtin or part_number or name


def products(kinds: tuple[str, ...] | None = None) -> list[Choice]:
    """Products by name; labels name the maker (and part) where names repeat."""
    P = m.Product
    q = P.select(P.id, P.name, P.kind, P.manufacturer, P.part_number, P.gtin).where(P.active)
    if kinds:
        q = q.where(P.kind.in_(kinds))
    rows = list(q.order_by(P.name, P.manufacturer).tuples())
    seen: dict[str, int] = {}
    for _, name, *_rest in rows:
        seen[name] = seen.get(name, 0) + 1
    out, labels = [], set()
    for i, name, kind, maker, part, gtin in rows:
        label = name if seen[name] == 1 else f"{name} · {maker or part}"
        if label in labels:
            label = f"{label} · {part or i}"
        labels.add(label)
        out.append(Choice(i, product_code(gtin, part, name), label, kind))
    return out


def suppliers() -> list[Choice]:
    S = m.Supplier
    return [Choice(i, n, n) for i, n in S.select(S.id, S.name).order_by(S.name).tuples()]


def licenses() -> list[Choice]:
    L, P, SEAT = m.License, m.Product, m.LicenseSeat
    used = (SEAT.select(SEAT.license.alias("lid"), pw.fn.COUNT(SEAT.id).alias("n"))
            .where(SEAT.released_at.is_null()).group_by(SEAT.license).alias("u"))
    q = (L.select(L.id, P.name, L.seats, used.c.n, L.license_type).join(P)
         .join_from(L, used, pw.JOIN.LEFT_OUTER, on=(used.c.lid == L.id))
         .where(L.retired_on.is_null()).order_by(P.name))  # a retired one takes no seats
    return [Choice(i, str(i), f"{n} — {max(s - int(u or 0), 0)} of {s} free", t)
            for i, n, s, u, t in q.tuples()]


def asset_ref(asset_id: int) -> tuple[str, str, int | None] | None:
    """(tag, status, location id) of one asset."""
    A = m.Asset
    return A.select(A.tag, A.status, A.location).where(A.id == asset_id).tuples().first()


def product_ref(product_id: int) -> tuple[str, str] | None:
    """(exact name, kind) of one product: the name is what services take as a code."""
    P = m.Product
    return P.select(P.name, P.kind).where(P.id == product_id).tuples().first()


def location_code(location_id: int) -> str | None:
    return m.Location.select(m.Location.code).where(m.Location.id == location_id).scalar()


def person_code(person_id: int) -> str | None:
    return m.Person.select(m.Person.employee_id).where(m.Person.id == person_id).scalar()


def open_orders(limit: int = 300) -> list[Choice]:
    """Orders that can still be received, newest first: code = order number."""
    po, sup = m.PurchaseOrder, m.Supplier
    q = (po.select(po.id, po.number, sup.name).join(sup)
         .where(po.status.in_(("ordered", "partly_received")))
         .order_by(po.id.desc()).limit(limit))
    return [Choice(i, n, f"{n} — {s}") for i, n, s in q.tuples()]
