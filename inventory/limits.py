"""Domain limits for every number a person or a file can give: quantities, money, lead
times, pack sizes, seats and terms. Checked by the services and the import planner before
anything is written; the README lists them ("Security and data safety")."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import ValidationError

MAX_QUANTITY = 1_000_000  # units in one movement, count, order line or shelf
MAX_PRICE = Decimal("10000000")  # per unit or per seat, in the database's currency
MAX_LEAD_DAYS = 730  # supplier, transfer and renewal lead times, notice periods
MAX_PACK = 100_000  # pack size and minimum order
MAX_SEATS = 1_000_000  # seats on one license
MAX_TERM_MONTHS = 120  # a license term
MAX_LIFE_MONTHS = 240  # a device's useful life (depreciation)
MAX_MARKUP_PCT = 1000  # a rate card's mark-up on spares, in percent
MAX_BUDGET = Decimal("10000000000")  # one cost centre's budget for a year


def _whole(value: object, what: str, field: str | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            as_float = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError(f"{what} must be a whole number (got {value!r}).",
                                  field=field) from None
        if not as_float.is_integer():
            raise ValidationError(f"{what} must be a whole number (got {value}).", field=field)
        value = int(as_float)
    return value


def whole(value: object, what: str, *, low: int, high: int, field: str | None = None) -> int:
    """`value` as an int in [low, high], else a one-line ValidationError (about `field`)."""
    n = _whole(value, what, field)
    if n < 0 <= low:
        raise ValidationError(f"{what} cannot be negative (got {n:,}).", field=field)
    if not low <= n <= high:
        raise ValidationError(f"{what} must be between {low:,} and {high:,} (got {n:,}).",
                              field=field)
    return n


def quantity(value: object, what: str = "Quantity", *, zero: bool = False,
             field: str | None = "quantity") -> int:
    """A quantity of units: 1..MAX_QUANTITY (0 allowed with `zero`, e.g. a shelf count)."""
    return whole(value, what, low=0 if zero else 1, high=MAX_QUANTITY, field=field)


def signed_quantity(value: object, what: str = "Adjustment",
                    field: str | None = "delta") -> int:
    """A change of stock: -MAX_QUANTITY..MAX_QUANTITY, not zero."""
    n = whole(value, what, low=-MAX_QUANTITY, high=MAX_QUANTITY, field=field)
    if n == 0:
        raise ValidationError(f"{what} must not be zero.", field=field)
    return n


def price(value: object, what: str = "Price", field: str | None = None) -> Decimal:
    """Money per unit: 0..MAX_PRICE, two decimals."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{what} must be an amount such as 12.50 (got {value!r}).",
                              field=field) from None
    if amount.is_finite() and amount < 0:
        raise ValidationError(f"{what} cannot be negative (got {value}).", field=field)
    if not amount.is_finite() or not Decimal(0) <= amount <= MAX_PRICE:
        raise ValidationError(f"{what} must be between 0 and {MAX_PRICE:,} (got {value}).",
                              field=field)
    return amount


def lead_days(value: object, what: str = "Lead time", *, zero: bool = False,
              field: str | None = None) -> float:
    """Days: above 0 (or from 0 with `zero`) up to MAX_LEAD_DAYS."""
    try:
        days = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must be a number of days (got {value!r}).",
                              field=field) from None
    if days != days or not (0 <= days if zero else 0 < days) or days > MAX_LEAD_DAYS:
        low = "0" if zero else "above 0"
        raise ValidationError(f"{what} must be {low} and at most {MAX_LEAD_DAYS} days "
                              f"(got {value}).", field=field)
    return days


def pack(value: object, what: str = "Pack size", field: str | None = "pack_size") -> int:
    return whole(value, what, low=1, high=MAX_PACK, field=field)


def seats(value: object, what: str = "Seats", field: str | None = "seats") -> int:
    return whole(value, what, low=0, high=MAX_SEATS, field=field)


def term_months(value: object, what: str = "Term", field: str | None = "term_months") -> int:
    return whole(value, what, low=1, high=MAX_TERM_MONTHS, field=field)


def days(value: object, what: str, field: str | None = None) -> int:
    """Whole days such as a notice period: 0..MAX_LEAD_DAYS."""
    return whole(value, what, low=0, high=MAX_LEAD_DAYS, field=field)


def life_months(value: object, what: str = "The useful life",
                field: str | None = "life_months") -> int:
    """A useful life for depreciation: 1..MAX_LIFE_MONTHS months."""
    return whole(value, what, low=1, high=MAX_LIFE_MONTHS, field=field)


def percent(value: object, what: str, *, high: int = 100, field: str | None = None) -> Decimal:
    """A percentage 0..`high` with at most two decimals."""
    amount = price(value, what, field=field)
    if amount > high:
        raise ValidationError(f"{what} must be between 0 and {high} % (got {amount}).",
                              field=field)
    return amount


def budget(value: object, what: str = "The budget", field: str | None = "amount") -> Decimal:
    """A year's budget: 0..MAX_BUDGET."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{what} must be an amount such as 120000 (got {value!r}).",
                              field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_BUDGET:
        raise ValidationError(f"{what} must be between 0 and {MAX_BUDGET:,} (got {value}).",
                              field=field)
    return amount.quantize(Decimal("0.01"))


# Import fields checked by the planner (field name -> check), so a file is held to the
# same limits as the window.
IMPORT_FIELDS: dict[str, Callable[[Any, str], object]] = {
    "quantity": lambda v, what: quantity(v, what, zero=True),
    "unit_cost": price, "purchase_cost": price, "cost_per_seat": price,
    "unit_price": price,
    "seats": seats,
    "lead_time_days": lambda v, what: lead_days(v, what),
    "renewal_lead_days": days, "notice_days": days,
    "pack_size": pack, "min_order": pack,
    "term_months": term_months,
    "min_quantity": lambda v, what: quantity(v, what, zero=True),
    "amount": budget,
}


def describe() -> list[str]:
    """The limits as the README states them."""
    return [
        f"quantities: 1 to {MAX_QUANTITY:,} units per movement, count, order line or shelf",
        f"prices and costs: 0 to {MAX_PRICE:,} per unit or seat",
        f"lead times and notice periods: up to {MAX_LEAD_DAYS} days",
        f"pack sizes and minimum orders: 1 to {MAX_PACK:,}",
        f"license seats: 0 to {MAX_SEATS:,}; terms: 1 to {MAX_TERM_MONTHS} months",
        f"useful lives: 1 to {MAX_LIFE_MONTHS} months; residual values 0 to 100 %; "
        f"mark-ups 0 to {MAX_MARKUP_PCT} %; budgets 0 to {MAX_BUDGET:,} a year",
    ]
