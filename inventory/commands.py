"""One command per use case: plain data saying what a person asked for.

`operations.run(uow, command)` carries one out; the window, the scan station and the CLI
build these and never call a service directly for a write. `action` is the role action
the command needs (inventory.roles); `kinds` the kinds of change it makes besides the
ledger's (a product edited, an order placed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from . import operators, pgcalls
from .services import (
    assets,
    catalog,
    counting,
    edits,
    license_terms,
    licenses,
    offers,
    purchasing,
    receiving,
    stock,
    transfers,
    undo,
)
from .services.receiving import ReceiptLine


def _ordering():
    """services.ordering, imported when an order is placed or approved: it pulls in the
    reorder engine and numpy, which a window that only starts need not load (~0.2 s)."""
    from .services import ordering

    return ordering


@dataclass(frozen=True)
class Command:
    action: ClassVar[str] = "view"
    kinds: ClassVar[tuple[str, ...]] = ()
    # True when apply() takes the ledger head's lock itself (a server-side call does it
    # in its one round trip); otherwise operations.run takes it first.
    locks_ledger_itself: ClassVar[bool] = False

    def apply(self, uow: Any) -> Any:
        """Do it inside `uow`'s transaction; return the view of what was written."""
        raise NotImplementedError


# -- devices -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckOut(Command):
    action: ClassVar[str] = "check_out"
    locks_ledger_itself: ClassVar[bool] = True
    tag: str
    person: str | None = None
    location: str | None = None
    due: date | None = None
    reference: str = ""
    source: str = "manual"

    def apply(self, uow):
        # PostgreSQL: one round trip for the ordinary case (inventory/pgcalls.py)
        view = pgcalls.check_out(uow, self.tag, person=self.person, location=self.location,
                                 due=self.due, source=self.source, reference=self.reference)
        if view is None:
            uow.lock_ledger()
            view = assets.check_out(uow.db, uow.operator, self.tag, person=self.person,
                                    location=self.location, due=self.due,
                                    source=self.source, reference=self.reference)
        return view


@dataclass(frozen=True)
class CheckIn(Command):
    action: ClassVar[str] = "check_out"
    locks_ledger_itself: ClassVar[bool] = True
    tag: str
    location: str | None = None
    damaged: bool = False
    person: str | None = None
    note: str = ""
    reference: str = ""
    source: str = "manual"

    def apply(self, uow):
        # PostgreSQL: one round trip for the ordinary case (inventory/pgcalls.py)
        held = _holder(self.tag) if self.damaged else None  # whom a repair is charged to
        view = pgcalls.check_in(uow, self.tag, location=self.location, damaged=self.damaged,
                                person=self.person, source=self.source,
                                reference=self.reference, note=self.note)
        if view is not None and self.damaged:  # the server did it: the repair record here
            _open_repair(uow, view.tag, held, self.note)
        if view is None:
            uow.lock_ledger()
            view = assets.check_in(uow.db, uow.operator, self.tag, location=self.location,
                                   damaged=self.damaged, person=self.person,
                                   source=self.source, reference=self.reference,
                                   note=self.note)
        return view


def _holder(code: str):
    """Who holds the device a check-in names (by tag or serial), before the check-in."""
    from . import models as m

    a = m.Asset.get_or_none((m.Asset.tag == code.strip()) | (m.Asset.serial == code.strip()))
    return a.holder if a is not None and a.holder_id else None


def _open_repair(uow, tag: str, held, note: str) -> None:
    """A damaged check-in done by the server call: its repair record, as the service
    opens it (charged to whoever held the device)."""
    from . import models as m
    from .costing.repairs import open_for

    a = m.Asset.get(m.Asset.tag == tag)
    last = (m.Movement.select(m.Movement.id).where(m.Movement.asset == a.id)
            .order_by(m.Movement.id.desc()).scalar())
    open_for(a, held, uow.operator, movement_id=last, note=note)


