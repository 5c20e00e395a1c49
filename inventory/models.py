"""The domain's tables. Model instances stay inside `inventory`; services return views."""

from __future__ import annotations

import peewee as pw

from .clock import utcnow
from .db import database_proxy
from .vocab import (  # noqa: F401 - the models' vocabulary, re-exported
    ASSET_STATUSES,
    BOOKING_STATES,
    CATALOG_ITEM_KINDS,
    LICENSE_TYPES,
    LOCATION_KINDS,
    MOVEMENT_KINDS,
    OPEN_REQUEST_STATES,
    PARTNER_KINDS,
    PO_STATUSES,
    PRODUCT_KINDS,
    QUANTITY_KINDS,
    REQUEST_STATES,
    ROLES,
    SOURCES,
    STOCKING_KINDS,
)


class BaseModel(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField()
    applied_at = pw.DateTimeField(default=utcnow)


class Setting(BaseModel):
    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class Operator(BaseModel):
    username = pw.CharField(unique=True)
    name = pw.CharField(default="")
    role = pw.CharField(default="viewer")
    password_hash = pw.CharField(null=True)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)


class Location(BaseModel):
    name = pw.CharField()
    code = pw.CharField(unique=True)  # printed on the location / bin label
    kind = pw.CharField(index=True)
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    partner = pw.CharField(default="")  # the 3PL / MSP company
    active = pw.BooleanField(default=True)


class TransferLane(BaseModel):
    """A 3PL / MSP serving a site, with the transfer lead time."""

    source = pw.ForeignKeyField(Location, backref="lanes_out")
    destination = pw.ForeignKeyField(Location, backref="lanes_in")
    lead_time_days = pw.FloatField()

    class Meta:
        indexes = ((("source", "destination"), True),)


class Person(BaseModel):
    employee_id = pw.CharField(unique=True)  # the badge barcode
    name = pw.CharField(index=True)
    email = pw.CharField(default="")
    department = pw.CharField(default="", index=True)
    cost_centre = pw.CharField(default="")
    site = pw.ForeignKeyField(Location, null=True, backref="people")
    active = pw.BooleanField(default=True)
    left_on = pw.DateField(null=True)


class Product(BaseModel):
    name = pw.CharField(index=True)
    kind = pw.CharField(index=True)
    manufacturer = pw.CharField(default="")
    category = pw.CharField(default="")
    part_number = pw.CharField(default="", index=True)
    gtin = pw.CharField(null=True, unique=True)
    unit_cost = pw.DecimalField(max_digits=12, decimal_places=2, default=0, auto_round=True)
    min_quantity = pw.IntegerField(null=True)  # a manual minimum (low-confidence items)
    service_level = pw.FloatField(null=True)  # overrides the default target
    replacement_rate = pw.FloatField(null=True)  # per installed unit per year
    keep_spares = pw.BooleanField(default=False)  # devices kept in stock for swaps
    end_of_life = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)


class ServiceTarget(BaseModel):
    """A target cycle service level for a product category or an ABC class (schema v6).

    `scope` is "category" (key: the category name) or "abc" (key: "A", "B" or "C").
    """

    scope = pw.CharField()
    key = pw.CharField()
    service_level = pw.FloatField()
    updated_at = pw.DateTimeField(default=utcnow)
    updated_by = pw.ForeignKeyField(Operator, null=True)

    class Meta:
        indexes = ((("scope", "key"), True),)


class Supplier(BaseModel):
    name = pw.CharField(unique=True)
    email = pw.CharField(default="")
    lead_time_days = pw.FloatField(default=14)


class SupplierOffer(BaseModel):
    supplier = pw.ForeignKeyField(Supplier, backref="offers")
    product = pw.ForeignKeyField(Product, backref="offers")
    supplier_part = pw.CharField(default="")
    unit_price = pw.DecimalField(max_digits=12, decimal_places=2, auto_round=True)
    pack_size = pw.IntegerField(default=1)
    min_order = pw.IntegerField(default=1)
    lead_time_days = pw.FloatField()
    preferred = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("supplier", "product"), True),)


class PurchaseOrder(BaseModel):
    number = pw.CharField(unique=True)
    supplier = pw.ForeignKeyField(Supplier, backref="orders")
    ship_to = pw.ForeignKeyField(Location)
    status = pw.CharField(default="draft", index=True)
    created_at = pw.DateTimeField(default=utcnow)
    ordered_at = pw.DateTimeField(null=True)
    expected_at = pw.DateTimeField(null=True)
    received_at = pw.DateTimeField(null=True)
    created_by = pw.ForeignKeyField(Operator, null=True)
    note = pw.TextField(default="")


