"""Joiners and leavers: a kit requested before someone starts, and everything handed back
when someone leaves (their return list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from .. import clock, limits
from .. import models as m
from ..errors import InvalidState, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import assets, find, licenses, requests, shop, stock

LEAD_DAYS_KEY = "joiners.lead_days"
DEFAULT_LEAD_DAYS = 10
MAX_RETURNS = 500


@dataclass(frozen=True)
class ReturnItem:
    kind: str  # device / spare / seat
    code: str  # asset tag, product name, license product
    what: str
    quantity: int = 1
    since: date | None = None
    license_id: int | None = None

    def describe(self) -> str:
        if self.kind == "device":
            return f"device {self.code} {self.what}"
        if self.kind == "spare":
            return f"spare {self.quantity} × {self.what}"
        return f"seat of {self.what}"


@dataclass(frozen=True)
class ReturnList:
    person: str
    employee_id: str
    leaves_on: date | None
    active: bool
    items: tuple[ReturnItem, ...]

    def lines(self) -> list[str]:
        when = (f"leaves on {self.leaves_on:%Y-%m-%d}" if self.leaves_on and self.active
                else f"left on {self.leaves_on:%Y-%m-%d}" if self.leaves_on else
                "no leaving date")
        head = (f"{self.person} ({self.employee_id}), {when}: "
                f"{len(self.items)} item{'s' if len(self.items) != 1 else ''} to return")
        return [head, *(f"  {it.describe()}" for it in self.items)]


def lead_days(db: pw.Database) -> int:
    """How many days before a joiner's start their kit is requested."""
    with db.atomic():
        row = m.Setting.get_or_none(m.Setting.key == LEAD_DAYS_KEY)
    try:
        return int(row.value) if row is not None else DEFAULT_LEAD_DAYS
    except ValueError:
        return DEFAULT_LEAD_DAYS


def set_lead_days(db: pw.Database, op: OperatorRef, days: int) -> int:
    """How many days before a joiner's start their kit is requested (a manager's)."""
    require(op.role, "adjust")
    days = limits.days(days, "The joiners' lead time", field="days")
    with db.atomic():
        (m.Setting.insert(key=LEAD_DAYS_KEY, value=str(days))
         .on_conflict(conflict_target=[m.Setting.key], update={m.Setting.value: str(days)})
         .execute())
    return days


def add_joiner(db: pw.Database, op: OperatorRef, person: str, starts_on: date, kit: str, *,
               job_role: str = "") -> str:
    """Record that someone starts on a date with the kit of their role."""
    require(op.role, "request")
    job_role = (job_role or "").strip()[:200]
    with db.atomic():
        who = find.person(person)
        it = shop.item(kit)
        shop.may_request(it, who)
        if starts_on < clock.today():
            raise ValidationError(f"{who.name} would start on {starts_on:%Y-%m-%d}, in the "
                                  "past. Give the start date to come.", field="starts_on")
        if m.Joiner.get_or_none(m.Joiner.person == who.id):
            raise InvalidState(f"{who.name} is a joiner already.", field="person")
        m.Joiner.create(person=who, starts_on=starts_on, kit=it, job_role=job_role)
        return f"{who.name} starts {starts_on:%Y-%m-%d} with {it.name}"


def request_joiner_kits(db: pw.Database, op: OperatorRef, days: int | None = None
                        ) -> list[requests.RequestView]:
    """Request the kit of each joiner whose start is `days` (the setting) away or nearer,
    needed by the start date; each joiner once."""
    require(op.role, "request")
    days = limits.days(days if days is not None else lead_days(db), "The joiners' lead time")
    today = clock.today()
    made = []
    with db.atomic():
        due = (m.Joiner.select().where(m.Joiner.request.is_null()
                                       & (m.Joiner.starts_on <= today + timedelta(days=days)))
               .order_by(m.Joiner.starts_on))
        for j in due:
            who = m.Person.get_by_id(j.person_id)
            kit = m.CatalogItem.get_by_id(j.kit_id)
            v = requests.create(db, op, who.employee_id, kit.code,
                                needed_by=max(j.starts_on, today),
                                note=f"joiner starting {j.starts_on:%Y-%m-%d}")
            req = requests.find_request(v.number)
            m.Joiner.update(request=req).where(m.Joiner.id == j.id).execute()
            made.append(v)
    return made