@dataclass(frozen=True)
class EndOfLife(Command):
    """Retire, mark lost or dispose of a device (`how`: retire / lost / dispose)."""

    action: ClassVar[str] = "adjust"
    tag: str
    how: str
    reason: str

    def apply(self, uow):
        fn = {"retire": assets.retire, "lost": assets.mark_lost,
              "dispose": assets.dispose}[self.how]
        return fn(uow.db, uow.operator, self.tag, self.reason)


@dataclass(frozen=True)
class EditAsset(Command):
    """Correct a device's record (Edit device); a new `location` is a move in the ledger."""

    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("assets", "movements")
    tag: str
    serial: str | None = None
    warranty_end: date | None = None
    clear_warranty: bool = False
    notes: str | None = None
    due_date: date | None = None
    clear_due_date: bool = False
    product: str | None = None
    location: str | None = None
    purchase_cost: Decimal | None = None
    clear_purchase_cost: bool = False
    purchase_date: date | None = None
    clear_purchase_date: bool = False
    supplier: str | None = None
    order_reference: str | None = None

    def apply(self, uow):
        return edits.update_asset(
            uow.db, uow.operator, self.tag, serial=self.serial,
            warranty_end=self.warranty_end, clear_warranty=self.clear_warranty,
            notes=self.notes, due_date=self.due_date, clear_due_date=self.clear_due_date,
            product=self.product, location=self.location, purchase_cost=self.purchase_cost,
            clear_purchase_cost=self.clear_purchase_cost, purchase_date=self.purchase_date,
            clear_purchase_date=self.clear_purchase_date, supplier=self.supplier,
            order_reference=self.order_reference)


# -- stock ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Receive(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("assets", "stock", "orders")
    location: str
    lines: tuple[ReceiptLine, ...]
    order: str | None = None
    reference: str = ""
    source: str = "manual"
    purchase_date: date | None = None
    warranty_end: date | None = None

    def apply(self, uow):
        return receiving.receive(uow.db, uow.operator, self.location, list(self.lines),
                                 order=self.order, source=self.source,
                                 reference=self.reference, purchase_date=self.purchase_date,
                                 warranty_end=self.warranty_end)


