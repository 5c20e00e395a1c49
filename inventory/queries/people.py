"""People: who holds what (devices, seats), by department and site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import peewee as pw

from .. import models as m
from . import history
from .common import Column, Spec, TableQuery, fetch_rows, order

PER = m.Person
SITE = m.Location.alias("site")
A = m.Asset
SEAT = m.LicenseSeat


def _held() -> pw.Select:
    return (A.select(A.holder.alias("pid"), pw.fn.COUNT(A.id).alias("n"))
            .where(A.holder.is_null(False)).group_by(A.holder))


def _seats() -> pw.Select:
    return (SEAT.select(SEAT.person.alias("pid"), pw.fn.COUNT(SEAT.id).alias("n"))
            .where(SEAT.released_at.is_null() & SEAT.person.is_null(False))
            .group_by(SEAT.person))


class PeopleTable(TableQuery):
    columns = (
        Column("name", "Name", width=180),
        Column("employee_id", "Employee id", width=110),
        Column("department", "Department", width=110),
        Column("site", "Site", width=130),
        Column("email", "Email", width=220),
        Column("devices", "Devices", kind="int", width=80),
        Column("seats", "Seats", kind="int", width=65),
        Column("state", "State", kind="status", width=80),
    )
    default_sort = "name"

    def id_query(self, spec: Spec) -> pw.Select:
        q = PER.select(PER.id)
        for term in spec.terms():
            q = q.where(PER.name.contains(term) | PER.employee_id.contains(term)
                        | PER.email.contains(term) | PER.department.contains(term)
                        | PER.cost_centre.contains(term))
        if dept := spec.get("department"):
            q = q.where(PER.department == dept)
        if site := spec.get("site"):
            q = q.where(PER.site == int(site))
        state = spec.get("state")
        if state == "active":
            q = q.where(PER.active)
        elif state == "left":
            q = q.where(~PER.active)
        elif state == "holding":
            q = q.where(PER.id.in_(A.select(A.holder).where(A.holder.is_null(False))))
        elif state == "left_holding":
            q = q.where(~PER.active & (PER.id.in_(
                A.select(A.holder).where(A.holder.is_null(False))) | PER.id.in_(
                SEAT.select(SEAT.person).where(SEAT.released_at.is_null()))))
        key = spec.sort or self.default_sort
        if key in ("devices", "seats"):
            sub = (_held() if key == "devices" else _seats()).alias("s")
            q = q.join(sub, pw.JOIN.LEFT_OUTER, on=(sub.c.pid == PER.id))
            sort = pw.fn.COALESCE(sub.c.n, 0)
        elif key == "site":
            q = q.join(SITE, pw.JOIN.LEFT_OUTER, on=(PER.site == SITE.id))
            sort = SITE.name
        else:
            sort = {"name": PER.name, "employee_id": PER.employee_id,
                    "department": PER.department, "email": PER.email,
                    "state": PER.active}.get(key, PER.name)
        return q.order_by(order(sort, spec.descending), order(PER.id, spec.descending))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        ids = list(ids)
        held = _held().where(A.holder.in_(ids)).alias("h")
        seats = _seats().where(SEAT.person.in_(ids)).alias("s")
        q = (PER.select(PER.id, PER.name, PER.employee_id, PER.department, SITE.name,
                        PER.email, held.c.n, seats.c.n, PER.active)
             .join_from(PER, SITE, pw.JOIN.LEFT_OUTER, on=(PER.site == SITE.id))
             .join_from(PER, held, pw.JOIN.LEFT_OUTER, on=(held.c.pid == PER.id))
             .join_from(PER, seats, pw.JOIN.LEFT_OUTER, on=(seats.c.pid == PER.id)))
        return {k: (name, eid, dept, site or "", email, int(h or 0), int(s or 0),
                    "active" if active else "left")
                for k, (name, eid, dept, site, email, h, s, active)
                in fetch_rows(q, ids, PER.id).items()}


def departments() -> list[str]:
    return [d for (d,) in PER.select(PER.department).distinct().order_by(PER.department)
            .tuples() if d]


@dataclass(frozen=True)
class HeldDevice:
    asset_id: int
    tag: str
    product: str
    serial: str | None
    due_date: date | None


@dataclass(frozen=True)
class PersonDetail:
    id: int
    name: str
    employee_id: str
    email: str
    department: str
    cost_centre: str
    site: str | None
    site_id: int | None
    active: bool
    left_on: date | None
    devices: list[HeldDevice]
    seats: list[tuple[int, str]]  # license id, product
    movements: list[history.MovementRow]


def detail(person_id: int) -> PersonDetail | None:
    p = PER.get_or_none(PER.id == person_id)
    if p is None:
        return None
    devices = [HeldDevice(*r) for r in
               A.select(A.id, A.tag, m.Product.name, A.serial, A.due_date).join(m.Product)
               .where(A.holder == p.id).order_by(A.tag).tuples()]
    seats = [r for r in SEAT.select(m.License.id, m.Product.name).join(m.License)
             .join(m.Product).where((SEAT.person == p.id) & SEAT.released_at.is_null())
             .order_by(m.Product.name).tuples()]
    site = m.Location.get_or_none(m.Location.id == p.site_id) if p.site_id else None
    return PersonDetail(p.id, p.name, p.employee_id, p.email, p.department, p.cost_centre,
                        site.name if site else None, p.site_id, p.active, p.left_on, devices,
                        seats, history.for_person(p.id, limit=40))


def leaver(text: str) -> tuple[str, str] | None:
    """(name, employee id) of someone who has left, by employee id, email or picker label
    ("Name · E10293"); None when the text names nobody who has left."""
    code = text.strip().rsplit(" · ", 1)[-1].strip()
    row = (PER.select(PER.name, PER.employee_id)
           .where(((PER.employee_id == code) | (pw.fn.LOWER(PER.email) == code.lower()))
                  & ~PER.active).tuples().first())
    return tuple(row) if row else None


def by_employee_id(employee_id: str) -> int | None:
    return PER.select(PER.id).where(PER.employee_id == employee_id.strip()).scalar()
