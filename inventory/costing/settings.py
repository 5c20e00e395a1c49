"""Writes of the cost model's settings: depreciation rules, the rate card, license
pricing periods and budgets. Each runs inside the caller's unit of work (a command)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from .. import limits
from ..clock import utcnow
from ..db import Handle, unwrap
from ..errors import NotFound, ValidationError
from ..models import License, Product
from ..operators import OperatorRef
from ..roles import require
from ..services import find
from .tables import (
    DEFAULT_LIVES,
    OTHER,
    RATE_KINDS,
    Budget,
    DepreciationRule,
    LicensePricing,
    RateLine,
)


@dataclass(frozen=True)
class RuleView:
    scope: str  # "category" or "product"
    key: str  # the category (lower case) or the product's name
    life_months: int
    residual_pct: Decimal


@dataclass(frozen=True)
class RateView:
    kind: str
    key: str  # product name, category, license product name, or "all spares"
    amount: Decimal
    unit: str  # "per device per month", "per seat per month", "% mark-up"
    scope: str = ""  # "product", "category", "license" or "all": what `ref` names
    ref: str = ""  # what set_rate takes back: the product, category or license number

    def command_args(self) -> dict[str, str | None]:
        """The keyword arguments of `SetRate` naming this line."""
        return {"product": self.ref if self.scope == "product" else None,
                "category": self.ref if self.scope == "category" else None,
                "license": self.ref if self.scope == "license" else None}


def _category(text: str) -> str:
    key = text.strip().lower()
    if not key or len(key) > 100:
        raise ValidationError("Name the category (up to 100 characters), e.g. laptop.",
                              field="category")
    return key


def set_depreciation(db: pw.Database, op: OperatorRef, *, category: str | None = None,
                     product: str | None = None, life_months: int | None = None,
                     residual_pct: Decimal | float | int = 0,
                     remove: bool = False) -> RuleView | None:
    """Set (or with `remove`, drop) the useful life and residual for a category or a
    product. The "other" category cannot be removed: it is the fallback."""
    require(op.role, "costs")
    if (category is None) == (product is None):
        raise ValidationError("Give a category or a product (one of them).", field="category")
    p = find.product(product) if product else None
    if p is not None and p.kind != "device":
        raise ValidationError(f"{p.name} is a {p.kind}; only devices depreciate.",
                              field="product")
    key = _category(category) if category else None
    where = (DepreciationRule.product == p.id) if p else (DepreciationRule.category == key)
    if remove:
        if key == OTHER:
            raise ValidationError("The rule for 'other' is the fallback for every category; "
                                  "change its life instead of removing it.", field="category")
        DepreciationRule.delete().where(where).execute()
        return None
    life = limits.life_months(life_months if life_months is not None else
                              DEFAULT_LIVES.get(key or "", DEFAULT_LIVES[OTHER]))
    residual = limits.percent(residual_pct, "The residual value", field="residual_pct")
    rule = DepreciationRule.get_or_none(where)
    if rule is None:
        rule = DepreciationRule(category=key, product=p)
    rule.life_months, rule.residual_pct = life, residual
    rule.updated_at, rule.updated_by = utcnow(), op.id
    rule.save()
    return RuleView("product" if p else "category", p.name if p else key or "", life, residual)


def depreciation_rules(db: pw.Database) -> list[RuleView]:
    rows = (DepreciationRule.select(DepreciationRule, Product.name)
            .join(Product, pw.JOIN.LEFT_OUTER).order_by(DepreciationRule.category,
                                                        Product.name))
    return [RuleView("product" if r.product_id else "category",
                     r.product.name if r.product_id else r.category,
                     r.life_months, r.residual_pct) for r in rows]


def _license(ref: str) -> License:
    text = str(ref).strip()
    q = License.select().join(Product)
    lic = (q.where(License.id == int(text)).first() if text.isdigit() else
           q.where((Product.name == text) | (License.reference == text))
           .order_by(License.id.desc()).first())
    if lic is None:
        raise NotFound(f"No license '{ref}'. Give its product name, reference or number.",
                       field="license")
    return lic


def set_rate(db: pw.Database, op: OperatorRef, kind: str, *, product: str | None = None,
             category: str | None = None, license: str | None = None,
             amount: Decimal | float | int | None = None) -> RateView | None:
    """A rate card line: a device's monthly price (by product or category), a license's
    price per seat per month, or a mark-up in percent on spares (a category, or all).
    `amount` None removes the line."""
    require(op.role, "costs")
    if kind not in RATE_KINDS:
        raise ValidationError(f"A rate is for {', '.join(RATE_KINDS)}, not '{kind}'.",
                              field="kind")
    p = find.product(product) if product else None
    lic = _license(license) if license else None
    key = _category(category) if category else None
    if kind == "device" and (p is None) == (key is None):
        raise ValidationError("A device rate is for a product or a category (one of them).",
                              field="product")
    if kind == "device" and p is not None and p.kind != "device":
        raise ValidationError(f"{p.name} is a {p.kind}, not a device.", field="product")
    if kind == "license" and lic is None:
        raise ValidationError("A license rate names the license.", field="license")
    if kind == "spares" and p is not None:
        raise ValidationError("A spares mark-up is for a category, or for all spares.",
                              field="category")
    where = ((RateLine.kind == kind)
             & (RateLine.product == p.id if p else RateLine.product.is_null())
             & (RateLine.category == key if key else RateLine.category.is_null())
             & (RateLine.license == lic.id if lic else RateLine.license.is_null()))
    if amount is None:
        RateLine.delete().where(where).execute()
        return None
    value = (limits.percent(amount, "The mark-up", high=limits.MAX_MARKUP_PCT, field="amount")
             if kind == "spares" else limits.price(amount, "The rate", field="amount"))
    line = RateLine.get_or_none(where) or RateLine(kind=kind, product=p, category=key,
                                                   license=lic)
    line.amount, line.updated_at, line.updated_by = value, utcnow(), op.id
    line.save()
    return _rate_view(line)


UNITS = {"device": "per device per month", "license": "per seat per month",
         "spares": "% mark-up on cost"}


def _rate_view(line: RateLine) -> RateView:
    if line.product_id:
        key, scope, ref = line.product.name, "product", line.product.name
    elif line.license_id:
        key, scope, ref = line.license.product.name, "license", str(line.license_id)
    elif line.category:
        key, scope, ref = line.category, "category", line.category
    else:
        key, scope, ref = "all spares", "all", ""
    return RateView(line.kind, key, line.amount, UNITS[line.kind], scope, ref)


def rate_card(db: pw.Database) -> list[RateView]:
    return [_rate_view(r) for r in RateLine.select().order_by(RateLine.kind, RateLine.id)]


def set_license_period(db: pw.Database, op: OperatorRef, license: str, period: str) -> str:
    """Whether the license's cost per seat is per month or per year."""
    require(op.role, "costs")
    if period not in ("month", "year"):
        raise ValidationError("The cost per seat is per month or per year.", field="period")
    lic = _license(license)
    row = LicensePricing.get_or_none(LicensePricing.license == lic.id)
    if row is None:
        LicensePricing.create(license=lic, period=period)
    else:
        row.period = period
        row.save()
    return f"{lic.product.name}: cost per seat is per {period}"


