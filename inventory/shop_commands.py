"""Commands of the service desk's shop: catalogue items and kits, requests, reservations,
kit issues, loan-pool bookings, joiners and leavers (the pattern of `commands.py`, split
off by use case so neither file outgrows one reading)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from .commands import Command
from .services import bookings, kit_issue, people_moves, requests, shop

# -- catalogue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCatalogItem(Command):
    """A product, license or kit the service desk offers (`lines`: (quantity, products))."""

    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("catalog", "requests")
    name: str
    kind: str
    code: str | None = None
    product: str | None = None
    lines: tuple[tuple[int, tuple[str, ...]], ...] = ()
    description: str = ""
    departments: tuple[str, ...] = ()
    price: Any = None
    auto_approve: bool = False

    def apply(self, uow):
        return shop.create_item(uow.db, uow.operator, self.name, self.kind, code=self.code,
                                product=self.product, lines=self.lines,
                                description=self.description, departments=self.departments,
                                price=self.price, auto_approve=self.auto_approve)


# -- requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateRequest(Command):
    action: ClassVar[str] = "request"
    kinds: ClassVar[tuple[str, ...]] = ("requests", "stock", "assets")
    person: str
    item: str
    quantity: int = 1
    needed_by: date | None = None
    note: str = ""
    location: str | None = None

    def apply(self, uow):
        return requests.create(uow.db, uow.operator, self.person, self.item,
                               quantity=self.quantity, needed_by=self.needed_by,
                               note=self.note, location=self.location)


@dataclass(frozen=True)
class ApproveRequest(Command):
    action: ClassVar[str] = "approve"
    kinds: ClassVar[tuple[str, ...]] = ("requests", "stock", "assets")
    number: str
    note: str = ""

    def apply(self, uow):
        return requests.approve(uow.db, uow.operator, self.number, self.note)


@dataclass(frozen=True)
class ReserveRequest(Command):
    action: ClassVar[str] = "request"
    kinds: ClassVar[tuple[str, ...]] = ("requests", "stock", "assets")
    number: str

    def apply(self, uow):
        return requests.reserve(uow.db, uow.operator, self.number)


@dataclass(frozen=True)
class RejectRequest(Command):
    action: ClassVar[str] = "approve"
    kinds: ClassVar[tuple[str, ...]] = ("requests", "stock", "assets")
    number: str
    reason: str

    def apply(self, uow):
        return requests.reject(uow.db, uow.operator, self.number, self.reason)


@dataclass(frozen=True)
class CancelRequest(Command):
    action: ClassVar[str] = "request"
    kinds: ClassVar[tuple[str, ...]] = ("requests", "stock", "assets")
    number: str
    reason: str = ""

    def apply(self, uow):
        return requests.cancel(uow.db, uow.operator, self.number, self.reason)


@dataclass(frozen=True)
class IssueKit(Command):
    """Hand out a kit or a request: devices checked out, spares issued, seats assigned,
    the reservations used up, in one transaction."""

    action: ClassVar[str] = "check_out"
    kinds: ClassVar[tuple[str, ...]] = ("requests",)
    person: str
    item: str | None = None
    tags: tuple[str, ...] = ()
    spares: tuple[tuple[str, int], ...] = ()
    request: str | None = None
    source: str = "manual"

    def apply(self, uow):
        return kit_issue.issue_kit(uow.db, uow.operator, self.person, self.item,
                                   tags=self.tags, spares=self.spares, request=self.request,
                                   source=self.source)


# -- loan-pool bookings --------------------------------------------------------------------


@dataclass(frozen=True)
class BookLoan(Command):
    action: ClassVar[str] = "request"
    kinds: ClassVar[tuple[str, ...]] = ("bookings",)
    person: str
    starts_on: date
    ends_on: date
    asset: str | None = None
    product: str | None = None
    note: str = ""

    def apply(self, uow):
        return bookings.book(uow.db, uow.operator, self.person, starts_on=self.starts_on,
                             ends_on=self.ends_on, asset=self.asset, product=self.product,
                             note=self.note)


@dataclass(frozen=True)
class CancelBooking(Command):
    action: ClassVar[str] = "request"
    kinds: ClassVar[tuple[str, ...]] = ("bookings",)
    number: str

    def apply(self, uow):
        return bookings.cancel(uow.db, uow.operator, self.number)


@dataclass(frozen=True)
class AddToLoanPool(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("bookings", "assets")
    tag: str

    def apply(self, uow):
        return bookings.add_to_pool(uow.db, uow.operator, self.tag)


# -- joiners and leavers -------------------------------------------------------------------


@dataclass(frozen=True)
class AddJoiner(Command):
    action: ClassVar[str] = "request"
    kinds: ClassVar[tuple[str, ...]] = ("people", "requests")
    person: str
    starts_on: date
    kit: str
    job_role: str = ""

    def apply(self, uow):
        return people_moves.add_joiner(uow.db, uow.operator, self.person, self.starts_on,
                                       self.kit, job_role=self.job_role)


@dataclass(frozen=True)
class RequestJoinerKits(Command):
    """Make the request of every joiner whose start is `lead_days` away or nearer."""

    action: ClassVar[str] = "request"
    kinds: ClassVar[tuple[str, ...]] = ("requests", "stock", "assets")
    lead_days: int | None = None

    def apply(self, uow):
        return people_moves.request_joiner_kits(uow.db, uow.operator, self.lead_days)


@dataclass(frozen=True)
class SetJoinerLeadDays(Command):
    action: ClassVar[str] = "adjust"
    days: int

    def apply(self, uow):
        return people_moves.set_lead_days(uow.db, uow.operator, self.days)


@dataclass(frozen=True)
class SetLeavingDate(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("people",)
    person: str
    leaves_on: date

    def apply(self, uow):
        return people_moves.set_leaving_date(uow.db, uow.operator, self.person,
                                             self.leaves_on)


@dataclass(frozen=True)
class MarkLeft(Command):
    """The person has gone: no more issues to them; their return list stays open."""

    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("people", "requests")
    person: str
    on: date | None = None

    def apply(self, uow):
        return people_moves.mark_left(uow.db, uow.operator, self.person, self.on)


@dataclass(frozen=True)
class ReturnAll(Command):
    """A leaver's return: devices checked in (each with its condition), seats released;
    what is not handed back stays on the return list."""

    action: ClassVar[str] = "check_out"
    kinds: ClassVar[tuple[str, ...]] = ("people", "licenses")
    person: str
    returned: tuple[tuple[str, bool], ...] = ()  # (tag, damaged)
    spares: tuple[tuple[str, int], ...] = ()
    release_seats: bool = True
    source: str = "manual"

    def apply(self, uow):
        return people_moves.return_all(uow.db, uow.operator, self.person,
                                       returned=self.returned, spares=self.spares,
                                       release_seats=self.release_seats, source=self.source)


# -- notifications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveMailSettings(Command):
    """The SMTP server and the digests' recipients (never a password: that is in the OS
    keyring)."""

    action: ClassVar[str] = "admin"
    host: str | None = None
    port: int | None = None
    user: str | None = None
    sender: str | None = None
    starttls: bool | None = None
    recipients: tuple[tuple[str, str], ...] = ()

    def apply(self, uow):
        from . import mail

        return mail.save(uow.db, uow.operator, host=self.host, port=self.port,
                         user=self.user, sender=self.sender, starttls=self.starttls,
                         recipients=dict(self.recipients))


@dataclass(frozen=True)
class RecordDigest(Command):
    """What a digest has sent (so the next lists only what is new); bookkeeping any
    signed-in operator's `notify` run may write."""

    action: ClassVar[str] = "view"
    digest: str
    sent: tuple[str, ...] = ()
    current: tuple[str, ...] = ()

    def apply(self, uow):
        from . import notify

        return notify.record_sent(uow.db, uow.operator, self.digest, list(self.sent),
                                  list(self.current))
