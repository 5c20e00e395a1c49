"""Licenses: seats used and free, renewals coming due, and who holds each seat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import peewee as pw

from .. import models as m
from ..clock import today
from ..renewals import renewal, renewal_due
from .common import Column, Spec, TableQuery, fetch_rows, order

LIC = m.License
P = m.Product
SUP = m.Supplier
SEAT = m.LicenseSeat


def used_seats() -> pw.Select:
    return (SEAT.select(SEAT.license.alias("lid"), pw.fn.COUNT(SEAT.id).alias("used"))
            .where(SEAT.released_at.is_null()).group_by(SEAT.license))


def renewal_due_ids(on: date) -> list[int]:
    """Licenses due for renewal on `on` (the rule in `inventory/renewals.py`)."""
    return [lid for lid, ends, notice, lead in LIC.select(
        LIC.id, LIC.ends_on, LIC.notice_days, LIC.renewal_lead_days)
        .where(LIC.retired_on.is_null()).tuples()
        if renewal_due(_day(ends), notice, lead, on)]


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def state(ends_on: date | None, notice_days: int, lead_days: int, used: int, seats: int,
          on: date) -> str:
    r = renewal(ends_on, notice_days, lead_days)
    if r is not None and r.expired(on):
        return "expired"
    if used > seats:
        return "over"
    if r is not None and r.due(on):
        return "renewal_due"
    if seats and used >= seats:
        return "full"
    return "ok"


class LicenseTable(TableQuery):
    columns = (
        Column("product", "License", width=230),
        Column("vendor", "Vendor", width=150),
        Column("type", "Type", kind="kind", width=95),
        Column("seats", "Seats", kind="int", width=60),
        Column("used", "Used", kind="int", width=60),
        Column("free", "Free", kind="int", width=60),
        Column("cost", "Cost / seat", kind="money", width=100),
        Column("ends_on", "Ends", kind="date", width=112),
        Column("renew_by", "Renew by", kind="date", sortable=False, width=112),
        Column("state", "State", kind="status", sortable=False, width=105),
    )
    default_sort = "product"

    def id_query(self, spec: Spec) -> pw.Select:
        q = (LIC.select(LIC.id).join(P, on=(LIC.product == P.id))
             .join_from(LIC, SUP, pw.JOIN.LEFT_OUTER, on=(LIC.vendor == SUP.id)))
        for term in spec.terms():
            q = q.where(P.name.contains(term) | SUP.name.contains(term)
                        | LIC.reference.contains(term) | LIC.license_type.contains(term))
        if kind := spec.get("type"):
            q = q.where(LIC.license_type == kind)
        special = spec.get("special")
        if special == "retired":
            q = q.where(LIC.retired_on.is_null(False))
        else:  # a retired license is shown only when asked for
            q = q.where(LIC.retired_on.is_null())
        if special == "renewal":
            q = q.where(LIC.id.in_(renewal_due_ids(today())))
        key = spec.sort or self.default_sort
        if key in ("used", "free"):
            u = used_seats().alias("u")
            q = q.join_from(LIC, u, pw.JOIN.LEFT_OUTER, on=(u.c.lid == LIC.id))
            used = pw.fn.COALESCE(u.c.used, 0)
            sort = used if key == "used" else LIC.seats - used
        else:
            sort = {"product": P.name, "vendor": SUP.name, "type": LIC.license_type,
                    "seats": LIC.seats, "cost": LIC.cost_per_seat,
                    "ends_on": LIC.ends_on}.get(key, P.name)
        return q.order_by(order(sort, spec.descending), order(LIC.id, spec.descending))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        u = used_seats().where(SEAT.license.in_(list(ids))).alias("u")
        q = (LIC.select(LIC.id, P.name, SUP.name, LIC.license_type, LIC.seats, u.c.used,
                        LIC.cost_per_seat, LIC.ends_on, LIC.notice_days, LIC.renewal_lead_days,
                        LIC.retired_on)
             .join(P, on=(LIC.product == P.id))
             .join_from(LIC, SUP, pw.JOIN.LEFT_OUTER, on=(LIC.vendor == SUP.id))
             .join_from(LIC, u, pw.JOIN.LEFT_OUTER, on=(u.c.lid == LIC.id)))
        on = today()
        out = {}
        for lid, (name, vendor, ltype, seats, used, cost, ends, notice, lead,
                  retired) in fetch_rows(q, ids, LIC.id).items():
            used = int(used or 0)
            r = renewal(_day(ends), notice, lead)
            out[lid] = (name, vendor or "", ltype, seats, used, seats - used, cost, ends,
                        r.renew_by if r and not retired else None,
                        "retired" if retired else state(_day(ends), notice, lead, used, seats,
                                                        on))
        return out


@dataclass(frozen=True)
class SeatRow:
    assignee: str
    employee_id: str | None
    asset_tag: str | None
    department: str
    assigned_at: datetime
    left: bool  # the person has left: the seat can be reclaimed


@dataclass(frozen=True)
class TermRow:
    starts_on: date
    ends_on: date | None
    seats: int
    cost_per_seat: Decimal
    reference: str


@dataclass(frozen=True)
class LicenseDetail:
    id: int
    product: str
    vendor: str | None
    license_type: str
    seats: int
    used: int
    cost_per_seat: Decimal
    term_months: int
    starts_on: date
    ends_on: date | None
    renew_by: date | None  # end − notice
    due_from: date | None  # renew by − renewal lead time: start the paperwork
    notice_days: int
    allow_overuse: bool
    reference: str
    state: str
    assignments: list[SeatRow]
    renewal_lead_days: int = 30
    retired_on: date | None = None
    terms: tuple[TermRow, ...] = ()  # earlier terms, latest first

    @property
    def free(self) -> int:
        return self.seats - self.used

    @property
    def reclaimable(self) -> int:
        return sum(1 for s in self.assignments if s.left)

    @property
    def annual_cost(self) -> Decimal:
        months = self.term_months or 12
        return self.cost_per_seat * self.seats * Decimal(12) / Decimal(months)


def detail(license_id: int, limit: int = 500) -> LicenseDetail | None:
    lic = (LIC.select(LIC, P, SUP).join(P)
           .join_from(LIC, SUP, pw.JOIN.LEFT_OUTER).where(LIC.id == license_id).first())
    if lic is None:
        return None
    person, asset = m.Person, m.Asset
    seats = [SeatRow(pname or tag or "?", eid, tag, dept or "", at, active is False)
             for pname, eid, dept, active, tag, at in
             SEAT.select(person.name, person.employee_id, person.department, person.active,
                         asset.tag, SEAT.assigned_at)
             .join_from(SEAT, person, pw.JOIN.LEFT_OUTER, on=(SEAT.person == person.id))
             .join_from(SEAT, asset, pw.JOIN.LEFT_OUTER, on=(SEAT.asset == asset.id))
             .where((SEAT.license == lic.id) & SEAT.released_at.is_null())
             .order_by(person.active, SEAT.assigned_at.desc()).limit(limit).tuples()]
    used = SEAT.select().where((SEAT.license == lic.id) & SEAT.released_at.is_null()).count()
    r = renewal(lic.ends_on, lic.notice_days, lic.renewal_lead_days)
    return LicenseDetail(
        id=lic.id, product=lic.product.name, vendor=lic.vendor.name if lic.vendor_id else None,
        license_type=lic.license_type, seats=lic.seats, used=used,
        cost_per_seat=lic.cost_per_seat, term_months=lic.term_months, starts_on=lic.starts_on,
        ends_on=lic.ends_on, renew_by=r.renew_by if r else None,
        due_from=r.due_from if r else None, notice_days=lic.notice_days,
        allow_overuse=lic.allow_overuse, reference=lic.reference,
        state="retired" if lic.retired_on else state(
            lic.ends_on, lic.notice_days, lic.renewal_lead_days, used, lic.seats, today()),
        assignments=seats, renewal_lead_days=lic.renewal_lead_days, retired_on=lic.retired_on,
        terms=tuple(TermRow(*t) for t in m.LicenseTerm.select(
            m.LicenseTerm.starts_on, m.LicenseTerm.ends_on, m.LicenseTerm.seats,
            m.LicenseTerm.cost_per_seat, m.LicenseTerm.reference)
            .where(m.LicenseTerm.license == lic.id)
            .order_by(m.LicenseTerm.starts_on.desc()).tuples()),
    )
