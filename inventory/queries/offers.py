"""Supplier offers of one product, for the detail pane and the offer dialogs."""

from __future__ import annotations

from decimal import Decimal

from .. import models as m
from ..views import OfferView as OfferRow  # the same shape the offer services return


def for_product(product_id: int) -> list[OfferRow]:
    """The product's offers, the preferred one first, then by supplier name."""
    o = m.SupplierOffer
    return [OfferRow(name, Decimal(price), pack, minimum, float(lead), part, bool(pref))
            for name, price, pack, minimum, lead, part, pref in
            o.select(m.Supplier.name, o.unit_price, o.pack_size, o.min_order,
                     o.lead_time_days, o.supplier_part, o.preferred)
            .join(m.Supplier).where(o.product == product_id)
            .order_by(o.preferred.desc(), m.Supplier.name).tuples()]
