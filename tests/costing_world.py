"""A small world for the cost model's known-answer tests, written through the operations
layer on the days the test names (the clock is pinned to each day in turn)."""

from __future__ import annotations

from datetime import date

from inventory import clock, operations
from inventory import models as m
from inventory.commands import (
    AssignSeat,
    CheckIn,
    CheckOut,
    CreateLocation,
    CreatePerson,
    CreateProduct,
    EditPerson,
    Issue,
    NewLicense,
    Receive,
    ReleaseSeat,
)
from inventory.operators import os_operator
from inventory.services.receiving import ReceiptLine


class CostWorld:
    """Two cost centres (CC-A: Ada, CC-B: Bob), one laptop bought for 3,600 in January
    2026 (36 months: 100 a month), a charger spare at 39, a license of 2 seats at 30 a
    seat per month."""

    def __init__(self, db, monkeypatch):
        self.db, self.mp = db, monkeypatch
        self.op = os_operator(db)
        self.on(date(2026, 1, 15))
        self.run(CreateLocation("HQ", "SITE-HQ", "site"),
                 CreateLocation("HQ stockroom", "SR-HQ", "stockroom", parent="SITE-HQ"),
                 CreateLocation("Repair bench", "REPAIR", "repair"),
                 CreateProduct("Latitude 7440", "device", options=(
                     ("category", "Laptop"), ("unit_cost", 3600), ("part_number", "LAT"))),
                 CreateProduct("Charger 65 W", "spare", options=(
                     ("category", "Power"), ("unit_cost", 39), ("part_number", "CHG"))),
                 CreateProduct("Office suite", "license"),
                 CreatePerson("E1", "Ada Lovelace", cost_centre="CC-A", department="Finance",
                              site="SITE-HQ"),
                 CreatePerson("E2", "Bob Marley", cost_centre="CC-B", department="Sales",
                              site="SITE-HQ"))
        self.run(Receive("SR-HQ", (ReceiptLine("LAT", serials=["SN-1"]),
                                   ReceiptLine("CHG", quantity=10)),
                         purchase_date=date(2026, 1, 15)))
        self.laptop = m.Asset.get(m.Asset.serial == "SN-1").tag
        self.run(NewLicense("Office suite", 2, starts_on=date(2026, 1, 1),
                            options=(("cost_per_seat", 30),)))
        self.license = m.License.select().first().id

    def on(self, day: date) -> None:
        self.mp.setenv(clock.ENV, day.isoformat())

    def run(self, *commands):
        return operations.execute_all(self.db, self.op, list(commands))

    # -- the month of March 2026 -------------------------------------------------------
    def march(self) -> None:
        """Ada holds the laptop 1–10 March, it is in stock 11–20, Bob holds it 21–31;
        Ada's seat moves to Bob on 16 March; Bob is issued 3 chargers on 5 March."""
        self.on(date(2026, 3, 1))
        self.run(CheckOut(self.laptop, person="E1"),
                 AssignSeat(self.license, person="E1"))
        self.on(date(2026, 3, 5))
        self.run(Issue("CHG", 3, person="E2"))
        self.on(date(2026, 3, 11))
        self.run(CheckIn(self.laptop))
        self.on(date(2026, 3, 16))
        self.run(ReleaseSeat(self.license, person="E1"), AssignSeat(self.license, person="E2"))
        self.on(date(2026, 3, 21))
        self.run(CheckOut(self.laptop, person="E2"))

    def move(self, employee_id: str, cost_centre: str, day: date) -> None:
        """The person moves to another cost centre on `day` (an edit in the window)."""
        self.on(day)
        person = m.Person.get(m.Person.employee_id == employee_id).id
        self.run(EditPerson(person, (("cost_centre", cost_centre),)))

    def damage(self, day: date) -> None:
        self.on(day)
        self.run(CheckIn(self.laptop, damaged=True))
