"""Supplier offers: who sells a product, at what price, in what pack, how fast.

An offer gives the reorder engine a quoted lead time (and so a reorder point) and a
price for purchase orders. One offer per supplier and product; at most one preferred
offer per product (marking one preferred clears the others).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import peewee as pw

from .. import limits
from .. import models as m
from ..errors import Duplicate, NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..views import OfferView
from . import find
from .find import SUPPLIER_HOW

MAX_PART = 100  # a supplier's part number


def _view(o: m.SupplierOffer) -> OfferView:
    return OfferView(o.supplier.name, Decimal(o.unit_price), o.pack_size, o.min_order,
                     float(o.lead_time_days), o.supplier_part, bool(o.preferred),
                     o.product.name)


def _supplier(name: str) -> m.Supplier:
    sup = m.Supplier.get_or_none(m.Supplier.name == (name or "").strip())
    if sup is None:
        raise NotFound(f"No supplier '{name}'. {SUPPLIER_HOW}", field="supplier")
    return sup


def _part(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_PART:
        raise ValidationError(f"The supplier's part number is {len(text)} characters long; "
                              f"at most {MAX_PART}.", field="supplier_part")
    return text


def checked(values: dict[str, Any]) -> dict[str, Any]:
    """The offer's numbers held to the domain limits (only the keys given)."""
    out = dict(values)
    if "unit_price" in out:
        out["unit_price"] = limits.price(out["unit_price"], "The unit price",
                                         field="unit_price")
    if "pack_size" in out:
        out["pack_size"] = limits.pack(out["pack_size"], "The pack size")
    if "min_order" in out:
        out["min_order"] = limits.pack(out["min_order"], "The minimum order",
                                       field="min_order")
    if "lead_time_days" in out:
        out["lead_time_days"] = limits.lead_days(out["lead_time_days"], "The offer's lead time",
                                                 field="lead_time_days")
    if "supplier_part" in out:
        out["supplier_part"] = _part(out["supplier_part"])
    if "preferred" in out:
        out["preferred"] = bool(out["preferred"])
    return out


def _only_preferred(offer_id: int, product_id: int) -> None:
    (m.SupplierOffer.update(preferred=False)
     .where((m.SupplierOffer.product == product_id) & (m.SupplierOffer.id != offer_id))
     .execute())


def _get(sup: m.Supplier, p: m.Product) -> m.SupplierOffer:
    offer = m.SupplierOffer.get_or_none((m.SupplierOffer.supplier == sup.id)
                                        & (m.SupplierOffer.product == p.id))
    if offer is None:
        raise NotFound(f"{sup.name} has no offer for {p.name}. Add one first.",
                       field="supplier")
    return offer


def add_offer(db: pw.Database, op: OperatorRef, supplier: str, product: str, *,
              unit_price: Decimal | float, lead_time_days: float, pack_size: int = 1,
              min_order: int = 1, supplier_part: str = "", preferred: bool = False) -> int:
    """A new offer (preferred: it becomes the product's only preferred offer)."""
    require(op.role, "catalog")
    values = checked(dict(unit_price=unit_price, lead_time_days=lead_time_days,
                          pack_size=pack_size, min_order=min_order,
                          supplier_part=supplier_part, preferred=preferred))
    with db.atomic():
        sup = _supplier(supplier)
        p = find.product(product)
        if m.SupplierOffer.get_or_none((m.SupplierOffer.supplier == sup.id)
                                       & (m.SupplierOffer.product == p.id)):
            raise Duplicate(f"{sup.name} already has an offer for {p.name}: edit that one.",
                            field="supplier")
        offer = m.SupplierOffer.create(supplier=sup, product=p, **values)
        if values["preferred"]:
            _only_preferred(offer.id, p.id)
        return offer.id


def update_offer(db: pw.Database, op: OperatorRef, supplier: str, product: str,
                 **changes: Any) -> OfferView:
    """Change an offer's price, pack, minimum, lead time, part number or preference."""
    require(op.role, "catalog")
    allowed = {"unit_price", "pack_size", "min_order", "lead_time_days", "supplier_part",
               "preferred"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"An offer has no {', '.join(sorted(unknown))}.")
    values = checked({k: x for k, x in changes.items() if x is not None})
    with db.atomic():
        offer = _get(_supplier(supplier), find.product(product))
        if values:
            m.SupplierOffer.update(**values).where(m.SupplierOffer.id == offer.id).execute()
        if values.get("preferred"):
            _only_preferred(offer.id, offer.product_id)
        return _view(m.SupplierOffer.get_by_id(offer.id))


def remove_offer(db: pw.Database, op: OperatorRef, supplier: str, product: str) -> OfferView:
    """Stop buying a product from a supplier (orders already made keep their prices)."""
    require(op.role, "catalog")
    with db.atomic():
        offer = _get(_supplier(supplier), find.product(product))
        view = _view(offer)
        m.SupplierOffer.delete().where(m.SupplierOffer.id == offer.id).execute()
        if view.preferred:  # the fastest remaining offer becomes the preferred one
            nxt = (m.SupplierOffer.select().where(m.SupplierOffer.product == offer.product_id)
                   .order_by(m.SupplierOffer.lead_time_days, m.SupplierOffer.id).first())
            if nxt is not None:
                m.SupplierOffer.update(preferred=True).where(
                    m.SupplierOffer.id == nxt.id).execute()
        return view


def offers_of(db: pw.Database, product: str | None = None) -> list[OfferView]:
    """Every offer (of one product), preferred first."""
    with db.atomic():
        q = (m.SupplierOffer.select(m.SupplierOffer, m.Supplier, m.Product)
             .join(m.Supplier).switch(m.SupplierOffer).join(m.Product))
        if product:
            q = q.where(m.SupplierOffer.product == find.product(product).id)
        q = q.order_by(m.Product.name, m.SupplierOffer.preferred.desc(), m.Supplier.name)
        return [_view(o) for o in q]