class PurchaseOrderLine(BaseModel):
    order = pw.ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
    product = pw.ForeignKeyField(Product)
    quantity = pw.IntegerField()
    received_quantity = pw.IntegerField(default=0)
    unit_price = pw.DecimalField(max_digits=12, decimal_places=2, auto_round=True)


class Asset(BaseModel):
    tag = pw.CharField(unique=True)
    serial = pw.CharField(null=True)
    manufacturer = pw.CharField(default="")  # copied from the product: serials are unique per maker
    product = pw.ForeignKeyField(Product, backref="assets")
    status = pw.CharField(default="in_stock", index=True)
    location = pw.ForeignKeyField(Location, null=True, backref="assets")
    holder = pw.ForeignKeyField(Person, null=True, backref="assets")
    purchase_cost = pw.DecimalField(max_digits=12, decimal_places=2, null=True, auto_round=True)
    purchase_date = pw.DateField(null=True)
    warranty_end = pw.DateField(null=True, index=True)
    due_date = pw.DateField(null=True)
    order_line = pw.ForeignKeyField(PurchaseOrderLine, null=True)
    notes = pw.TextField(default="")
    # Where a device came from when it was not received against one of our orders (a
    # lease, a card purchase, an import): set by Edit device, schema v9.
    supplier = pw.ForeignKeyField(Supplier, null=True)
    order_reference = pw.CharField(default="", constraints=[pw.SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("manufacturer", "serial"), True),)


class StockLevel(BaseModel):
    """Projection of the ledger: quantity on hand per product and location."""

    product = pw.ForeignKeyField(Product, backref="stock")
    location = pw.ForeignKeyField(Location, backref="stock")
    quantity = pw.IntegerField(default=0)
    reserved = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("product", "location"), True),)


class Shipment(BaseModel):
    """Goods on their way between locations (to or from a 3PL / MSP, or between sites)."""

    number = pw.CharField(unique=True)
    source = pw.ForeignKeyField(Location, backref="shipments_out")
    destination = pw.ForeignKeyField(Location, backref="shipments_in")
    status = pw.CharField(default="in_transit", index=True)  # in_transit, arrived
    shipped_at = pw.DateTimeField(default=utcnow)
    arrived_at = pw.DateTimeField(null=True)
    reference = pw.CharField(default="")


class ShipmentLine(BaseModel):
    shipment = pw.ForeignKeyField(Shipment, backref="lines")
    product = pw.ForeignKeyField(Product)
    asset = pw.ForeignKeyField(Asset, null=True)
    quantity = pw.IntegerField(default=1)


class License(BaseModel):
    product = pw.ForeignKeyField(Product, backref="licenses")
    vendor = pw.ForeignKeyField(Supplier, null=True)
    license_type = pw.CharField(default="per_user")
    seats = pw.IntegerField()
    cost_per_seat = pw.DecimalField(max_digits=12, decimal_places=2, default=0, auto_round=True)
    term_months = pw.IntegerField(default=12)
    starts_on = pw.DateField()
    ends_on = pw.DateField(null=True)
    notice_days = pw.IntegerField(default=30)
    renewal_lead_days = pw.IntegerField(default=30)
    allow_overuse = pw.BooleanField(default=False)
    reference = pw.CharField(default="")
    retired_on = pw.DateField(null=True)  # schema v9: no longer used; its seats released


class LicenseTerm(BaseModel):
    """A license's earlier term, kept when it is renewed (schema v9): the License row
    holds the current term, its seat assignments carry over."""

    license = pw.ForeignKeyField(License, backref="terms", on_delete="CASCADE")
    starts_on = pw.DateField()
    ends_on = pw.DateField(null=True)
    seats = pw.IntegerField()
    cost_per_seat = pw.DecimalField(max_digits=12, decimal_places=2, default=0, auto_round=True)
    reference = pw.CharField(default="")
    renewed_at = pw.DateTimeField(default=utcnow)
    renewed_by = pw.ForeignKeyField(Operator, null=True)


class LicenseSeat(BaseModel):
    license = pw.ForeignKeyField(License, backref="seat_assignments")
    person = pw.ForeignKeyField(Person, null=True, backref="license_seats")
    asset = pw.ForeignKeyField(Asset, null=True, backref="license_seats")
    assigned_at = pw.DateTimeField(default=utcnow)
    released_at = pw.DateTimeField(null=True, index=True)


