"""Who may sign in on this database, for the operators list in Settings."""

from __future__ import annotations

from dataclasses import dataclass

from .. import models as m


@dataclass(frozen=True)
class OperatorRow:
    username: str
    name: str
    role: str
    active: bool
    has_password: bool


def rows() -> list[OperatorRow]:
    """Every operator, active ones first, by name."""
    o = m.Operator
    return [OperatorRow(u, n, r, bool(a), bool(p)) for u, n, r, a, p in
            o.select(o.username, o.name, o.role, o.active, o.password_hash)
            .order_by(o.active.desc(), o.username).tuples()]