def return_list(person: str) -> ReturnList:
    """Everything someone holds: devices, spares handed to them and not returned, seats."""
    who = find.person(person, include_left=True)
    items: list[ReturnItem] = []
    for tag, name, due in (m.Asset.select(m.Asset.tag, m.Product.name, m.Asset.due_date)
                           .join(m.Product).where((m.Asset.holder == who.id)
                                                  & (m.Asset.status == "deployed"))
                           .order_by(m.Asset.tag).tuples()):
        items.append(ReturnItem("device", tag, name, since=due))
    mv = m.Movement
    signed = pw.Case(mv.kind, [("issue", mv.quantity)], mv.quantity * -1)
    for _pid, name, qty in (mv.select(mv.product, m.Product.name, pw.fn.SUM(signed))
                           .join(m.Product, on=(mv.product == m.Product.id))
                           .where((mv.person == who.id) & mv.kind.in_(("issue", "return"))
                                  & (m.Product.kind == "spare"))
                           .group_by(mv.product, m.Product.name).tuples()):
        if qty and qty > 0:
            items.append(ReturnItem("spare", name, name, int(qty)))
    S = m.LicenseSeat
    for lid, name in (S.select(S.license, m.Product.name).join(m.License)
                      .join(m.Product).where((S.person == who.id) & S.released_at.is_null())
                      .order_by(m.Product.name).tuples()):
        items.append(ReturnItem("seat", name, name, license_id=lid))
    return ReturnList(who.name, who.employee_id, who.left_on, bool(who.active), tuple(items))


def set_leaving_date(db: pw.Database, op: OperatorRef, person: str, leaves_on: date) -> str:
    require(op.role, "catalog")
    with db.atomic():
        who = find.person(person)
        m.Person.update(left_on=leaves_on).where(m.Person.id == who.id).execute()
        return f"{who.name} leaves on {leaves_on:%Y-%m-%d}"


def mark_left(db: pw.Database, op: OperatorRef, person: str, on: date | None = None
              ) -> ReturnList:
    """Nothing more is issued to them; their open requests are cancelled; what they still
    hold stays on their return list (the dashboard shows it)."""
    require(op.role, "catalog")
    with db.atomic():
        who = find.person(person, include_left=True)
        if not who.active:
            raise InvalidState(f"{who.name} is marked as left already.", field="person")
        day = on or who.left_on or clock.today()
        if day > clock.today():
            raise ValidationError(f"{day:%Y-%m-%d} is still to come: set it as the leaving "
                                  "date instead.", field="on")
        m.Person.update(active=False, left_on=day).where(m.Person.id == who.id).execute()
        for req in m.Request.select().where((m.Request.person == who.id)
                                            & m.Request.state.in_(m.OPEN_REQUEST_STATES)):
            requests.cancel(db, op, req.number, "the person has left")
        return return_list(who.employee_id)


def return_all(db: pw.Database, op: OperatorRef, person: str, *,
               returned: tuple[tuple[str, bool], ...] = (),
               spares: tuple[tuple[str, int], ...] = (), release_seats: bool = True,
               source: str = "manual") -> ReturnList:
    """Take back what a leaver hands in (each device with its condition) and release their
    seats, in one transaction; returns what is still outstanding."""
    require(op.role, "check_out")
    if len(returned) + len(spares) > MAX_RETURNS:
        raise ValidationError(f"At most {MAX_RETURNS} items in one return.", field="item")
    with db.atomic():
        who = find.person(person, include_left=True)
        held = return_list(who.employee_id)
        devices = {it.code for it in held.items if it.kind == "device"}
        for tag, damaged in returned:
            a = find.asset(tag)
            if a.tag not in devices:
                raise InvalidState(f"{a.tag} is not held by {who.name}; it is not on their "
                                   "return list.", field="item")
            assets.check_in(db, op, a.tag, damaged=damaged, source=source,
                            reference=f"return of {who.employee_id}")
        home = requests.home_stockroom(who)
        for code, qty in spares:
            if home is None:
                raise InvalidState("No stockroom to return spares to.", field="location")
            stock.return_stock(db, op, code, qty, location=home.code,
                               person=who.employee_id, source=source,
                               reference=f"return of {who.employee_id}")
        if release_seats:
            for it in held.items:
                if it.kind == "seat" and it.license_id is not None:
                    licenses.release_seat(db, op, it.license_id, person=who.employee_id,
                                          source=source)
        return return_list(who.employee_id)


def outstanding_leavers(on: date | None = None) -> list[ReturnList]:
    """People past their leaving date who still hold something, the latest to leave
    first (the dashboard's list)."""
    day = on or clock.today()
    out = []
    for (eid,) in (m.Person.select(m.Person.employee_id)
                   .where(m.Person.left_on.is_null(False) & (m.Person.left_on <= day))
                   .order_by(m.Person.left_on.desc(), m.Person.name).tuples()):
        rl = return_list(eid)
        if rl.items:
            out.append(rl)
    return out
