"""Which cost centre a person belonged to, and when. People move between cost centres
(an edit in the window or on the command line, a people import); each change is kept in
`cost_centre_move` (the cost centre they left, and when), so the cost model charges every
day to the cost centre in force that day, and a spare to the one in force when it was
issued.

The rule: a change takes effect on the day it is recorded. At the end of that day the
person belongs to the new cost centre, so that day (and every later one) of a device they
hold, or a seat assigned to them, goes to the new one; earlier days stay with the old
one. An issue of spares goes to the cost centre in force at the moment of the issue.
"""

from __future__ import annotations

from datetime import datetime

import peewee as pw

from ..clock import utcnow
from .calendar import fmonth
from .tables import IT_STOCK, UNALLOCATED, CostCentreMove

OPEN_DAY = 10 ** 8  # beyond any day number: "until now and on"
OPEN_F = 10 ** 7  # beyond any month position


def resolved(expr: str) -> str:
    """A cost centre as showback names it: '' is 'unallocated'."""
    return f"COALESCE(NULLIF({expr}, ''), '{UNALLOCATED}')"


def record(person_id: int, old: str | None, new: str | None,
           at: datetime | None = None) -> bool:
    """Keep a person's move from `old` to `new` (in the caller's transaction); nothing
    when the cost centre did not change."""
    if (old or "").strip() == (new or "").strip():
        return False
    at = at or utcnow()
    CostCentreMove.create(person=person_id, cost_centre=(old or "").strip(), moved_at=at,
                          day=at.date().toordinal(), f=fmonth(at.date()))
    return True


def history(db: pw.Database, person_id: int) -> list[tuple[str, datetime]]:
    """(cost centre left, when) for one person, oldest first."""
    return [(cc, at) for cc, at in CostCentreMove.select(
        CostCentreMove.cost_centre, CostCentreMove.moved_at)
        .where(CostCentreMove.person == person_id)
        .order_by(CostCentreMove.moved_at, CostCentreMove.id).tuples()]


def periods_sql(db: pw.Database) -> str:
    """A CTE body: every person's cost centres with the stretch each was in force:
    (person_id, cc, d0, d1, f0, f1), days `date.toordinal()` from d0 (inclusive) to d1
    (exclusive), and the same as month positions. A person who never moved has one row,
    open at both ends; the stretches of one person never overlap and cover every day."""
    w = "OVER (PARTITION BY mv.person_id ORDER BY mv.moved_at, mv.id)"
    return f"""
      SELECT mv.person_id, {resolved("mv.cost_centre")} AS cc,
             LAG(mv.day, 1, 0) {w} AS d0, mv.day AS d1,
             LAG(mv.f, 1, 0) {w} AS f0, mv.f AS f1
      FROM cost_centre_move mv
      UNION ALL
      SELECT pe.id, {resolved("pe.cost_centre")}, COALESCE(l.day, 0), {OPEN_DAY},
             COALESCE(l.f, 0), {OPEN_F}
      FROM person pe LEFT JOIN (SELECT person_id, MAX(day) AS day, MAX(f) AS f
                                FROM cost_centre_move GROUP BY person_id) l
             ON l.person_id = pe.id"""


def at_moment_sql(person: str, at: str) -> str:
    """The cost centre (as showback names it) the person `person` (a column) belonged to
    at the moment `at` (a column): the one they left at the first move after it, else
    their own."""
    return resolved(
        f"COALESCE((SELECT c.cost_centre FROM cost_centre_move c WHERE c.person_id = {person} "
        f"AND c.moved_at > {at} ORDER BY c.moved_at, c.id LIMIT 1), "
        f"(SELECT pe_.cost_centre FROM person pe_ WHERE pe_.id = {person}))")


def issued_to_sql(kind: str, person: str, at: str) -> str:
    """Whose cost centre an issue, return or consumption of spares goes to: the person's
    at that moment; consumed at a location, or no person: IT stock."""
    return (f"CASE WHEN {kind} = 'consume' OR {person} IS NULL "
            f"OR NOT EXISTS (SELECT 1 FROM person px_ WHERE px_.id = {person}) "
            f"THEN '{IT_STOCK}' ELSE {at_moment_sql(person, at)} END")
