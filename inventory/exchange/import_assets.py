"""Importing serialized devices: keyed by asset tag, else serial number.

A new asset enters the ledger with one "receive" movement carrying its state (where it
is, who holds it, its status); a changed position of an existing asset is one "adjust"
movement; descriptive fields (cost, dates, notes) change without a movement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import models as m
from ..errors import PermissionDenied, ValidationError
from ..roles import require, status_action
from ..services.receiving import TAG_DIGITS, tag_prefix
from . import bulk
from . import values as v
from .catalog import Ref
from .catalog import ref_id as _id
from .planning import CHUNK, MovementWriter, Planner, Refused, Row, RowResult

# Status words of other tools (Snipe-IT's default labels among them) -> ours.
STATUS_WORDS = {
    "in stock": "in_stock", "instock": "in_stock", "ready to deploy": "in_stock",
    "available": "in_stock", "pending": "in_stock", "spare": "in_stock", "stock": "in_stock",
    "new": "in_stock", "unassigned": "in_stock",
    "deployed": "deployed", "in use": "deployed", "assigned": "deployed",
    "checked out": "deployed", "issued": "deployed", "active": "deployed",
    "in repair": "in_repair", "repair": "in_repair", "out for repair": "in_repair",
    "broken": "in_repair", "out for diagnostics": "in_repair", "rma": "in_repair",
    "faulty": "in_repair",
    "in transit": "in_transit", "shipped": "in_transit",
    "retired": "retired", "archived": "retired", "end of life": "retired",
    "lost": "lost", "stolen": "lost", "lost/stolen": "lost", "missing": "lost",
    "disposed": "disposed", "destroyed": "disposed", "recycled": "disposed",
    "scrapped": "disposed", "sold": "disposed",
}
HOLDING = ("in_stock", "deployed")  # statuses under which a holder makes it "deployed"


def parse_status(text: str) -> str | None:
    t = " ".join(text.lower().replace("_", " ").split())
    if not t:
        return None
    if t.replace(" ", "_") in m.ASSET_STATUSES:
        return t.replace(" ", "_")
    if t in STATUS_WORDS:
        return STATUS_WORDS[t]
    raise Refused(f"Status '{text}' is not one Stockroom knows. Use one of: "
                  f"{', '.join(m.ASSET_STATUSES)} (or Snipe-IT's Ready to Deploy, Deployed, "
                  "Pending, Archived, Broken, Lost/Stolen).")


@dataclass
class Known:
    """An asset already in the database, as the import compares it."""

    id: int
    tag: str
    serial: str | None
    manufacturer: str
    product: int
    status: str
    location: int | None
    holder: int | None
    purchase_cost: object
    purchase_date: object
    warranty_end: object
    due_date: object
    notes: str



def _label(r: Ref | int) -> str:
    """A looked-up record's label; a bare id is a record the catalogue did not load."""
    return r.label if isinstance(r, Ref) else f"#{r}"


