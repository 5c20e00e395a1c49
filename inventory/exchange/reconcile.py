"""A 3PL's or MSP's stock statement against our book for that location.

Each line of the result is a match, a shortage (we book more than they hold), a surplus
(they hold more), a serial we do not know, a product code we do not know, or a device
booked somewhere else. A manager approves; the adjustments are posted in one
transaction with the statement as their reference:

- spares and consumables: a "count" movement to the statement's quantity;
- a device we book elsewhere (in stock or lost): an "adjust" movement to this location;
- a device we book here that the statement lacks: marked lost ("lost" movement).

A statement often covers part of what a partner holds (one client account, one report).
So a product we book here that the statement does not mention at all is reported "not on
the statement" and left as booked, unless the user says the statement is complete
(`complete=True`, `--complete`); then it is counted to zero (devices: marked lost). A
device missing from the serials of a product the statement does list is a shortage either
way. A statement with no lines is refused: it would otherwise zero everything.

Devices deployed, in repair or disposed are never moved by a statement: they are
listed for a person to check. Approving the same statement twice posts nothing the
second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import models as m
from ..db import Handle, unwrap
from ..errors import ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..services import find
from ..services.ledger import add_stock, record, take_stock
from . import values as v
from .catalog import Catalog
from .fields import Field, map_fields
from .reading import Table, read_table

STATEMENT_FIELDS = (
    Field("code", "Product code", aliases=(
        "sku", "item", "item code", "item number", "article", "article number", "part number",
        "part no", "material", "gtin", "ean", "upc", "product", "model", "mpn", "code")),
    Field("serial", "Serial number", aliases=("serial", "sn", "s/n", "serial no", "asset tag",
                                              "tag", "imei")),
    Field("quantity", "Quantity", aliases=("qty", "on hand", "available", "stock", "balance",
                                           "units", "qty on hand", "count", "soh")),
    Field("description", "Description", aliases=("name", "product name",
                                                 "item description", "title")),
)

STATUSES = ("match", "shortage", "surplus", "unknown_serial", "unknown_product", "elsewhere",
            "review", "not_on_statement")
STATUS_LABELS = {"match": "match", "shortage": "shortage", "surplus": "surplus",
                 "unknown_serial": "serial unknown to us", "unknown_product": "unknown product",
                 "elsewhere": "booked elsewhere", "review": "check by hand",
                 "not_on_statement": "not on the statement"}
LEFT_ALONE = "not on the statement: left as booked"


@dataclass
class Line:
    status: str
    product: str
    serial: str = ""
    asset_tag: str = ""
    book: int = 0
    statement: int = 0
    action: str = ""  # what approving posts; empty when nothing
    note: str = ""
    row: int | None = None
    # what approving needs (not shown)
    _product_id: int | None = field(default=None, repr=False)
    _asset_id: int | None = field(default=None, repr=False)

    @property
    def difference(self) -> int:
        return self.statement - self.book


@dataclass
class Reconciliation:
    location: str
    statement: str
    reference: str
    lines: list[Line]
    approved: bool = False
    posted: int = 0
    complete: bool = False

    def count(self, status: str) -> int:
        return sum(1 for ln in self.lines if ln.status == status)

    @property
    def to_post(self) -> list[Line]:
        return [ln for ln in self.lines if ln.action]

    def summary(self) -> str:
        parts = [f"{self.count(s)} {STATUS_LABELS[s]}" for s in STATUSES if self.count(s)]
        head = f"{self.statement} against {self.location}: {', '.join(parts) or 'empty'}"
        if self.count("not_on_statement"):
            head += " (left as booked: the statement is not marked complete)"
        if self.approved:
            return f"{head}; {self.posted} adjustments posted as '{self.reference}'"
        return f"{head}; {len(self.to_post)} adjustments to post on approval"

    def headers(self) -> list[str]:
        return ["Status", "Product", "Serial", "Asset tag", "Book", "Statement", "Difference",
                "Action", "Note", "Statement row"]

    def rows(self) -> list[tuple]:
        """One row per line; a line the statement does not mention has no statement figure
        (it is not a count of zero)."""
        return [(STATUS_LABELS[ln.status], ln.product, ln.serial, ln.asset_tag, ln.book,
                 *(("", "") if ln.status == "not_on_statement" else (ln.statement,
                                                                    ln.difference)),
                 ln.action, ln.note, ln.row) for ln in self.lines]


def _statement_lines(table: Table, mapping: dict[str, str]):
    cols = {f: table.headers.index(h) for f, h in mapping.items()}

    def cell(cells, name):
        i = cols.get(name)
        return v.text(cells[i]) if i is not None and i < len(cells) else ""

    for number, cells in table.rows:
        code, serial = cell(cells, "code"), cell(cells, "serial")
        try:
            qty = v.parse_int(cells[cols["quantity"]] if "quantity" in cols
                              and cols["quantity"] < len(cells) else None)
        except ValueError as exc:
            yield number, code, serial, None, f"quantity: {exc}", cell(cells, "description")
            continue
        if qty is None:
            qty = 1 if serial else None
        yield number, code, serial, qty, "", cell(cells, "description")


def _product_by_code(cat: Catalog, code: str, description: str) -> m.Product | None:
    """By GTIN (any length), part number or name; else the supplier's own part number."""
    for text in (code, description):
        if not text:
            continue
        ref = cat.product(text, part=text, name=text)
        if ref is not None:
            return m.Product.get_by_id(ref.id)
        offer = m.SupplierOffer.select().where(m.SupplierOffer.supplier_part == text).first()
        if offer is not None:
            return offer.product
    return None


