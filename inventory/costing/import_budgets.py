"""The `budgets` import kind: one row per cost centre and year (Cost centre, Year, Amount);
a row for a budget that exists updates it. Planned with the other kinds (exchange/)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..clock import utcnow
from ..errors import ValidationError
from ..exchange.planning import Planner, Refused, Row, RowResult
from . import settings
from .tables import Budget


class BudgetPlanner(Planner):
    kind = "budgets"
    needs = ("costs",)
    keys = ("cost_centre", "year")

    def __init__(self, ctx):
        super().__init__(ctx)
        self.known = {(cc.lower(), y): (i, amount) for i, cc, y, amount in
                      Budget.select(Budget.id, Budget.cost_centre, Budget.year, Budget.amount)
                      .tuples()}
        self.creates: list[dict] = []
        self.updates: list[tuple[int, Decimal]] = []

    def plan(self, row: Row) -> RowResult:
        try:
            cc = settings.cost_centre(row.text("cost_centre"))
            year = row.int("year")
            if year is None:
                raise Refused("No year: fill the Year column, e.g. 2026.")
            year = settings.year(year)
        except ValidationError as exc:
            raise Refused(str(exc)) from None
        amount = row.decimal("amount")
        if amount is None:
            raise Refused("No amount: fill the Amount column with the year's budget.")
        self.check_once("Budget", f"{cc} {year}")
        self.seen_on("Budget", f"{cc} {year}", row.number)
        known = self.known.get((cc.lower(), year))
        if known is None:
            self.creates.append(dict(cost_centre=cc, year=year, amount=amount,
                                     updated_by=self.ctx.op.id))
            return RowResult(row.number, "create", f"{cc} {year}", f"budget {amount:,.2f}")
        if Decimal(known[1]) == amount:
            return RowResult(row.number, "unchanged", f"{cc} {year}", "")
        self.updates.append((known[0], amount))
        return RowResult(row.number, "update", f"{cc} {year}",
                         f"budget {Decimal(known[1]):,.2f} → {amount:,.2f}")

    def apply(self, tick: Callable[[int], None]) -> int:
        if self.creates:
            Budget.insert_many(self.creates).execute()
            tick(len(self.creates))
        for budget_id, amount in self.updates:
            Budget.update(amount=amount, updated_at=utcnow(), updated_by=self.ctx.op.id) \
                .where(Budget.id == budget_id).execute()
            tick(1)
        return 0