def cost_centre(text: str) -> str:
    value = str(text).strip()
    if not value or len(value) > 100:
        raise ValidationError("Name the cost centre (up to 100 characters), e.g. CC-100.",
                              field="cost_centre")
    return value


def year(value: object) -> int:
    return limits.whole(value, "The year", low=1900, high=9999, field="year")


def set_budget(db: pw.Database, op: OperatorRef, cost_centre_: str, year_: int,
               amount: Decimal | float | int | str | None) -> Budget | None:
    """A cost centre's budget for a year (None removes it)."""
    require(op.role, "costs")
    cc, yr = cost_centre(cost_centre_), year(year_)
    where = (Budget.cost_centre == cc) & (Budget.year == yr)
    if amount is None:
        Budget.delete().where(where).execute()
        return None
    value = limits.budget(amount)
    row = Budget.get_or_none(where) or Budget(cost_centre=cc, year=yr)
    row.amount, row.updated_at, row.updated_by = value, utcnow(), op.id
    row.save()
    return row


def budgets(db: pw.Database, year_: int) -> dict[str, Decimal]:
    return {cc: amount for cc, amount in Budget.select(Budget.cost_centre, Budget.amount)
            .where(Budget.year == year_).order_by(Budget.cost_centre).tuples()}


@dataclass(frozen=True)
class CostSettings:
    """Everything the window's cost settings show, read in one go on the worker."""

    year: int
    budgets: dict[str, Decimal]
    cost_centres: list[str]  # people's and budgets' (without IT stock and unallocated)
    rates: list[RateView]
    rules: list[RuleView]
    categories: list[str]  # lower case, of products in use
    devices: list[str]  # device product names
    licenses: list[tuple[str, str]]  # (license number, "product name")


def cost_settings(db: Handle, year_: int) -> CostSettings:
    from .showback import SPECIAL, cost_centres

    db = unwrap(db)
    cats = sorted({(c or "").strip().lower() for (c,) in Product.select(Product.category)
                   .where(Product.active).tuples()} - {""})
    devices = [n for (n,) in Product.select(Product.name)
               .where(Product.active & (Product.kind == "device"))
               .order_by(Product.name).tuples()]
    lic = [(str(i), n) for i, n in License.select(License.id, Product.name).join(Product)
           .where(License.retired_on.is_null()).order_by(Product.name).tuples()]
    return CostSettings(year(year_), budgets(db, year(year_)),
                        [c for c in cost_centres(db) if c not in SPECIAL], rate_card(db),
                        depreciation_rules(db), cats, devices, lic)
