"""Requests for the Requests page and the command line: open ones first, with what each
is waiting for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import peewee as pw

from .. import models as m
from .common import Column, Spec, TableQuery, fetch_rows, order
from .lookups import Choice

R, P, C = m.Request, m.Person, m.CatalogItem
MAX_ROWS = 5000


@dataclass(frozen=True)
class RequestRow:
    number: str
    person: str
    employee_id: str
    department: str
    item: str
    kind: str
    quantity: int
    needed_by: date | None
    state: str
    created_at: datetime
    note: str

    def line(self) -> str:
        by = f"\tneeded by {self.needed_by:%Y-%m-%d}" if self.needed_by else "\t"
        qty = f"{self.quantity} × " if self.quantity != 1 else ""
        return (f"{self.number}\t{self.state}\t{qty}{self.item}\t{self.person} "
                f"({self.employee_id}){by}")


def request_rows(state: str | None = None, *, open_only: bool = False,
                 person_id: int | None = None) -> list[RequestRow]:
    q = (R.select(R.number, P.name, P.employee_id, P.department, C.name, C.kind, R.quantity,
                  R.needed_by, R.state, R.created_at, R.note)
         .join(P, on=(R.person == P.id)).switch(R).join(C, on=(R.item == C.id)))
    if state:
        q = q.where(R.state == state.strip().lower())
    if open_only:
        q = q.where(R.state.in_(m.OPEN_REQUEST_STATES))
    if person_id is not None:
        q = q.where(R.person == person_id)
    q = q.order_by(R.state.in_(m.OPEN_REQUEST_STATES).desc(), R.needed_by.asc(nulls="LAST"),
                   R.id).limit(MAX_ROWS)
    return [RequestRow(*row) for row in q.tuples()]


def counts() -> dict[str, int]:
    """Requests per state (the page's filter buttons and the dashboard)."""
    return dict(R.select(R.state, pw.fn.COUNT(R.id)).group_by(R.state).tuples())


def events(number: str) -> list[tuple[datetime, str, str | None, str, str]]:
    e = m.RequestEvent
    return [tuple(r) for r in e.select(e.at, m.Operator.username, e.from_state, e.to_state,
                                       e.note).join(m.Operator).switch(e).join(R)
            .where(R.number == number).order_by(e.id).tuples()]


def catalog_items() -> list[tuple[str, str, str]]:
    """(code, name, kind) of the active catalogue items, for pickers."""
    return list(C.select(C.code, C.name, C.kind).where(C.active).order_by(C.name).tuples())


# -- the Requests page ---------------------------------------------------------------------


STATE_FILTERS = {"open": m.OPEN_REQUEST_STATES, "ready": ("reserved",),
                 "waiting": ("requested",), "approved": ("approved",),
                 "closed": ("fulfilled", "rejected", "cancelled")}


class RequestTable(TableQuery):
    columns = (
        Column("number", "Request", width=105),
        Column("state", "State", kind="status", width=95),
        Column("person", "For", width=150),
        Column("item", "Item", width=170),
        Column("quantity", "Qty", kind="int", width=45),
        Column("department", "Department", width=100),
        Column("needed_by", "Needed by", kind="date", width=110),
        Column("created_at", "Requested", kind="date", width=110),
    )
    default_sort = "needed_by"

    def id_query(self, spec: Spec) -> pw.Select:
        q = (R.select(R.id).join(P, on=(R.person == P.id)).switch(R)
             .join(C, on=(R.item == C.id)))
        for term in spec.terms():
            q = q.where(R.number.contains(term) | P.name.contains(term)
                        | P.employee_id.contains(term) | C.name.contains(term)
                        | P.department.contains(term))
        states = STATE_FILTERS.get(spec.get("state", "open"))
        if states:
            q = q.where(R.state.in_(states))
        key = spec.sort or self.default_sort
        sort = {"number": R.id, "state": R.state, "item": C.name, "quantity": R.quantity,
                "person": P.name, "department": P.department, "needed_by": R.needed_by,
                "created_at": R.created_at}.get(key, R.needed_by)
        return q.order_by(order(sort, spec.descending), order(R.id, spec.descending))

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        q = (R.select(R.id, R.number, R.state, P.name, C.name, R.quantity, P.department,
                      R.needed_by, R.created_at)
             .join(P, on=(R.person == P.id)).switch(R).join(C, on=(R.item == C.id)))
        return {rid: tuple(row) for rid, row in fetch_rows(q, ids, R.id).items()}


@dataclass(frozen=True)
class RequestDetail:
    id: int
    number: str
    state: str
    item: str
    item_code: str
    quantity: int
    person: str
    employee_id: str
    department: str
    needed_by: date | None
    location: str | None
    note: str
    lines: list[str]
    held: list[str]
    events: list[tuple[datetime, str, str | None, str, str]]


def detail(request_id: int) -> RequestDetail | None:
    from ..services import shop

    req = R.get_or_none(R.id == request_id)
    if req is None:
        return None
    p = P.get_by_id(req.person_id)
    it = C.get_by_id(req.item_id)
    loc = m.Location.get_or_none(m.Location.id == req.location_id) if req.location_id else None
    lines = [f"{ln.quantity * req.quantity} × {ln.describe().split(' × ', 1)[1]}"
             for ln in shop.item_lines(it)]
    rs = m.Reservation
    held = []
    for res in rs.select().where((rs.request == req.id) & (rs.state == "held")):
        name = m.Product.get_by_id(res.product_id).name
        if res.asset_id:
            held.append(f"{m.Asset.get_by_id(res.asset_id).tag} {name}")
        elif res.location_id:
            held.append(f"{res.quantity} × {name} at "
                        f"{m.Location.get_by_id(res.location_id).name}")
        else:
            held.append(f"{res.quantity} seat{'s' if res.quantity != 1 else ''} of {name}")
    e = m.RequestEvent
    events = [(at, name or user, before, after, note) for at, name, user, before, after, note
              in e.select(e.at, m.Operator.name, m.Operator.username, e.from_state,
                          e.to_state, e.note).join(m.Operator).where(e.request == req.id)
              .order_by(e.id).tuples()]
    return RequestDetail(req.id, req.number, req.state, it.name, it.code, req.quantity,
                         p.name, p.employee_id, p.department, req.needed_by,
                         loc.name if loc else None, req.note, lines, held, events)


def item_choices(kinds: tuple[str, ...] | None = None) -> list[Choice]:
    q = C.select(C.id, C.code, C.name, C.kind).where(C.active)
    if kinds:
        q = q.where(C.kind.in_(kinds))
    return [Choice(i, code, f"{name} · {code}", kind)
            for i, code, name, kind in q.order_by(C.name).tuples()]


def return_list(employee_id: str):
    """A person's return list (devices, spares, seats): services/people_moves.py."""
    from ..services.people_moves import return_list as of

    return of(employee_id)


def outstanding_leavers():
    """People past their leaving date who still hold something."""
    from ..services.people_moves import outstanding_leavers as gone

    return gone()


# -- the scan station ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReadyRequest:
    number: str
    item: str
    item_code: str
    quantity: int
    state: str
    held: tuple[str, ...]  # what is reserved, e.g. "IT-000310 Lenovo ThinkPad T14 Gen 4"

    def describe(self) -> str:
        qty = f"{self.quantity} × " if self.quantity != 1 else ""
        return f"{qty}{self.item} ({self.number})"


def ready_requests(employee_id: str) -> list[ReadyRequest]:
    """A person's requests that can be handed out now (reserved first, then approved)."""
    p = P.get_or_none(P.employee_id == employee_id.strip())
    if p is None:
        return []
    out = []
    for req in (R.select().where((R.person == p.id) & R.state.in_(("reserved", "approved")))
                .order_by(R.state.desc(), R.id)):
        d = detail(req.id)
        assert d is not None
        out.append(ReadyRequest(req.number, d.item, d.item_code, req.quantity, req.state,
                                tuple(d.held)))
    return out


def kit_fill(code: str, times: int = 1):
    """The lines of a catalogue item as a `kits.KitFill` to fill at the station."""
    from ..services import kit_issue, shop

    return kit_issue.fill_for(shop.item(code), times)
