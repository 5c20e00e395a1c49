"""Alerts that reach people: a digest per audience, each listing only what is new since
the last one it sent (`digest_sent` remembers the keys; an item that goes away is
forgotten, so if it comes back it is new again).

- buyers: new reorder lines;
- managers: requests awaiting approval, license renewals due;
- service desk: bookings and reservations starting tomorrow, overdue loans, leavers past
  their leaving date who still hold something.

`python main.py notify` mails them (inventory/mail.py); the window shows the same as tray
notifications for the signed-in operator's role (ui/notices.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from . import models as m
from .clock import utcnow
from .db import Handle, unwrap
from .operators import OperatorRef
from .roles import require

DIGESTS = {"buyers": "Stockroom: new reorder lines",
           "managers": "Stockroom: waiting for a manager",
           "service_desk": "Stockroom: for the service desk"}
# which digest the window shows to each role
ROLE_DIGESTS = {"supply_chain": ("buyers",), "manager": ("managers",),
                "service_desk": ("service_desk",),
                "admin": ("buyers", "managers", "service_desk")}
MAX_ITEMS = 500  # per digest and message


@dataclass(frozen=True)
class Item:
    key: str
    text: str


def _reorder(db: pw.Database, today: date) -> list[Item]:
    from .replenishment.engine import reorder_list

    out = []
    for ln in reorder_list(db, today=today):
        what = {"buy": f"buy {ln.quantity} from {ln.source or 'no supplier yet'}",
                "transfer": f"transfer {ln.quantity} from {ln.source}",
                "wait": f"wait for {ln.source}"}.get(ln.action, ln.action)
        by = f", order by {ln.order_by:%Y-%m-%d}" if ln.order_by else ""
        out.append(Item(f"reorder:{ln.product_id}:{ln.location_id}:{ln.action}",
                        f"{ln.product} at {ln.location}: {what}{by}"))
    return out


def _managers(today: date) -> list[Item]:
    from .queries.licenses import renewal_due_ids

    R = m.Request
    out = [Item(f"request:{number}", f"{number} {item} for {name} ({dept or 'no department'})"
                + (f", needed by {by:%Y-%m-%d}" if by else "") + " awaits approval")
           for number, item, name, dept, by in
           R.select(R.number, m.CatalogItem.name, m.Person.name, m.Person.department,
                    R.needed_by).join(m.CatalogItem).switch(R).join(m.Person)
           .where(R.state == "requested").order_by(R.id).tuples()]
    ids = renewal_due_ids(today)
    if ids:
        L = m.License
        for lid, name, ends in (L.select(L.id, m.Product.name, L.ends_on).join(m.Product)
                                .where(L.id.in_(ids)).order_by(L.ends_on).tuples()):
            out.append(Item(f"renewal:{lid}:{ends}",
                            f"renewal due: {name}, ends {ends:%Y-%m-%d}" if ends
                            else f"renewal due: {name}"))
    return out


def _service_desk(today: date) -> list[Item]:
    from .services.people_moves import outstanding_leavers

    tomorrow = today + timedelta(days=1)
    B = m.Booking
    out = [Item(f"booking:{number}", f"booking {number} starts tomorrow: "
                f"{tag or 'any ' + model} for {name} until {ends:%Y-%m-%d}")
           for number, tag, model, name, ends in
           B.select(B.number, m.Asset.tag, m.Product.name, m.Person.name, B.ends_on)
           .join(m.Asset, pw.JOIN.LEFT_OUTER).switch(B).join(m.Product).switch(B)
           .join(m.Person).where((B.state == "active") & (B.starts_on == tomorrow))
           .order_by(B.id).tuples()]
    R = m.Request
    out += [Item(f"ready:{number}", f"{number} {item} for {name} is needed tomorrow "
                 f"({state})")
            for number, item, name, state in
            R.select(R.number, m.CatalogItem.name, m.Person.name, R.state)
            .join(m.CatalogItem).switch(R).join(m.Person)
            .where(R.state.in_(("approved", "reserved")) & (R.needed_by == tomorrow))
            .order_by(R.id).tuples()]
    A = m.Asset
    out += [Item(f"overdue:{tag}:{due}", f"overdue loan: {tag} {model} with {name}, due "
                 f"{due:%Y-%m-%d}")
            for tag, model, name, due in
            A.select(A.tag, m.Product.name, m.Person.name, A.due_date).join(m.Product)
            .switch(A).join(m.Person, on=(A.holder == m.Person.id))
            .where((A.status == "deployed") & (A.due_date < today))
            .order_by(A.due_date, A.tag).limit(MAX_ITEMS).tuples()]
    out += [Item(f"leaver:{rl.employee_id}", f"overdue return: {rl.person} "
                 f"({rl.employee_id}) left on {rl.leaves_on:%Y-%m-%d} and still holds "
                 f"{len(rl.items)} item{'s' if len(rl.items) != 1 else ''}")
            for rl in outstanding_leavers(today)]
    return out


def collect(db: Handle, today: date, digests: tuple[str, ...] = tuple(DIGESTS)
            ) -> dict[str, list[Item]]:
    """Everything each digest would list today (new or not)."""
    db = unwrap(db)
    out: dict[str, list[Item]] = {}
    with db.atomic():
        if "buyers" in digests:
            out["buyers"] = _reorder(db, today)
        if "managers" in digests:
            out["managers"] = _managers(today)
        if "service_desk" in digests:
            out["service_desk"] = _service_desk(today)
    return {k: v[:MAX_ITEMS] for k, v in out.items()}


def sent_keys(digest: str) -> set[str]:
    return {k for (k,) in m.DigestSent.select(m.DigestSent.key)
            .where(m.DigestSent.digest == digest).tuples()}


def new_items(digest: str, items: list[Item]) -> list[Item]:
    seen = sent_keys(digest)
    return [it for it in items if it.key not in seen]


def record_sent(db: pw.Database, op: OperatorRef, digest: str, sent: list[str],
                current: list[str]) -> int:
    """Remember what a digest sent; forget what is no longer there (new again if it
    returns). One transaction."""
    require(op.role, "view")
    if digest not in DIGESTS:
        raise ValueError(f"unknown digest {digest}")
    D = m.DigestSent
    with db.atomic():
        still = set(current)
        gone = [k for k in sent_keys(digest) if k not in still]
        for i in range(0, len(gone), 500):
            D.delete().where((D.digest == digest) & D.key.in_(gone[i:i + 500])).execute()
        now = utcnow()
        rows = [{"digest": digest, "key": k, "sent_at": now} for k in sent]
        for i in range(0, len(rows), 500):
            D.insert_many(rows[i:i + 500]).on_conflict_ignore().execute()
    return len(sent)


def message(digest: str, items: list[Item], today: date) -> tuple[str, str]:
    """Subject and body of a digest."""
    n = len(items)
    subject = f"{DIGESTS[digest]} ({n} new, {today:%Y-%m-%d})"
    body = "\n".join([f"{DIGESTS[digest]}: {n} new since the last digest.", "",
                      *(f"- {it.text}" for it in items), "",
                      "Sent by `python main.py notify`. Open Stockroom for the details."])
    return subject, body