def _asset_by_serial(serial: str) -> tuple[m.Asset | None, str]:
    hits = list(m.Asset.select().where(m.Asset.serial == serial).limit(2))
    if len(hits) > 1:
        return None, f"serial {serial} belongs to several assets"
    if hits:
        return hits[0], ""
    return m.Asset.get_or_none(m.Asset.tag == serial), ""


def compare(loc: m.Location, table: Table, mapping: dict[str, str],
            reference: str, complete: bool = False) -> Reconciliation:
    """Book against statement, without changing anything."""
    lines: list[Line] = []
    seen_assets: set[int] = set()
    stated_qty: dict[int, int] = defaultdict(int)
    stated_rows: dict[int, int] = {}
    device_counts: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    mentioned: set[int] = set()  # products the statement lists (by code or by serial)
    cat = Catalog()
    for number, code, serial, qty, problem, desc in _statement_lines(table, mapping):
        if problem:
            lines.append(Line("review", code or desc, serial, note=problem, row=number))
            continue
        if serial:
            a, why = _asset_by_serial(serial)
            if a is None:
                lines.append(Line("unknown_serial", code or desc, serial, statement=1,
                                  row=number, note=why or "not in Stockroom: receive it, or "
                                  "ask the partner where it came from"))
                continue
            if a.id in seen_assets:
                lines.append(Line("review", a.product.name, serial, a.tag, row=number,
                                  note="listed twice on the statement"))
                continue
            seen_assets.add(a.id)
            mentioned.add(a.product_id)
            here = a.location_id == loc.id
            if here and a.status == "in_stock":
                lines.append(Line("match", a.product.name, serial, a.tag, 1, 1, row=number))
            elif a.status in ("in_stock", "lost"):
                was = a.location.name if a.location_id else "nowhere"
                lines.append(Line("elsewhere", a.product.name, serial, a.tag, 0, 1, row=number,
                                  action=f"move to {loc.code}, in stock",
                                  note=f"booked {a.status.replace('_', ' ')} at {was}",
                                  _product_id=a.product_id, _asset_id=a.id))
            else:
                holder = f" ({a.holder.name})" if a.holder_id else ""
                lines.append(Line("review", a.product.name, serial, a.tag, 0, 1, row=number,
                                  note=f"booked {a.status.replace('_', ' ')}{holder}; check "
                                  "with the partner"))
            continue
        p = _product_by_code(cat, code, desc)
        if p is None:
            lines.append(Line("unknown_product", code or desc, statement=qty or 0, row=number,
                              note="no product with this GTIN, part number or name"))
            continue
        if qty is None or qty < 0:
            lines.append(Line("review", p.name, row=number, note="no quantity on this line"))
            continue
        names[p.id] = p.name
        mentioned.add(p.id)
        if p.kind == "device":
            device_counts[p.id] += qty
        else:
            stated_qty[p.id] += qty
            stated_rows.setdefault(p.id, number)
    # quantities: every product stated or booked here
    sl = m.StockLevel
    book = {pid: q for pid, q in sl.select(sl.product, sl.quantity).where(
        sl.location == loc.id).tuples()}
    for pid, name in m.Product.select(m.Product.id, m.Product.name).where(
            m.Product.id.in_(list(book) or [0])).tuples():
        names.setdefault(pid, name)
    for pid in sorted(set(stated_qty) | {p for p, q in book.items() if q},
                      key=lambda p: names.get(p, "")):
        have, said = book.get(pid, 0), stated_qty.get(pid, 0)
        if pid not in mentioned and not complete:
            lines.append(Line("not_on_statement", names[pid], book=have, note=LEFT_ALONE))
            continue
        status = "match" if have == said else ("shortage" if said < have else "surplus")
        action = "" if status == "match" else f"count {have} → {said}"
        lines.append(Line(status, names[pid], book=have, statement=said, action=action,
                          row=stated_rows.get(pid), _product_id=pid))
    # devices here that the statement does not list
    here = (m.Asset.select(m.Asset, m.Product).join(m.Product)
            .where((m.Asset.location == loc.id) & (m.Asset.status == "in_stock"))
            .order_by(m.Asset.tag))
    unlisted: dict[int, list[m.Asset]] = defaultdict(list)
    for a in here:
        if a.id not in seen_assets:
            unlisted[a.product_id].append(a)
    for pid, count in device_counts.items():  # model counts without serials
        booked = sum(1 for a in here if a.product_id == pid)
        status = "match" if booked == count else "review"
        lines.append(Line(status, names[pid], book=booked, statement=count,
                          note="" if status == "match" else "counted without serials: ask "
                          "the partner for the serial numbers"))
        unlisted.pop(pid, None)
    for pid, assets_ in unlisted.items():
        for a in assets_:
            if pid not in mentioned and not complete:
                lines.append(Line("not_on_statement", a.product.name, a.serial or "", a.tag, 1,
                                  0, note=LEFT_ALONE))
                continue
            lines.append(Line("shortage", a.product.name, a.serial or "", a.tag, 1, 0,
                              action="mark lost", note="not on the statement",
                              _product_id=a.product_id, _asset_id=a.id))
    return Reconciliation(loc.code, table.source, reference, lines, complete=complete)


