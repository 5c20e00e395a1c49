"""The cost model's writes as commands (the pattern of `inventory/commands.py`): run
through `operations.execute`, role-checked by the unit of work, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from ..commands import Command
from . import repairs, settings


@dataclass(frozen=True)
class SetDepreciation(Command):
    """Useful life and residual value for a category or a product (`remove`: drop it)."""

    action: ClassVar[str] = "costs"
    kinds: ClassVar[tuple[str, ...]] = ("costs",)
    category: str | None = None
    product: str | None = None
    life_months: int | None = None
    residual_pct: Decimal | float | int = 0
    remove: bool = False

    def apply(self, uow: Any) -> Any:
        return settings.set_depreciation(uow.db, uow.operator, category=self.category,
                                         product=self.product, life_months=self.life_months,
                                         residual_pct=self.residual_pct, remove=self.remove)


@dataclass(frozen=True)
class SetRate(Command):
    """A rate card line (amount None: remove it)."""

    action: ClassVar[str] = "costs"
    kinds: ClassVar[tuple[str, ...]] = ("costs",)
    kind: str
    product: str | None = None
    category: str | None = None
    license: str | None = None
    amount: Decimal | float | int | None = None

    def apply(self, uow: Any) -> Any:
        return settings.set_rate(uow.db, uow.operator, self.kind, product=self.product,
                                 category=self.category, license=self.license,
                                 amount=self.amount)


@dataclass(frozen=True)
class SetLicensePeriod(Command):
    action: ClassVar[str] = "costs"
    kinds: ClassVar[tuple[str, ...]] = ("costs", "licenses")
    license: str
    period: str

    def apply(self, uow: Any) -> Any:
        return settings.set_license_period(uow.db, uow.operator, self.license, self.period)


@dataclass(frozen=True)
class SetBudget(Command):
    """A cost centre's budget for a year (amount None: remove it)."""

    action: ClassVar[str] = "costs"
    kinds: ClassVar[tuple[str, ...]] = ("costs",)
    cost_centre: str
    year: int
    amount: Decimal | float | int | str | None

    def apply(self, uow: Any) -> Any:
        return settings.set_budget(uow.db, uow.operator, self.cost_centre, self.year,
                                   self.amount)


@dataclass(frozen=True)
class OpenRepair(Command):
    """Send a device to repair by hand (a damaged check-in opens one by itself)."""

    action: ClassVar[str] = "check_out"
    kinds: ClassVar[tuple[str, ...]] = ("costs", "assets")
    tag: str
    vendor: str = ""
    reference: str = ""
    note: str = ""

    def apply(self, uow: Any) -> Any:
        return repairs.open_repair(uow.db, uow.operator, self.tag, vendor=self.vendor,
                                   reference=self.reference, note=self.note)


@dataclass(frozen=True)
class UpdateRepair(Command):
    action: ClassVar[str] = "check_out"
    kinds: ClassVar[tuple[str, ...]] = ("costs", "assets")
    repair: int | str
    vendor: str | None = None
    reference: str | None = None
    sent_on: date | None = None
    returned_on: date | None = None
    cost: Decimal | float | str | None = None
    outcome: str | None = None
    note: str | None = None

    def apply(self, uow: Any) -> Any:
        return repairs.update_repair(uow.db, uow.operator, self.repair, vendor=self.vendor,
                                     reference=self.reference, sent_on=self.sent_on,
                                     returned_on=self.returned_on, cost=self.cost,
                                     outcome=self.outcome, note=self.note)


@dataclass(frozen=True)
class ImportFocus(Command):
    """Store a read FOCUS file's charges, replacing the months it covers."""

    action: ClassVar[str] = "costs"
    kinds: ClassVar[tuple[str, ...]] = ("costs",)
    plan: Any  # focus.FocusPlan (read and checked before the transaction)

    def apply(self, uow: Any) -> Any:
        from .focus import store

        return store(uow.db, uow.operator, self.plan)
