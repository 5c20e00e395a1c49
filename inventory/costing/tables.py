"""The cost model's own tables (schema v13): depreciation rules, the rate card, license
pricing periods, repair records, budgets and imported cloud charges."""

from __future__ import annotations

import peewee as pw

from .. import models as _models
from ..clock import utcnow
from ..models import Asset, BaseModel, License, Location, Operator, Person, Product

# The defaults: useful life in months per product category (residual 0 %);
# "other" covers every category without a rule of its own.
DEFAULT_LIVES = {"laptop": 36, "phone": 24, "tablet": 36, "monitor": 60, "dock": 48,
                 "other": 36}
OTHER = "other"
IT_STOCK = "IT stock"  # device days in stock / repair / transit / 3PL, unassigned seats
UNALLOCATED = "unallocated"  # untagged cloud spend, people without a cost centre
RATE_KINDS = ("device", "license", "spares")
REPAIR_OUTCOMES = ("", "repaired", "replaced", "beyond_repair", "no_fault")


class DepreciationRule(BaseModel):
    """Useful life and residual value (percent of the purchase cost) for one product
    category (lower case) or one product; a product's rule wins over its category's."""

    category = pw.CharField(null=True, unique=True)
    product = pw.ForeignKeyField(Product, null=True, unique=True, on_delete="CASCADE")
    life_months = pw.IntegerField()
    residual_pct = pw.DecimalField(max_digits=5, decimal_places=2, default=0, auto_round=True)
    updated_at = pw.DateTimeField(default=utcnow)
    updated_by = pw.ForeignKeyField(Operator, null=True)

    class Meta:
        table_name = "cost_depreciation"


class RateLine(BaseModel):
    """A price IT charges: per device per month (by product or category), per seat per
    month (a license), or a mark-up in percent on spares (a category, or all spares)."""

    kind = pw.CharField()  # RATE_KINDS
    product = pw.ForeignKeyField(Product, null=True, on_delete="CASCADE")
    category = pw.CharField(null=True)  # lower case
    license = pw.ForeignKeyField(License, null=True, on_delete="CASCADE")
    amount = pw.DecimalField(max_digits=12, decimal_places=2, auto_round=True)
    updated_at = pw.DateTimeField(default=utcnow)
    updated_by = pw.ForeignKeyField(Operator, null=True)

    class Meta:
        table_name = "cost_rate"
        indexes = ((("kind", "product", "category", "license"), False),)  # one per key: the service


class LicensePricing(BaseModel):
    """Whether a license's cost per seat is per month (the default) or per year."""

    license = pw.ForeignKeyField(License, unique=True, on_delete="CASCADE")
    period = pw.CharField(default="month")  # month / year

    class Meta:
        table_name = "cost_license_pricing"


class Repair(BaseModel):
    """A device's repair: opened when it is checked in damaged or sent to repair; its
    cost goes to the cost centre that held the device when it was damaged."""

    asset = pw.ForeignKeyField(Asset, backref="repairs")
    opened_on = pw.DateField()
    cost_centre = pw.CharField(default="")
    held_by = pw.ForeignKeyField(Person, null=True)
    vendor = pw.CharField(default="")
    reference = pw.CharField(default="")
    sent_on = pw.DateField(null=True)
    returned_on = pw.DateField(null=True)
    cost = pw.DecimalField(max_digits=12, decimal_places=2, default=0, auto_round=True)
    outcome = pw.CharField(default="")  # REPAIR_OUTCOMES; "" while open
    note = pw.TextField(default="")
    opened_by = pw.ForeignKeyField(Operator, null=True)
    movement_id = pw.IntegerField(null=True)  # the check-in that opened it

    class Meta:
        table_name = "cost_repair"
        indexes = ((("asset", "opened_on"), False),)


class Budget(BaseModel):
    cost_centre = pw.CharField()
    year = pw.IntegerField()
    amount = pw.DecimalField(max_digits=14, decimal_places=2, auto_round=True)
    updated_at = pw.DateTimeField(default=utcnow)
    updated_by = pw.ForeignKeyField(Operator, null=True)

    class Meta:
        table_name = "cost_budget"
        indexes = ((("cost_centre", "year"), True),)


