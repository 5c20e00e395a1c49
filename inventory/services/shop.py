"""The catalogue of the service desk's shop: items (a product, a license or a kit) and
who may request them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from .. import limits
from .. import models as m
from ..errors import Duplicate, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import find

MAX_KIT_LINES = 50
MAX_OPTIONS = 20
MAX_TEXT = 2000


@dataclass(frozen=True)
class KitLineView:
    quantity: int
    kind: str  # device / spare / consumable / license
    options: tuple[str, ...]  # product names, preferred first
    option_ids: tuple[int, ...]

    def describe(self) -> str:
        what = " or ".join(self.options) if len(self.options) <= 3 else (
            f"one of {', '.join(self.options)}")
        seat = " seat" if self.kind == "license" else ""
        return f"{self.quantity} × {what}{seat}"


@dataclass(frozen=True)
class ItemView:
    code: str
    name: str
    kind: str
    description: str
    departments: tuple[str, ...]  # () = everyone
    price: Decimal | None
    auto_approve: bool
    lines: tuple[KitLineView, ...]

    @property
    def who_may(self) -> str:
        return ", ".join(self.departments) if self.departments else "everyone"


def departments_of(text: str) -> tuple[str, ...]:
    return tuple(d.strip() for d in text.split(",") if d.strip())


def item(code_or_name: str) -> m.CatalogItem:
    """A catalogue item by its code (the kit barcode) or its exact name."""
    text = code_or_name.strip()
    found = m.CatalogItem.get_or_none(pw.fn.UPPER(m.CatalogItem.code) == text.upper())
    if found is None:
        found = m.CatalogItem.get_or_none(pw.fn.LOWER(m.CatalogItem.name) == text.lower())
    if found is None or not found.active:
        raise NotFound(f"No catalogue item '{text}'. `catalog list` shows them; a manager or "
                       "supply chain adds items with `catalog add`.", field="item")
    return found


def item_lines(it: m.CatalogItem) -> list[KitLineView]:
    """A kit's lines; a product or license item is one line of itself."""
    if it.kind != "kit":
        p = m.Product.get_by_id(it.product_id)
        return [KitLineView(1, p.kind, (p.name,), (p.id,))]
    out = []
    lines = m.KitLine.select().where(m.KitLine.item == it.id).order_by(m.KitLine.position)
    for ln in lines:
        opts = list(m.KitOption.select(m.KitOption, m.Product).join(m.Product)
                    .where(m.KitOption.line == ln.id).order_by(m.KitOption.position))
        out.append(KitLineView(ln.quantity, opts[0].product.kind,
                               tuple(o.product.name for o in opts),
                               tuple(o.product_id for o in opts)))
    return out


def item_view(it: m.CatalogItem) -> ItemView:
    return ItemView(it.code, it.name, it.kind, it.description, departments_of(it.departments),
                    Decimal(it.price) if it.price is not None else None, bool(it.auto_approve),
                    tuple(item_lines(it)))


