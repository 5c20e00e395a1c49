"""The administration's commands: operators (an admin sets their roles, disables and
enables them; adding one and passwords are `commands.AddOperator` / `SetPassword`) and the
shared settings (the purchase-order letterhead). Same pattern as `commands.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from . import operators
from .commands import Command

# -- operators ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SetOperatorRole(Command):
    action: ClassVar[str] = "admin"
    kinds: ClassVar[tuple[str, ...]] = ("operators",)
    username: str
    role: str

    def apply(self, uow):
        return operators.set_role(uow.db, uow.operator, self.username, self.role)


@dataclass(frozen=True)
class DisableOperator(Command):
    action: ClassVar[str] = "admin"
    kinds: ClassVar[tuple[str, ...]] = ("operators",)
    username: str

    def apply(self, uow):
        return operators.disable_operator(uow.db, uow.operator, self.username)


@dataclass(frozen=True)
class EnableOperator(Command):
    action: ClassVar[str] = "admin"
    kinds: ClassVar[tuple[str, ...]] = ("operators",)
    username: str

    def apply(self, uow):
        return operators.enable_operator(uow.db, uow.operator, self.username)



# -- shared settings ---------------------------------------------------------------------

@dataclass(frozen=True)
class SaveLetterhead(Command):
    """The letterhead printed on purchase orders (company, address, contacts, terms)."""

    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("orders",)
    values: tuple[tuple[str, str], ...] = ()

    def apply(self, uow):
        from . import letterhead

        return letterhead.save(uow.db, uow.operator, dict(self.values))
