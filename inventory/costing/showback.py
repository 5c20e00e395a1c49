"""Showback: one line per cost centre for a month (devices, licenses, spares, repairs,
cloud, total), the items behind a line, and spend against the year's budget."""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from ..db import Handle, unwrap
from .calendar import Month
from .charges import CHARGES, ITEMS, KINDS, Charge, charge_runs
from .tables import IT_STOCK, UNALLOCATED, Budget

SPECIAL = (IT_STOCK, UNALLOCATED)


@dataclass
class Line:
    cost_centre: str
    amounts: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    bases: set[str] = field(default_factory=set)
    budget: float | None = None  # the year's budget
    spent_to_date: float = 0.0  # January up to and including the month

    @property
    def total(self) -> float:
        return sum(self.amounts.values())

    @property
    def basis(self) -> str:
        """cost, price, or "cost+price" when some items had a rate and others not."""
        if not self.bases:
            return "cost"
        return "+".join(sorted(self.bases)) if len(self.bases) > 1 else next(iter(self.bases))

    @property
    def budget_used(self) -> float | None:
        """Share of the year's budget spent to date (None without a budget)."""
        if not self.budget:
            return None
        return self.spent_to_date / self.budget


@dataclass
class Showback:
    month: Month
    basis: str
    lines: list[Line]

    @property
    def total(self) -> float:
        return sum(line.total for line in self.lines)

    def kind_total(self, kind: str) -> float:
        return sum(line.amounts[kind] for line in self.lines)

    def line(self, cost_centre: str) -> Line | None:
        return next((ln for ln in self.lines if ln.cost_centre == cost_centre), None)


def charges(db: pw.Database, months: list[Month], basis: str = "cost") -> list[Charge]:
    """Every kind of charge from the first to the last of `months` (a run: January and
    March mean January to March), per cost centre."""
    out: list[Charge] = []
    for kind in KINDS:
        out += CHARGES[kind](db, months, basis)
    return out


def _order(cc: str) -> tuple[int, str]:
    return (SPECIAL.index(cc) + 1 if cc in SPECIAL else 0, cc.lower())


def showback(db: Handle, month: Month, basis: str = "cost", *,
             cost_centre: str | None = None, to_date: bool = True) -> Showback:
    """The month's lines; with `to_date`, each line's spend from January and its budget."""
    db = unwrap(db)
    lines: dict[str, Line] = {}
    runs = [(month, month)] + ([(Month(month.year, 1), month)] if to_date else [])
    parts = charge_runs(db, runs, basis)
    this = parts[0]
    for c in this:
        if abs(c.amount) < 1e-9 and c.cost_centre in SPECIAL:
            continue
        line = lines.setdefault(c.cost_centre, Line(c.cost_centre))
        line.amounts[c.kind] += c.amount
        line.bases.add(c.basis)
    so_far = parts[-1]
    for c in so_far:
        if abs(c.amount) < 1e-9 and c.cost_centre in SPECIAL:
            continue
        lines.setdefault(c.cost_centre, Line(c.cost_centre)).spent_to_date += c.amount
    for cc, amount in (Budget.select(Budget.cost_centre, Budget.amount)
                       .where(Budget.year == month.year).tuples()):
        lines.setdefault(cc, Line(cc)).budget = float(amount)
    chosen = [ln for ln in lines.values() if cost_centre is None or ln.cost_centre == cost_centre]
    return Showback(month, basis, sorted(chosen, key=lambda ln: _order(ln.cost_centre)))


def items(db: Handle, month: Month, cost_centre: str,
          basis: str = "cost") -> dict[str, list[dict]]:
    """Every item behind one cost centre's figure: which device and days, which seat,
    which issue, which repair, which cloud service, each with its rate and basis."""
    db = unwrap(db)
    return {kind: ITEMS[kind](db, month, cost_centre, basis) for kind in KINDS}


def cost_centres(db: Handle) -> list[str]:
    """The cost centres people belong to and budgets name, with IT stock and unallocated."""
    db = unwrap(db)
    people = db.execute_sql("SELECT DISTINCT cost_centre FROM person WHERE cost_centre <> ''")
    names = {r[0] for r in people} | {b for (b,) in Budget.select(Budget.cost_centre).tuples()}
    return sorted(names, key=str.lower) + list(SPECIAL)