class CountSession(BaseModel):
    """A blind stocktake of one location."""

    location = pw.ForeignKeyField(Location)
    status = pw.CharField(default="open")  # open, approved, cancelled
    started_by = pw.ForeignKeyField(Operator)
    started_at = pw.DateTimeField(default=utcnow)
    approved_by = pw.ForeignKeyField(Operator, null=True)
    approved_at = pw.DateTimeField(null=True)


class CountEntry(BaseModel):
    session = pw.ForeignKeyField(CountSession, backref="entries", on_delete="CASCADE")
    product = pw.ForeignKeyField(Product)
    asset = pw.ForeignKeyField(Asset, null=True)
    quantity = pw.IntegerField(default=1)
    scanned_at = pw.DateTimeField(default=utcnow)


class Movement(BaseModel):
    """The append-only ledger. Quantities are positive: they leave `from_location`
    and arrive at `to_location` (either may be empty: received from outside, issued
    to a person). For an asset, `holder` and `asset_status` are its state after."""

    at = pw.DateTimeField(default=utcnow, index=True)
    # Indexes are few on purpose: every one is written on every scan. Lookups by kind,
    # product and asset use the composite indexes below (and migration 2's).
    kind = pw.CharField()
    product = pw.ForeignKeyField(Product, index=False)
    asset = pw.ForeignKeyField(Asset, null=True, index=False)
    license = pw.ForeignKeyField(License, null=True, index=False)
    quantity = pw.IntegerField(default=1)
    from_location = pw.ForeignKeyField(Location, null=True, index=False)
    to_location = pw.ForeignKeyField(Location, null=True, index=False)
    person = pw.ForeignKeyField(Person, null=True)
    holder = pw.ForeignKeyField(Person, null=True, index=False)
    asset_status = pw.CharField(null=True)
    operator = pw.ForeignKeyField(Operator, index=False)
    reference = pw.CharField(default="")
    source = pw.CharField(default="manual")
    note = pw.TextField(default="")
    unit_cost = pw.DecimalField(max_digits=12, decimal_places=2, null=True, auto_round=True)
    reverses = pw.ForeignKeyField("self", null=True, index=False)  # partial index: schema v4
    # The hash chain (schema v8): SHA-256 over this row and the previous row's hash.
    prev_hash = pw.CharField(max_length=64, null=True)
    hash = pw.CharField(max_length=64, null=True)

    class Meta:
        indexes = (
            (("asset", "id"), False),
            (("product", "at"), False),
        )


class DemandMonth(BaseModel):
    """Projection of the ledger: demand per product × location × month (y * 12 + m - 1),
    by kind of demand (`replenishment/demand_table.py`); kept by a trigger on movement."""

    product = pw.ForeignKeyField(Product, index=False)
    location = pw.ForeignKeyField(Location, index=False)
    month = pw.IntegerField()
    grp = pw.CharField()  # use / device / partner
    quantity = pw.IntegerField(default=0)
    # Of the month's days with demand (schema v14): how many, and the sums of the day
    # totals' squares and cubes (the reorder rule's undershoot and demand sizes).
    days = pw.IntegerField(default=0)
    sq = pw.DoubleField(default=0)
    cube = pw.DoubleField(default=0)

    class Meta:
        table_name = "demand_month"
        indexes = ((("product", "location", "month", "grp"), True),)


# -- the service desk's shop (schema v9): catalogue items, kits, requests, reservations,
# loan-pool bookings, joiners. Their own tables: people and cost centres stay as they are.

class CatalogItem(BaseModel):
    """What the service desk offers: a product, a license, or a kit of several lines."""

    code = pw.CharField(unique=True)  # printed on the kit label (KIT-...)
    name = pw.CharField(unique=True)
    kind = pw.CharField()  # product / license / kit
    product = pw.ForeignKeyField(Product, null=True)  # a product or license item
    description = pw.TextField(default="")
    departments = pw.TextField(default="")  # who may request it, comma-separated; "" = all
    price = pw.DecimalField(max_digits=12, decimal_places=2, null=True, auto_round=True)
    auto_approve = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "catalog_item"


class KitLine(BaseModel):
    """One line of a kit: `quantity` of any one of its options (products of one kind)."""

    item = pw.ForeignKeyField(CatalogItem, backref="kit_lines", on_delete="CASCADE")
    position = pw.IntegerField(default=0)
    quantity = pw.IntegerField(default=1)

    class Meta:
        table_name = "kit_line"


