"""Requests for the Requests page and the command line: open ones first, with what each
is waiting for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .. import models as m

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
    from peewee import fn

    return dict(R.select(R.state, fn.COUNT(R.id)).group_by(R.state).tuples())


def events(number: str) -> list[tuple[datetime, str, str | None, str, str]]:
    e = m.RequestEvent
    return [tuple(r) for r in e.select(e.at, m.Operator.username, e.from_state, e.to_state,
                                       e.note).join(m.Operator).switch(e).join(R)
            .where(R.number == number).order_by(e.id).tuples()]


def catalog_items() -> list[tuple[str, str, str]]:
    """(code, name, kind) of the active catalogue items, for pickers."""
    return list(C.select(C.code, C.name, C.kind).where(C.active).order_by(C.name).tuples())