class CloudCharge(BaseModel):
    """One row of an imported FOCUS cost-and-usage file, allocated at import by the tag
    key the user named (`cost_centre` is "unallocated" when the row has no such tag)."""

    month = pw.IntegerField()  # year * 12 + month - 1 of ChargePeriodStart
    period_start = pw.DateTimeField()
    period_end = pw.DateTimeField()
    billed_cost = pw.DecimalField(max_digits=14, decimal_places=4, auto_round=True)
    effective_cost = pw.DecimalField(max_digits=14, decimal_places=4, auto_round=True)
    currency = pw.CharField(default="")
    provider = pw.CharField(default="")
    service_name = pw.CharField(default="")
    service_category = pw.CharField(default="")
    charge_category = pw.CharField(default="")
    resource_id = pw.CharField(default="")
    resource_name = pw.CharField(default="")
    tags = pw.TextField(default="")
    tag_key = pw.CharField(default="")
    cost_centre = pw.CharField()
    source = pw.CharField(default="")
    imported_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "cost_cloud"
        indexes = ((("month", "cost_centre"), False),)


COSTING_MODELS: list[type[pw.Model]] = [DepreciationRule, RateLine, LicensePricing, Repair,
                                        Budget, CloudCharge]


# Projections of the ledger kept by triggers (holdings.py, stockouts.py, spend.py).

class Holding(BaseModel):
    """A stretch of a device's life in one status (holdings.py)."""

    asset = pw.ForeignKeyField(Asset, index=False)
    status = pw.CharField()
    holder = pw.ForeignKeyField(Person, null=True, index=False)
    d0 = pw.IntegerField()
    d1 = pw.IntegerField(null=True)
    f0 = pw.DoubleField()  # d0 as a month position (calendar.fmonth_sql)
    f1 = pw.DoubleField(null=True)
    # the movement that opened it; no foreign key: a projection never constrains the ledger
    movement = pw.IntegerField(column_name="movement_id")

    class Meta:
        table_name = "cost_holding"
        indexes = ((("asset", "d1"), False),)


class Balance(BaseModel):
    """A product's quantity at a location as the ledger moves it (stockouts.py)."""

    product = pw.ForeignKeyField(Product, index=False)
    location = pw.ForeignKeyField(Location, index=False)
    # BIGINT: a sum of movements (even absurd ones, which verify reports) never overflows
    # and so never stops the ledger taking a movement
    quantity = pw.BigIntegerField(default=0)
    first_in = pw.IntegerField(null=True)
    out_since = pw.IntegerField(null=True)

    class Meta:
        table_name = "cost_balance"
        indexes = ((("product", "location"), True),)


class StockOut(BaseModel):
    product = pw.ForeignKeyField(Product, index=False)
    location = pw.ForeignKeyField(Location, index=False)
    d0 = pw.IntegerField()
    d1 = pw.IntegerField(index=True)

    class Meta:
        table_name = "cost_stockout"


class FlowMonth(BaseModel):
    """A product's net flow into stocking locations in a month, and what was issued or
    consumed (quantity, value at the time) (stockouts.py; the turns KPI)."""

    product = pw.ForeignKeyField(Product, index=False)
    month = pw.IntegerField()
    net = pw.BigIntegerField(default=0)
    used = pw.BigIntegerField(default=0)
    used_value = pw.DecimalField(max_digits=30, decimal_places=2, default=0, auto_round=True)

    class Meta:
        table_name = "cost_flow_month"
        indexes = ((("product", "month"), True),)


class CostCentreMove(BaseModel):
    """A person left `cost_centre` at `moved_at` (centres.py): the cost centre they belong
    to now is the person's own; the earlier ones, and until when, are these rows."""

    person = pw.ForeignKeyField(Person, index=False, on_delete="CASCADE")
    cost_centre = pw.CharField()  # the one they left
    moved_at = pw.DateTimeField()
    day = pw.IntegerField()  # moved_at's date, date.toordinal(): the new one's first day
    f = pw.DoubleField()  # that day as a month position (calendar.fmonth_sql)

    class Meta:
        table_name = "cost_centre_move"
        indexes = ((("person", "moved_at"), False),)


class SpendMonth(BaseModel):
    """Spares and consumables issued (returns credited) per month, cost centre and
    product category (lower case, as it stood at the issue: the rate card's mark-ups are
    per category), at their unit cost then (spend.py): showback reads these few rows
    instead of a year of issues."""

    month = pw.IntegerField()
    cost_centre = pw.CharField()  # in force at the moment of the issue
    category = pw.CharField()
    quantity = pw.BigIntegerField(default=0)
    value = pw.DecimalField(max_digits=30, decimal_places=2, default=0, auto_round=True)

    class Meta:
        table_name = "cost_spend_month"
        indexes = ((("month", "cost_centre", "category"), True),)


def all_models() -> list[type[pw.Model]]:
    """Every table of the cost model, the projections included."""
    return [*COSTING_MODELS, CostCentreMove, Holding, Balance, StockOut, FlowMonth,
            SpendMonth]


_models.ALL_MODELS.extend(m for m in all_models() if m not in _models.ALL_MODELS)
