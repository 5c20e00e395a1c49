"""The small service-test world plus a shop: a laptop bundle kit, docks and headsets."""

from __future__ import annotations

from inventory import models as m
from inventory.operations import execute
from inventory.services import catalog, receiving
from inventory.shop_commands import CreateCatalogItem

from .world import World, build

BUNDLE = "Standard laptop bundle"


def build_shop(db) -> World:
    world = build(db)
    op = world.admin
    catalog.create_product(db, op, "USB-C dock", "spare", manufacturer="Dell",
                           part_number="DOCK-WD19", unit_cost=180)
    catalog.create_product(db, op, "Headset", "spare", manufacturer="Jabra",
                           part_number="EVOLVE2", unit_cost=90)
    catalog.create_person(db, op, "E3", "Aisha Park", site="SITE-HQ", department="IT")
    catalog.add_offer(db, op, "CDW", "DOCK-WD19", unit_price=170, lead_time_days=10)
    receiving.receive(db, op, "SR-HQ", [
        receiving.ReceiptLine("21HD", serials=["TP-1"]),
        receiving.ReceiptLine("DOCK-WD19", quantity=3),
        receiving.ReceiptLine("EVOLVE2", quantity=5),
    ])
    execute(db, op, CreateCatalogItem(
        BUNDLE, "kit", code="KIT-LAPTOP",
        lines=((1, ("ThinkPad T14", "Latitude 7440")), (1, ("DOCK-WD19",)),
               (1, ("EVOLVE2",)), (1, ("Microsoft 365 E3",))),
        departments=("IT", "Engineering"), price="1900"))
    execute(db, op, CreateCatalogItem("Spare headset", "product", code="CAT-HEADSET",
                                      product="EVOLVE2", auto_approve=True))
    return world


def stock_row(product: str, location: str) -> tuple[int, int]:
    """(on hand, reserved) of a product at a location."""
    sl = m.StockLevel
    row = (sl.select(sl.quantity, sl.reserved).join(m.Product).switch(sl).join(m.Location)
           .where((m.Product.name == product) & (m.Location.code == location)).tuples().first())
    return tuple(row) if row else (0, 0)


def role(world: World, name: str):
    """The operator with this role (made once per world)."""
    from inventory.operators import OperatorRef

    found = m.Operator.get_or_none(m.Operator.username == f"op-{name}")
    if found is None:
        return world.operator(name)
    return OperatorRef(found.id, found.username, found.name, found.role)