def _text(value: str, what: str, field: str, *, need: bool = False) -> str:
    text = (value or "").strip()
    if need and not text:
        raise ValidationError(f"{what} is required.", field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{what} is too long ({len(text):,} characters; at most "
                              f"{MAX_TEXT:,}).", field=field)
    return text


def _kit_line(options: Sequence[str], quantity: int, n: int) -> tuple[int, list[m.Product]]:
    if not options:
        raise ValidationError(f"Kit line {n} names no product.", field="lines")
    if len(options) > MAX_OPTIONS:
        raise ValidationError(f"Kit line {n} has {len(options)} alternatives; at most "
                              f"{MAX_OPTIONS}.", field="lines")
    qty = limits.quantity(quantity, f"The quantity of kit line {n}", field="lines")
    products = [find.product(code) for code in options]
    kinds = {("spare" if p.kind in m.QUANTITY_KINDS else p.kind) for p in products}
    if len(kinds) > 1:
        raise ValidationError(f"Kit line {n} mixes kinds ({', '.join(sorted(kinds))}): the "
                              "alternatives of one line are all devices, all spares or all "
                              "licenses.", field="lines")
    if products[0].kind in ("device", "license") and len({p.id for p in products}) < len(
            products):
        raise ValidationError(f"Kit line {n} names a product twice.", field="lines")
    return qty, products


def create_item(db: pw.Database, op: OperatorRef, name: str, kind: str, *,
                code: str | None = None, product: str | None = None,
                lines: Sequence[tuple[int, Sequence[str]]] = (), description: str = "",
                departments: Sequence[str] = (), price: Decimal | float | str | None = None,
                auto_approve: bool = False) -> ItemView:
    """Add a catalogue item. A kit gives `lines`: (quantity, [product, alternatives...])."""
    require(op.role, "catalog")
    name = _text(name, "A name", "name", need=True)
    description = _text(description, "The description", "description")
    if kind not in m.CATALOG_ITEM_KINDS:
        raise ValidationError(f"Kind '{kind}' is not one of {', '.join(m.CATALOG_ITEM_KINDS)}.",
                              field="kind")
    depts = ", ".join(d.strip() for d in departments if d.strip())
    _text(depts, "The list of departments", "departments")
    amount = limits.price(price, "The price", field="price") if price not in (None, "") else None
    with db.atomic():
        if m.CatalogItem.get_or_none(pw.fn.LOWER(m.CatalogItem.name) == name.lower()):
            raise Duplicate(f"A catalogue item is already called {name}.", field="name")
        the_product = None
        if kind == "kit":
            if product:
                raise ValidationError("A kit lists its products as lines, not one product.",
                                      field="product")
            if not lines:
                raise ValidationError("A kit needs at least one line.", field="lines")
            if len(lines) > MAX_KIT_LINES:
                raise ValidationError(f"A kit has at most {MAX_KIT_LINES} lines.",
                                      field="lines")
            checked = [_kit_line(opts, qty, n) for n, (qty, opts) in enumerate(lines, 1)]
        else:
            if not product:
                raise ValidationError(f"Name the {kind} this item is.", field="product")
            the_product = find.product(product)
            want = "license" if kind == "license" else None
            if want and the_product.kind != "license":
                raise ValidationError(f"{the_product.name} is not a license.", field="product")
            if kind == "product" and the_product.kind == "license":
                raise ValidationError(f"{the_product.name} is a license: add it as kind "
                                      "license.", field="product")
            checked = []
        code = (code or "").strip().upper() or _next_code(kind)
        if m.CatalogItem.get_or_none(m.CatalogItem.code == code):
            raise Duplicate(f"The code {code} is already used by another item.", field="code")
        it = m.CatalogItem.create(code=code, name=name, kind=kind, product=the_product,
                                  description=description, departments=depts, price=amount,
                                  auto_approve=auto_approve)
        for pos, (qty, products) in enumerate(checked):
            ln = m.KitLine.create(item=it, position=pos, quantity=qty)
            for i, p in enumerate(products):
                m.KitOption.create(line=ln, product=p, position=i)
        return item_view(it)


def _next_code(kind: str) -> str:
    prefix = "KIT" if kind == "kit" else "CAT"
    n = m.CatalogItem.select().count() + 1
    while m.CatalogItem.select().where(m.CatalogItem.code == f"{prefix}-{n:04d}").exists():
        n += 1
    return f"{prefix}-{n:04d}"


def may_request(it: m.CatalogItem, person: m.Person) -> None:
    """Refuse an item the person's department may not request."""
    allowed = departments_of(it.departments)
    if not allowed:
        return
    if (person.department or "").strip().lower() in {d.lower() for d in allowed}:
        return
    dept = f"in {person.department}" if person.department else "in no department"
    raise ValidationError(
        f"{it.name} may be requested for {', '.join(allowed)} only; {person.name} is {dept}. "
        "Pick another item, or ask a manager to allow the department.", field="item")


def list_items() -> list[ItemView]:
    return [item_view(it) for it in m.CatalogItem.select().where(m.CatalogItem.active)
            .order_by(m.CatalogItem.name)]