@dataclass(frozen=True)
class Transfer(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("stock", "assets", "locations")
    source: str
    destination: str
    items: tuple[tuple[str, int], ...] = ()
    asset_tags: tuple[str, ...] = ()
    reference: str = ""
    source_kind: str = "manual"

    def apply(self, uow):
        return transfers.transfer(uow.db, uow.operator, self.source, self.destination,
                                  items=list(self.items), asset_tags=list(self.asset_tags),
                                  reference=self.reference, source_kind=self.source_kind)


@dataclass(frozen=True)
class ConfirmArrival(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("stock", "assets", "locations")
    shipment: str
    source: str = "manual"

    def apply(self, uow):
        return transfers.confirm_arrival(uow.db, uow.operator, self.shipment,
                                         source=self.source)


@dataclass(frozen=True)
class Issue(Command):
    """Hand spares to a person (demand)."""

    action: ClassVar[str] = "check_out"
    product: str
    quantity: int
    person: str
    location: str | None = None
    reference: str = ""
    source: str = "manual"

    def apply(self, uow):
        return stock.issue(uow.db, uow.operator, self.product, self.quantity,
                           person=self.person, location=self.location, source=self.source,
                           reference=self.reference)


@dataclass(frozen=True)
class Consume(Command):
    action: ClassVar[str] = "check_out"
    product: str
    quantity: int
    location: str
    reference: str = ""
    note: str = ""
    source: str = "manual"

    def apply(self, uow):
        return stock.consume(uow.db, uow.operator, self.product, self.quantity,
                             location=self.location, reference=self.reference, note=self.note,
                             source=self.source)


@dataclass(frozen=True)
class ReturnStock(Command):
    action: ClassVar[str] = "check_out"
    product: str
    quantity: int
    location: str
    person: str | None = None
    reference: str = ""
    source: str = "manual"

    def apply(self, uow):
        return stock.return_stock(uow.db, uow.operator, self.product, self.quantity,
                                  location=self.location, person=self.person,
                                  source=self.source, reference=self.reference)


@dataclass(frozen=True)
class Adjust(Command):
    action: ClassVar[str] = "adjust"
    kinds: ClassVar[tuple[str, ...]] = ("stock",)
    product: str
    location: str
    reason: str
    delta: int | None = None
    new_quantity: int | None = None
    reference: str = ""
    source: str = "manual"

    def apply(self, uow):
        return stock.adjust(uow.db, uow.operator, self.product, self.location,
                            delta=self.delta, new_quantity=self.new_quantity,
                            reason=self.reason, reference=self.reference, source=self.source)


# -- counts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class StartCount(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("counts",)
    location: str

    def apply(self, uow):
        return counting.start_count(uow.db, uow.operator, self.location)


@dataclass(frozen=True)
class CountScan(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("counts",)
    count_id: int
    code: str
    quantity: int = 1
    gtin: str | None = None
    serial: str | None = None
    source: str = "manual"

    def apply(self, uow):
        return counting.record_count(uow.db, uow.operator, self.count_id, self.code,
                                     self.quantity, gtin=self.gtin, serial=self.serial,
                                     source=self.source)


@dataclass(frozen=True)
class RemoveCountEntry(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("counts",)
    count_id: int
    entry_id: int

    def apply(self, uow):
        return counting.remove_entry(uow.db, uow.operator, self.count_id, self.entry_id)


@dataclass(frozen=True)
class ApproveCount(Command):
    action: ClassVar[str] = "adjust"
    kinds: ClassVar[tuple[str, ...]] = ("counts", "stock", "assets")
    count_id: int
    reason: str
    source: str = "manual"

    def apply(self, uow):
        return counting.approve_count(uow.db, uow.operator, self.count_id, self.reason,
                                      source=self.source)


@dataclass(frozen=True)
class CancelCount(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("counts",)
    count_id: int

    def apply(self, uow):
        return counting.cancel_count(uow.db, uow.operator, self.count_id)


# -- licenses ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssignSeat(Command):
    action: ClassVar[str] = "check_out"
    license: int | str
    person: str | None = None
    asset: str | None = None
    source: str = "manual"

    def apply(self, uow):
        return licenses.assign_seat(uow.db, uow.operator, self.license, person=self.person,
                                    asset=self.asset, source=self.source)


@dataclass(frozen=True)
class ReleaseSeat(Command):
    action: ClassVar[str] = "check_out"
    license: int | str
    person: str | None = None
    asset: str | None = None
    source: str = "manual"

    def apply(self, uow):
        return licenses.release_seat(uow.db, uow.operator, self.license, person=self.person,
                                     asset=self.asset, source=self.source)


@dataclass(frozen=True)
class NewLicense(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("licenses", "catalog")
    product: str
    seats: int
    starts_on: date
    options: tuple[tuple[str, Any], ...] = ()

    def apply(self, uow):
        return edits.new_license(uow.db, uow.operator, self.product, self.seats,
                                 starts_on=self.starts_on, **dict(self.options))


@dataclass(frozen=True)
class RenewLicense(Command):
    """A new term for a license (dates, seats, cost); its seat assignments carry over."""

    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("licenses",)
    license: int | str
    starts_on: date | None = None
    ends_on: date | None = None
    seats: int | None = None
    cost_per_seat: Any = None
    term_months: int | None = None
    reference: str | None = None

    def apply(self, uow):
        return license_terms.renew(uow.db, uow.operator, self.license,
                                   starts_on=self.starts_on, ends_on=self.ends_on,
                                   seats=self.seats, cost_per_seat=self.cost_per_seat,
                                   term_months=self.term_months, reference=self.reference)


@dataclass(frozen=True)
class EditLicense(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("licenses",)
    license: int | str
    changes: tuple[tuple[str, Any], ...] = ()

    def apply(self, uow):
        return license_terms.edit(uow.db, uow.operator, self.license,
                                  **_options(self.changes))


@dataclass(frozen=True)
class RetireLicense(Command):
    """No longer used: its seats are released and it leaves the renewal list."""

    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("licenses", "people")
    license: int | str
    on: date | None = None
    source: str = "manual"

    def apply(self, uow):
        return license_terms.retire(uow.db, uow.operator, self.license, on=self.on,
                                    source=self.source)


# -- catalogue edits -----------------------------------------------------------------------

def _options(pairs: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return dict(pairs)


@dataclass(frozen=True)
class EditProduct(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("catalog", "stock", "assets")
    product_id: int
    changes: tuple[tuple[str, Any], ...] = ()

    def apply(self, uow):
        return edits.update_product(uow.db, uow.operator, self.product_id,
                                    **_options(self.changes))


@dataclass(frozen=True)
class EditPerson(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("people",)
    person_id: int
    changes: tuple[tuple[str, Any], ...] = ()

    def apply(self, uow):
        return edits.update_person(uow.db, uow.operator, self.person_id,
                                   **_options(self.changes))


@dataclass(frozen=True)
class EditLocation(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("locations",)
    location_id: int
    changes: tuple[tuple[str, Any], ...] = ()

    def apply(self, uow):
        return edits.update_location(uow.db, uow.operator, self.location_id,
                                     **_options(self.changes))


@dataclass(frozen=True)
class CreateProduct(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("catalog",)
    name: str
    kind: str
    options: tuple[tuple[str, Any], ...] = ()

    def apply(self, uow):
        return catalog.create_product(uow.db, uow.operator, self.name, self.kind,
                                      **_options(self.options))


@dataclass(frozen=True)
class AddOffer(Command):
    """A supplier's price, lead time and pack for a product (gives it a reorder point)."""

    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("catalog", "stock")  # the reorder point changes
    supplier: str
    product: str
    unit_price: Any
    lead_time_days: float
    pack_size: int = 1
    min_order: int = 1
    supplier_part: str = ""
    preferred: bool = False

    def apply(self, uow):
        return catalog.add_offer(uow.db, uow.operator, self.supplier, self.product,
                                 unit_price=self.unit_price, lead_time_days=self.lead_time_days,
                                 pack_size=self.pack_size, min_order=self.min_order,
                                 supplier_part=self.supplier_part, preferred=self.preferred)


@dataclass(frozen=True)
class EditOffer(Command):
    """Change a supplier's offer for a product (`changes`: price, pack, minimum, lead time,
    part number, preferred)."""

    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("catalog", "stock")
    supplier: str
    product: str
    changes: tuple[tuple[str, Any], ...] = ()

    def apply(self, uow):
        return offers.update_offer(uow.db, uow.operator, self.supplier, self.product,
                                   **_options(self.changes))


@dataclass(frozen=True)
class RemoveOffer(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("catalog", "stock")
    supplier: str
    product: str

    def apply(self, uow):
        return offers.remove_offer(uow.db, uow.operator, self.supplier, self.product)


@dataclass(frozen=True)
class ApproveStatement(Command):
    """Post the adjustments of a 3PL / MSP statement (`complete`: it lists everything)."""

    action: ClassVar[str] = "adjust"
    kinds: ClassVar[tuple[str, ...]] = ("stock", "assets")
    path: str
    location: str
    complete: bool = False
    reference: str | None = None

    def apply(self, uow):
        from .exchange.reconcile import reconcile

        return reconcile(uow.db, uow.operator, self.path, self.location, approve=True,
                         reference=self.reference, complete=self.complete)


@dataclass(frozen=True)
class CreateLocation(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("locations",)
    name: str
    code: str
    kind: str
    parent: str | None = None
    partner: str = ""

    def apply(self, uow):
        return catalog.create_location(uow.db, uow.operator, self.name, self.code, self.kind,
                                       parent=self.parent, partner=self.partner)


@dataclass(frozen=True)
class SetTransferLane(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("locations",)
    source: str
    destination: str
    lead_time_days: float

    def apply(self, uow):
        return catalog.set_transfer_lane(uow.db, uow.operator, self.source, self.destination,
                                         self.lead_time_days)


@dataclass(frozen=True)
class CreatePerson(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("people",)
    employee_id: str
    name: str
    email: str = ""
    department: str = ""
    cost_centre: str = ""
    site: str | None = None

    def apply(self, uow):
        return catalog.create_person(uow.db, uow.operator, self.employee_id, self.name,
                                     email=self.email, department=self.department,
                                     cost_centre=self.cost_centre, site=self.site)


@dataclass(frozen=True)
class MarkLeft(Command):
    action: ClassVar[str] = "catalog"
    kinds: ClassVar[tuple[str, ...]] = ("people",)
    employee_id: str
    on: date

    def apply(self, uow):
        return catalog.mark_left(uow.db, uow.operator, self.employee_id, self.on)


# -- orders --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateOrder(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("orders",)
    supplier: str
    ship_to: str
    lines: tuple[tuple[str, int], ...] = ()
    options: tuple[tuple[str, Any], ...] = ()
    place: bool = False  # place it with the supplier at once (same transaction)

    def apply(self, uow):
        view = purchasing.create_order(uow.db, uow.operator, self.supplier, self.ship_to,
                                       list(self.lines), **_options(self.options))
        if self.place:
            view = _ordering().place(uow.db, uow.operator, view.number)
        return view


@dataclass(frozen=True)
class PlaceOrder(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("orders",)
    number: str

    def apply(self, uow):
        return _ordering().place(uow.db, uow.operator, self.number)


@dataclass(frozen=True)
class CancelOrder(Command):
    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("orders",)
    number: str

    def apply(self, uow):
        return purchasing.cancel_order(uow.db, uow.operator, self.number)


@dataclass(frozen=True)
class EditOrder(Command):
    """Change a draft order: where it is delivered, its note, and its lines (product,
    quantity, unit price or None for the offer's price); the lines replace the old ones."""

    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("orders",)
    number: str
    ship_to: str | None = None
    lines: tuple[tuple[str, int, Any], ...] | None = None
    note: str | None = None

    def apply(self, uow):
        return purchasing.edit_order(uow.db, uow.operator, self.number, ship_to=self.ship_to,
                                     lines=None if self.lines is None else list(self.lines),
                                     note=self.note)


@dataclass(frozen=True)
class ApproveReorder(Command):
    """Turn buy lines of the reorder list into draft purchase orders."""

    action: ClassVar[str] = "receive"
    kinds: ClassVar[tuple[str, ...]] = ("orders",)
    lines: tuple[Any, ...] = field(default_factory=tuple)

    def apply(self, uow):
        return _ordering().approve(uow.db, uow.operator, list(self.lines))


@dataclass(frozen=True)
class SaveServiceTargets(Command):
    """Set or remove service targets per category or ABC class: (scope, key, level or None
    to remove) each; all of them or none."""

    action: ClassVar[str] = "adjust"
    kinds: ClassVar[tuple[str, ...]] = ("catalog",)
    changes: tuple[tuple[str, str, float | None], ...] = ()

    def apply(self, uow):
        from .replenishment.targets import save_targets

        return save_targets(uow.db, uow.operator, list(self.changes))


# -- operators ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddOperator(Command):
    """A new operator who signs in with this name and password (admins only)."""

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
class SetPassword(Command):
    """Your own password (anyone), or another operator's (admins: the service checks)."""

    action: ClassVar[str] = "view"
    kinds: ClassVar[tuple[str, ...]] = ("operators",)
    username: str
    password: str = field(repr=False)

    def apply(self, uow):
        operators.set_password(uow.db, uow.operator, self.username, self.password)
        return self.username


# -- undo ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Undo(Command):
    """A compensating movement for one earlier movement (the service checks the role the
    original movement needed)."""

    action: ClassVar[str] = "view"
    movement_id: int
    reason: str = ""
    source: str = "manual"

    def apply(self, uow):
        return undo.undo(uow.db, uow.operator, self.movement_id, self.reason,
                         source=self.source)

