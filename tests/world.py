"""A small, explicit world for service tests (built through the services themselves)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from inventory import models as m
from inventory.operators import OperatorRef, os_operator
from inventory.services import catalog, receiving

LAPTOP_GTIN = "05012345678900"


@dataclass
class World:
    db: object
    admin: OperatorRef

    def operator(self, role: str) -> OperatorRef:
        op = m.Operator.create(username=f"op-{role}", name=role, role=role)
        return OperatorRef(op.id, op.username, op.name, op.role)

    def movements(self) -> int:
        return m.Movement.select().count()

    def stock(self, product: str, location: str) -> int:
        sl = m.StockLevel
        q = (sl.select(sl.quantity).join(m.Product).switch(sl).join(m.Location)
             .where((m.Product.name == product) & (m.Location.code == location)))
        return q.scalar() or 0


def build(db) -> World:
    op = os_operator(db)
    catalog.create_location(db, op, "Head office", "SITE-HQ", "site")
    catalog.create_location(db, op, "HQ stockroom", "SR-HQ", "stockroom", parent="SITE-HQ")
    catalog.create_location(db, op, "Branch", "SITE-BR", "site")
    catalog.create_location(db, op, "Branch stockroom", "SR-BR", "stockroom", parent="SITE-BR")
    catalog.create_location(db, op, "HQ second room", "SR-HQ2", "stockroom", parent="SITE-HQ")
    catalog.create_location(db, op, "Northwind 3PL", "3PL-NW", "3pl", partner="Northwind")
    catalog.create_location(db, op, "Repair bench", "REPAIR", "repair", parent="SITE-HQ")
    catalog.set_transfer_lane(db, op, "3PL-NW", "SR-HQ", 2)
    catalog.create_product(db, op, "Latitude 7440", "device", manufacturer="Dell",
                           part_number="LAT7440", gtin=LAPTOP_GTIN, unit_cost=1450)
    catalog.create_product(db, op, "ThinkPad T14", "device", manufacturer="Lenovo",
                           part_number="21HD", unit_cost=1390)
    catalog.create_product(db, op, "USB-C charger 65 W", "spare", manufacturer="Dell",
                           part_number="CHG65", unit_cost=39)
    catalog.create_product(db, op, "Microsoft 365 E3", "license")
    catalog.create_person(db, op, "E1", "Ada Lovelace", site="SITE-HQ", department="IT")
    catalog.create_person(db, op, "E2", "Alan Turing", site="SITE-HQ", department="Finance")
    catalog.create_supplier(db, op, "CDW", lead_time_days=7)
    catalog.add_offer(db, op, "CDW", "CHG65", unit_price=35, lead_time_days=5, pack_size=10)
    catalog.create_license(db, op, "Microsoft 365 E3", 2, starts_on=date(2026, 1, 1),
                           ends_on=date(2027, 1, 1), cost_per_seat=36)
    receiving.receive(db, op, "SR-HQ", [
        receiving.ReceiptLine("LAT7440", serials=["SN-A", "SN-B", "SN-C"]),
        receiving.ReceiptLine("CHG65", quantity=10),
    ])
    return World(db, op)