def _post(op: OperatorRef, loc: m.Location, rec: Reconciliation) -> int:
    posted = 0
    for ln in rec.to_post:
        note = f"3PL statement {rec.statement}" + (f" row {ln.row}" if ln.row else "")
        if ln._asset_id is None:
            delta = ln.difference
            p = m.Product.get_by_id(ln._product_id)
            if delta > 0:
                add_stock(p.id, loc.id, delta)
                record(op, "count", p, quantity=delta, to_location=loc, reference=rec.reference,
                       source="import", note=note, unit_cost=p.unit_cost)
            else:
                take_stock(p, loc, -delta, keep_reserved=False)
                record(op, "count", p, quantity=-delta, from_location=loc,
                       reference=rec.reference, source="import", note=note,
                       unit_cost=p.unit_cost)
        elif ln.status == "elsewhere":
            a = m.Asset.get_by_id(ln._asset_id)
            m.Asset.update(status="in_stock", location=loc.id, holder=None, due_date=None).where(
                m.Asset.id == a.id).execute()
            record(op, "adjust", a.product_id, asset=a, from_location=a.location_id,
                   to_location=loc, asset_status="in_stock", reference=rec.reference,
                   source="import", note=note)
        else:  # on our book here, not on the statement
            a = m.Asset.get_by_id(ln._asset_id)
            m.Asset.update(status="lost", holder=None, due_date=None).where(
                m.Asset.id == a.id).execute()
            record(op, "lost", a.product_id, asset=a, from_location=loc, to_location=loc,
                   asset_status="lost", reference=rec.reference, source="import", note=note)
        posted += 1
    return posted


def reconcile(db: Handle, op: OperatorRef, path: str | Path, location: str, *,
              approve: bool = False, reference: str | None = None,
              mapping: dict[str, str] | None = None, sheet: str | None = None,
              table: Table | None = None, complete: bool = False) -> Reconciliation:
    """Compare the statement in `path` with the book at `location`; post if `approve`.

    `complete`: the statement lists everything the partner holds, so products it leaves
    out are counted to zero; otherwise they are reported and left alone."""
    db = unwrap(db)
    require(op.role, "adjust" if approve else "view")
    table = table or read_table(path, sheet=sheet)
    if not table.rows:
        raise ValidationError(f"{table.source} lists nothing (no lines under its header): "
                              "nothing compared, nothing changed. Ask the partner for the "
                              "statement with its stock lines.")
    mapping = mapping or map_fields(table.headers, STATEMENT_FIELDS)
    if "code" not in mapping and "serial" not in mapping:
        raise ValidationError(f"{table.source} has no column for a product code or a serial "
                              f"number (its columns: {', '.join(table.headers[:8])}). Rename "
                              "the column, e.g. to 'SKU' or 'Serial'.")
    ref = (reference or f"statement {table.source}")[:255]
    with db.atomic():
        loc = find.location(location)
        rec = compare(loc, table, mapping, ref, complete)
        if approve:
            rec.posted = _post(op, loc, rec)
            rec.approved = True
    return rec
