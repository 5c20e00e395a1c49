"""The demo's shop: a catalogue with kits, requests in every state, a loan pool with
bookings this month, and a joiner starting next week. Written through the services (one
savepoint each, inside the demo's transaction), dated from the clock's today so that what
is upcoming is upcoming."""

from __future__ import annotations

import random
from datetime import timedelta

import peewee as pw

from . import clock
from . import models as m
from .errors import InventoryError
from .operators import OperatorRef
from .services import bookings, kit_issue, people_moves, requests, shop


def _product(name_start: str) -> str | None:
    p = (m.Product.select(m.Product.name).where(m.Product.name.startswith(name_start))
         .order_by(m.Product.id).first())
    return p.name if p else None


def load_shop(db: pw.Database, op: OperatorRef, seed: int = 7) -> None:
    rng = random.Random(seed)
    today = clock.today()
    laptops = [n for n in (_product("Lenovo ThinkPad T14"), _product("Dell Latitude 7440"))
               if n]
    dock = _product("Dell WD22TB4")
    headset = _product("Headset Evolve2 30")
    if not laptops or not dock or not headset:
        return
    lines = [(1, tuple(laptops)), (1, (dock,)), (1, (headset,))]
    if m.License.select().join(m.Product).where(m.Product.name == "Microsoft 365 E3").exists():
        lines.append((1, ("Microsoft 365 E3",)))
    shop.create_item(db, op, "Standard laptop bundle", "kit", code="KIT-LAPTOP", lines=lines,
                     description="Laptop, dock, headset and a Microsoft 365 seat for a new "
                                 "starter", price=1900)
    x1 = _product("Lenovo ThinkPad X1 Carbon")
    if x1:
        shop.create_item(db, op, "Developer bundle", "kit", code="KIT-DEV",
                         lines=[(1, (x1,)), (1, (dock,))], departments=["Engineering", "IT"],
                         description="A faster laptop and a Thunderbolt dock", price=2400)
    shop.create_item(db, op, "Spare headset", "product", code="CAT-HEADSET", product=headset,
                     auto_approve=True, price=79)

    people = [eid for (eid,) in m.Person.select(m.Person.employee_id)
              .where(m.Person.active).order_by(m.Person.id).limit(40).tuples()]
    rng.shuffle(people)
    plan = [("reserved", 3), ("requested", 4), ("approved", 6), ("fulfilled", 0),
            ("rejected", 8), ("reserved", 12), ("requested", 15)]
    for (state, days), eid in zip(plan, people, strict=False):
        try:
            # the approved one is the graduate intake: more kits than the shelves hold, so
            # it waits as committed demand on the reorder list
            intake = state == "approved"
            v = requests.create(db, op, eid, "KIT-LAPTOP", quantity=40 if intake else 1,
                                needed_by=today + timedelta(days=days),
                                note="graduate intake" if intake else
                                "new laptop for the hybrid-work rollout")
            if state == "requested":
                continue
            if state == "rejected":
                requests.reject(db, op, v.number, "the current laptop is under two years old")
                continue
            v = requests.approve(db, op, v.number)
            if state == "fulfilled":
                kit_issue.issue_kit(db, op, eid, request=v.number)
        except InventoryError:
            continue  # not enough demo stock for this one: leave it as it is
    try:
        requests.create(db, op, people[-1], "CAT-HEADSET", note="ear cushions worn out")
    except InventoryError:
        pass

    loaners = list(m.Asset.select().join(m.Product).where(
        (m.Asset.status == "in_stock") & m.Product.name.startswith("Dell Latitude 5540"))
        .order_by(m.Asset.tag).limit(4))
    for a in loaners:
        m.LoanDevice.create(asset=a)
    if len(loaners) > 3:  # one of the pool out on loan until next week
        from .services import assets

        try:
            assets.check_out(db, op, loaners[3].tag, person=people[12],
                             due=today + timedelta(days=6))
        except InventoryError:
            pass
    if loaners:
        model = loaners[0].product.name
        spans = [(loaners[0].tag, None, 2, 6), (loaners[0].tag, None, 12, 16),
                 (loaners[1].tag if len(loaners) > 1 else None, model, 4, 9),
                 (None, model, 8, 11), (None, model, 18, 24)]
        for (tag, prod, start, end), eid in zip(spans, people[8:], strict=False):
            try:
                bookings.book(db, op, eid, starts_on=today + timedelta(days=start),
                              ends_on=today + timedelta(days=end), asset=tag,
                              product=None if tag else prod, note="travel")
            except InventoryError:
                continue
    if len(people) > 20:
        try:
            people_moves.add_joiner(db, op, people[20], today + timedelta(days=7),
                                    "KIT-LAPTOP", job_role="Analyst")
        except InventoryError:
            pass
