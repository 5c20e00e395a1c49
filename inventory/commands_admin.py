"""The administration's commands: operators (an admin adds them, sets roles, resets
passwords, disables and enables them) and the shared settings (the purchase-order
letterhead). Same pattern as `commands.py`; run through `operations`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from . import operators
from .commands import Command

# -- operators ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AddOperator(Command):
    action: ClassVar[str] = "admin"
    kinds: ClassVar[tuple[str, ...]] = ("operators",)
    username: str
    role: str
    password: str = field(repr=False)
    name: str = ""

    def apply(self, uow):
        return operators.add_operator(uow.db, uow.operator, self.username, self.role,
                                      self.password, name=self.name)


@dataclass(frozen=True)
class SetOperatorRole(Command):
    action: ClassVar[str] = "admin"
    kinds: ClassVar[tuple[str, ...]] = ("operators",)
    username: str
    role: str

    def apply(self, uow):
        return operators.set_role(uow.db, uow.operator, self.username, self.role)


@dataclass(frozen=True)
class SetPassword(Command):
    """Your own password (any role), or anyone's reset by an admin (the service checks)."""

    action: ClassVar[str] = "view"
    kinds: ClassVar[tuple[str, ...]] = ("operators",)
    username: str
    password: str = field(repr=False)

    def apply(self, uow):
        operators.set_password(uow.db, uow.operator, self.username, self.password)
        return self.username


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