class AssetPlanner(Planner):
    kind = "assets"
    keys = ("tag", "serial")

    def __init__(self, ctx):
        super().__init__(ctx)
        self.by_tag: dict[str, Known] = {}
        self.by_serial: dict[str, list[str]] = {}  # serial -> tags (any maker)
        self.by_maker_serial: dict[tuple[str, str], str] = {}
        cols = [getattr(m.Asset, f) for f in Known.__dataclass_fields__]
        for row in m.Asset.select(*cols).tuples().iterator():
            a = Known(*row)
            self._index(a.tag, a.serial, a.manufacturer, a)
        self.creates: list[dict] = []
        self.updates: list[tuple[Known, dict, bool, dict]] = []
        self.default_location = None
        if ctx.options.default_location:
            self.default_location = self.catalog.location(ctx.options.default_location)
            if self.default_location is None:
                raise ValidationError(f"No location '{ctx.options.default_location}' for "
                                      "assets without one. Pick an existing location code.")

    def _index(self, tag: str, serial: str | None, maker: str, known: Known | None) -> None:
        if known is not None:
            self.by_tag[tag.lower()] = known
        if serial:
            self.by_serial.setdefault(serial.lower(), []).append(tag)
            self.by_maker_serial[(maker.lower(), serial.lower())] = tag

    # -- planning --------------------------------------------------------------------
    def plan(self, row: Row) -> RowResult:
        tag, serial = row.text("tag"), row.text("serial")
        if not tag and not serial:
            raise Refused("No asset tag and no serial number: give at least one.")
        if tag:
            self.check_once("Asset tag", tag)
        if serial:
            self.check_once("Serial", serial)
        known = self.by_tag.get(tag.lower()) if tag else None
        if known is None and not tag:
            owners = self.by_serial.get(serial.lower(), [])
            if len(owners) > 1:
                raise Refused(f"Serial {serial} belongs to {len(owners)} assets "
                              f"({', '.join(owners[:3])}); add the Asset tag column.")
            if owners:
                known = self.by_tag.get(owners[0].lower())
        product = self._product(row, known)
        # An int is the stored asset's own product (the row names no model).
        maker = (product.manufacturer if isinstance(product, Ref)
                 else known.manufacturer if known is not None else "")
        if serial:
            owner = self.by_maker_serial.get((maker.lower(), serial.lower()))
            if owner is not None and (known is None or owner.lower() != known.tag.lower()):
                raise Refused(f"Serial {serial} ({maker or 'no maker'}) is already asset "
                              f"{owner}. Fix the tag or the serial.")
        status, holder, checkout_loc, note = self._holder_and_status(row, known)
        needed = status_action(known.status if known else None, status)
        if needed is not None:
            try:
                require(self.ctx.op.role, needed)
            except PermissionDenied as exc:  # the role the matching service needs
                raise Refused(f"status {known.status if known else 'new'} → {status}: "
                              f"{exc}") from None
        location = self._location(row, known, holder, checkout_loc)
        facts = self._facts(row)
        supplier = self._supplier(row)
        ref = row.text("order_number")
        memo = self.ctx.note(row.number) + (f"; supplier {supplier}" if supplier else "")
        if tag:
            self.seen_on("Asset tag", tag, row.number)
        if serial:
            self.seen_on("Serial", serial, row.number)
        if known is None:
            self.creates.append(dict(
                tag=tag, serial=serial or None, manufacturer=maker, product=product,
                status=status, location=location, holder=holder,
                due_date=facts.get("due_date") if status == "deployed" else None,
                purchase_cost=facts.get("purchase_cost"),
                purchase_date=facts.get("purchase_date"),
                warranty_end=facts.get("warranty_end"), notes=facts.get("notes", ""),
                _ref=ref, _note=memo))
            if serial:
                self.by_maker_serial[(maker.lower(), serial.lower())] = tag or f"row {row.number}"
            where = f"at {_label(location)}" + (f", held by {_label(holder)}" if holder else "")
            news = [f"new {r.table} {r.label}" for r in (product, location, holder)
                    if isinstance(r, Ref) and r.new]
            msg = f"{product.label if isinstance(product, Ref) else ''}, {status} {where}"
            msg += (f" ({'; '.join(news)})" if news else "") + (f"; {note}" if note else "")
            return RowResult(row.number, "create", tag or f"(new tag) {serial}", msg)
        return self._plan_update(row, known, product, maker, serial, status, location,
                                 holder, facts, ref, memo, note)

    def _product(self, row: Row, known: Known | None) -> Ref | int:
        model, part = row.text("model"), row.text("model_number")
        if not model and not part:
            if known is not None:
                return known.product
            raise Refused("No model: fill the Model column (the product name).")
        p = self.catalog.product(model, part=part, name=model)
        if p is None:
            shown = model or part
            if not self.ctx.options.create_missing:
                raise Refused(f"Unknown model '{shown}'. Add it to the catalogue, or import "
                              "with 'create missing models and locations'.")
            if not model:
                raise Refused(f"Unknown model number '{part}' and no Model name to create "
                              "the product with.")
            p = self.catalog.new_product(model, "device", manufacturer=row.text("manufacturer"),
                                         category=row.text("category"), part_number=part)
        elif p.kind != "device":
            raise Refused(f"{p.label} is a {p.kind}, counted by quantity: import it as stock, "
                          "not as a device.")
        return p

    def _holder_and_status(self, row: Row, known: Known | None):
        """(status, holder, location it is checked out to, note) after this row."""
        status = parse_status(row.text("status"))
        who, badge = row.text("holder"), row.text("holder_id")
        holder: Ref | int | None = None
        checkout_loc, note = None, ""
        if who or badge:
            holder, why = self.catalog.person(who, employee_id=badge)
            if holder is None and not badge:
                checkout_loc = self.catalog.location(who)  # checked out to a place
            if holder is None and checkout_loc is None:
                if self.ctx.options.create_missing and badge:
                    holder = self.catalog.new_person(badge, who or badge)
                else:
                    hint = "" if badge else ", or give their employee id"
                    raise Refused(f"Checked out to: {why}. Import people first{hint}.")
            if status in (None, *HOLDING):
                status = "deployed"
            else:
                note = f"not held by {who or badge}: the status is {status}"
                holder = checkout_loc = None
        elif row.has("holder") or row.has("holder_id"):
            # Nobody holds it now; a device checked in since the last export is in stock.
            if status is None:
                status = "in_stock" if known is None or known.status == "deployed" \
                    else known.status
        else:
            status = status or (known.status if known else "in_stock")
            if known is not None and status == "deployed":
                holder = known.holder
        if status != "deployed":
            holder = None
        return status, holder, checkout_loc, note

    def _location(self, row: Row, known: Known | None, holder, checkout_loc) -> Ref | int:
        text = row.text("location")
        if text:
            loc = self.catalog.location(text)
            if loc is None:
                if not self.ctx.options.create_missing:
                    raise Refused(f"Unknown location '{text}'. Add it under Locations, or "
                                  "import with 'create missing models and locations'.")
                loc = self.catalog.new_location(text, "stockroom")
            return loc
        if checkout_loc is not None:
            return checkout_loc
        if known is not None and known.location is not None:
            return known.location
        if isinstance(holder, Ref) and holder.site_id:
            return self.catalog.location_by_id(holder.site_id) or holder.site_id
        if self.default_location is not None:
            return self.default_location
        raise Refused("No location: fill the Location column, or choose a default location "
                      "for assets without one.")

    def _facts(self, row: Row) -> dict:
        """Descriptive fields the row fills (an empty cell keeps what is stored)."""
        facts: dict = {}
        if row.has("purchase_date"):
            facts["purchase_date"] = row.date("purchase_date")
        if row.has("purchase_cost"):
            cost = row.decimal("purchase_cost")
            if cost is not None and cost < 0:
                raise Refused(f"{self.ctx.label('purchase_cost')}: a cost cannot be negative.")
            facts["purchase_cost"] = cost
        months = row.months("warranty_months") if row.has("warranty_months") else None
        if row.has("warranty_end"):
            raw = row.raw("warranty_end")
            try:
                facts["warranty_end"] = v.parse_date(raw, day_first=self.ctx.day_first)
            except ValueError:
                try:  # "Warranty: 36 months" under a warranty-end header
                    months = v.parse_months(raw)
                except ValueError:
                    raise Refused(f"{self.ctx.label('warranty_end')}: '{raw}' is neither a "
                                  "date nor a number of months.") from None
        if not facts.get("warranty_end") and months and facts.get("purchase_date"):
            facts["warranty_end"] = v.add_months(facts["purchase_date"], months)
        if row.has("due_date"):
            facts["due_date"] = row.date("due_date")
        notes = row.kept_notes()
        if notes:
            facts["notes"] = notes
        return {k: x for k, x in facts.items() if x is not None}

    def _supplier(self, row: Row) -> str:
        name = row.text("supplier")
        if name and self.catalog.supplier(name) is None and self.ctx.options.create_missing:
            self.catalog.new_supplier(name)
        return name

    def _plan_update(self, row, known: Known, product, maker, serial, status, location,
                     holder, facts, ref, memo, note) -> RowResult:
        changes: dict = {}
        words: list[str] = []

        def label(x) -> str:
            return x.label if isinstance(x, Ref) else ("—" if x is None else str(x))

        if _id(product) != known.product or isinstance(product, Ref) and product.new:
            changes.update(product=product, manufacturer=maker)
            words.append(f"model → {label(product)}")
        if serial and serial != known.serial:
            changes["serial"] = serial
            words.append(f"serial {known.serial or '—'} → {serial}")
        if status != known.status:
            changes["status"] = status
            words.append(f"status {known.status} → {status}")
        for field, new in (("location", location), ("holder", holder)):
            if _id(new) != getattr(known, field) or isinstance(new, Ref) and new.new:
                changes[field] = new
                words.append(f"{field} → {label(new) if new is not None else 'nobody'}")
        for field in ("purchase_cost", "purchase_date", "warranty_end", "notes"):
            if field in facts and facts[field] != getattr(known, field):
                changes[field] = facts[field]
                words.append(f"{field.replace('_', ' ')} → {facts[field]}")
        due = facts.get("due_date") if status == "deployed" else None
        if ("due_date" in facts or status != "deployed") and due != known.due_date:
            changes["due_date"] = due
            words.append(f"due back → {due or '—'}")
        if not changes:
            return RowResult(row.number, "unchanged", known.tag, "already as in the file")
        moved = bool({"status", "location", "holder"} & set(changes))
        self.updates.append((known, changes, moved, dict(_ref=ref, _note=memo)))
        msg = "; ".join(words) + (f"; {note}" if note else "")
        return RowResult(row.number, "update", known.tag, msg)

    # -- writing ---------------------------------------------------------------------
    def _assign_tags(self) -> None:
        missing = [c for c in self.creates if not c["tag"]]
        if not missing:
            return
        prefix = tag_prefix()
        used = set(self.by_tag) | {c["tag"].lower() for c in self.creates if c["tag"]}
        top = 0
        for t in used:
            rest = t[len(prefix):]
            if t.startswith(prefix.lower()) and len(rest) == TAG_DIGITS and rest.isdigit():
                top = max(top, int(rest))
        for c in missing:
            top += 1
            c["tag"] = f"{prefix}{top:0{TAG_DIGITS}d}"

    def apply(self, tick: Callable[[int], None]) -> int:
        self._assign_tags()
        ledger = MovementWriter(self.ctx)
        names = ("tag", "serial", "manufacturer", "product", "status", "location", "holder",
                 "due_date", "purchase_cost", "purchase_date", "warranty_end", "notes")
        fields = [getattr(m.Asset, f) for f in names]
        for i in range(0, len(self.creates), CHUNK):
            chunk = self.creates[i:i + CHUNK]
            bulk.insert(m.Asset, fields, [tuple(_id(c[f]) for f in names) for c in chunk])
            ids = dict(m.Asset.select(m.Asset.tag, m.Asset.id)
                       .where(m.Asset.tag.in_([c["tag"] for c in chunk])).tuples())
            for c in chunk:
                holder = _id(c["holder"])
                ledger.add("receive", _id(c["product"]), asset=ids[c["tag"]],
                           to_location=_id(c["location"]), person=holder, holder=holder,
                           asset_status=c["status"], reference=c["_ref"], note=c["_note"],
                           unit_cost=c.get("purchase_cost"))
            tick(len(chunk))
        groups: dict[tuple[str, ...], list[tuple]] = {}
        for known, changes, moved, extra in self.updates:
            values = {k: _id(x) for k, x in changes.items()}
            cols = tuple(sorted(values))
            groups.setdefault(cols, []).append(tuple(values[c] for c in cols) + (known.id,))
            if moved:
                status = values.get("status", known.status)
                holder = values.get("holder", known.holder if status == "deployed" else None)
                ledger.add("adjust", values.get("product", known.product), asset=known.id,
                           from_location=known.location,
                           to_location=values.get("location", known.location),
                           person=holder or known.holder, holder=holder, asset_status=status,
                           reference=extra["_ref"], note=extra["_note"])
        for cols, rows in groups.items():
            for i in range(0, len(rows), CHUNK):
                bulk.update(m.Asset, [getattr(m.Asset, c) for c in cols], rows[i:i + CHUNK])
                tick(len(rows[i:i + CHUNK]))
        ledger.flush()
        return ledger.written