class KitOption(BaseModel):
    line = pw.ForeignKeyField(KitLine, backref="options", on_delete="CASCADE")
    product = pw.ForeignKeyField(Product)
    position = pw.IntegerField(default=0)

    class Meta:
        table_name = "kit_option"


class Request(BaseModel):
    """Someone asked for a catalogue item: requested → approved → reserved → fulfilled,
    or rejected / cancelled. Every change is a RequestEvent."""

    number = pw.CharField(unique=True)
    person = pw.ForeignKeyField(Person, backref="requests")
    item = pw.ForeignKeyField(CatalogItem, backref="requests")
    quantity = pw.IntegerField(default=1)
    needed_by = pw.DateField(null=True, index=True)
    note = pw.TextField(default="")
    state = pw.CharField(default="requested", index=True)
    location = pw.ForeignKeyField(Location, null=True)  # reserved at / fulfilled from
    created_at = pw.DateTimeField(default=utcnow)
    created_by = pw.ForeignKeyField(Operator)
    updated_at = pw.DateTimeField(default=utcnow)


class RequestEvent(BaseModel):
    """The ledger of requests: who moved which request to which state, when."""

    request = pw.ForeignKeyField(Request, backref="events")
    at = pw.DateTimeField(default=utcnow)
    operator = pw.ForeignKeyField(Operator)
    from_state = pw.CharField(null=True)
    to_state = pw.CharField()
    note = pw.TextField(default="")

    class Meta:
        table_name = "request_event"


class Reservation(BaseModel):
    """Stock (a quantity at a location, kept in StockLevel.reserved), a device or a seat
    held for a request: held → consumed (fulfilled) or released."""

    request = pw.ForeignKeyField(Request, backref="reservations")
    line = pw.ForeignKeyField(KitLine, null=True)
    product = pw.ForeignKeyField(Product)
    location = pw.ForeignKeyField(Location, null=True)
    asset = pw.ForeignKeyField(Asset, null=True)
    quantity = pw.IntegerField(default=1)
    state = pw.CharField(default="held", index=True)
    created_at = pw.DateTimeField(default=utcnow)


class LoanDevice(BaseModel):
    """A device in the loan pool (booked by dates)."""

    asset = pw.ForeignKeyField(Asset, unique=True)
    added_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "loan_device"


class Booking(BaseModel):
    """A loan-pool device, or any device of a model, held for a person between two dates
    (both included)."""

    number = pw.CharField(unique=True)
    product = pw.ForeignKeyField(Product)
    asset = pw.ForeignKeyField(Asset, null=True)  # None: any device of the model
    person = pw.ForeignKeyField(Person, backref="bookings")
    starts_on = pw.DateField(index=True)
    ends_on = pw.DateField(index=True)
    note = pw.TextField(default="")
    state = pw.CharField(default="active", index=True)  # active / cancelled / done
    created_by = pw.ForeignKeyField(Operator)
    created_at = pw.DateTimeField(default=utcnow)


class Joiner(BaseModel):
    """A person starting on a date with a kit for their role; a request is made for it a
    set number of days before."""

    person = pw.ForeignKeyField(Person, unique=True)
    starts_on = pw.DateField()
    job_role = pw.CharField(default="")
    kit = pw.ForeignKeyField(CatalogItem)
    request = pw.ForeignKeyField(Request, null=True)


class DigestSent(BaseModel):
    """What `notify` has already mailed, per digest, so each lists only what is new."""

    digest = pw.CharField()
    key = pw.CharField()
    sent_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "digest_sent"
        indexes = ((("digest", "key"), True),)


SHOP_MODELS = [CatalogItem, KitLine, KitOption, Request, RequestEvent, Reservation, LoanDevice,
               Booking, Joiner, DigestSent]


ALL_MODELS = [
    SchemaVersion, Setting, Operator, Location, TransferLane, Person, Product, ServiceTarget,
    Supplier,
    SupplierOffer, PurchaseOrder, PurchaseOrderLine, Asset, StockLevel, Shipment, ShipmentLine,
    License, LicenseSeat, CountSession, CountEntry, Movement, *SHOP_MODELS, LicenseTerm,
]

# The cost model's tables (schema v11) live with it in inventory/costing/tables.py, which
# adds them to ALL_MODELS when imported (schema.py imports it).
