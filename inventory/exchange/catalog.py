"""Finding the products, locations, people and suppliers that imported rows name, from
caches loaded once per import, and remembering the ones the import will create.

A `Ref` stands for a record: `id` is set for one that exists, and filled in by
`Catalog.create_pending()` for one the import creates (only in a real run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import peewee as pw

from .. import models as m
from ..codes import gtin14, gtin_valid
from .values import slug


@dataclass(eq=False)
class Ref:
    table: str
    label: str
    id: int | None = None
    kind: str = ""
    manufacturer: str = ""
    values: dict = field(default_factory=dict)  # what a pending record is created with
    parent: Ref | None = None
    site_id: int | None = None
    active: bool = True

    @property
    def new(self) -> bool:
        return self.id is None


def ref_id(ref: Any) -> Any:
    """The id of a record a row names: a Ref's (filled in once created); any other value
    (an id, a text, a number) as it is."""
    return ref.id if isinstance(ref, Ref) else ref


def _low(s: str) -> str:
    return " ".join(s.lower().split())


class Catalog:
    """Lookups for one import. Load only what the import kind needs."""

    def __init__(self) -> None:
        self.pending: list[Ref] = []
        self._products: dict[str, dict[Any, Ref | None]] | None = None
        self._locations: dict[str, dict[Any, Ref | None]] | None = None
        self._people: dict[str, dict[Any, Ref | None]] | None = None
        self._suppliers: dict[str, Ref] | None = None

    # -- products --------------------------------------------------------------------
    def _load_products(self) -> dict[str, dict[Any, Ref | None]]:
        if self._products is None:
            by: dict[str, dict[Any, Ref | None]] = {"gtin": {}, "part": {}, "name": {}}
            dup_parts: set[str] = set()
            for pid, name, kind, maker, part, gtin in m.Product.select(
                    m.Product.id, m.Product.name, m.Product.kind, m.Product.manufacturer,
                    m.Product.part_number, m.Product.gtin).tuples().iterator():
                ref = Ref("product", name, pid, kind, maker)
                if gtin:
                    by["gtin"][gtin] = ref
                if part:
                    if part.lower() in by["part"]:
                        dup_parts.add(part.lower())
                    by["part"][part.lower()] = ref
                by["name"].setdefault(_low(name), ref)
            for part in dup_parts:
                del by["part"][part]  # ambiguous: a part number shared by two products
            self._products = by
        return self._products

    def product(self, code: str = "", *, name: str = "", part: str = "") -> Ref | None:
        """By GTIN, part number or name (any of the given texts)."""
        by = self._load_products()
        for text in (code, part):
            t = text.strip()
            if not t:
                continue
            if t.isdigit() and len(t) in (8, 12, 13, 14) and gtin_valid(t):
                hit = by["gtin"].get(gtin14(t))
                if hit:
                    return hit
            hit = by["part"].get(t.lower())
            if hit:
                return hit
        for text in (name, code):
            if text.strip():
                hit = by["name"].get(_low(text))
                if hit:
                    return hit
        return None

    def new_product(self, name: str, kind: str, *, manufacturer: str = "", category: str = "",
                    part_number: str = "", gtin: str | None = None,
                    unit_cost: Decimal | None = None) -> Ref:
        by = self._load_products()
        ref = Ref("product", name.strip(), None, kind, manufacturer.strip(), dict(
            name=name.strip(), kind=kind, manufacturer=manufacturer.strip(),
            category=category.strip(), part_number=part_number.strip(),
            gtin=gtin14(gtin) if gtin else None, unit_cost=unit_cost or Decimal(0)))
        by["name"][_low(name)] = ref
        if part_number.strip():
            by["part"].setdefault(part_number.strip().lower(), ref)
        if gtin:
            by["gtin"][gtin14(gtin)] = ref
        self.pending.append(ref)
        return ref

    # -- locations -------------------------------------------------------------------
    def _load_locations(self) -> dict[str, dict[Any, Ref | None]]:
        if self._locations is None:
            by: dict[str, dict] = {"code": {}, "name": {}, "id": {}}
            ambiguous: set[str] = set()
            for lid, name, code, kind, parent, active in m.Location.select(
                    m.Location.id, m.Location.name, m.Location.code, m.Location.kind,
                    m.Location.parent, m.Location.active).tuples():
                ref = Ref("location", name, lid, kind, active=active)
                ref.values["parent_id"] = parent
                by["code"][code.lower()] = ref
                by["id"][lid] = ref
                if _low(name) in by["name"]:
                    ambiguous.add(_low(name))
                by["name"][_low(name)] = ref
            for n in ambiguous:
                del by["name"][n]
            self._locations = by
        return self._locations

    def location(self, text: str) -> Ref | None:
        by = self._load_locations()
        t = text.strip()
        return by["code"].get(t.lower()) or by["name"].get(_low(t))

    def location_by_id(self, location_id: int) -> Ref | None:
        return self._load_locations()["id"].get(location_id)

    def location_codes(self) -> set[str]:
        return set(self._load_locations()["code"])

    def new_location(self, name: str, kind: str, *, code: str = "", parent: Ref | None = None,
                     partner: str = "") -> Ref:
        by = self._load_locations()
        if not code:
            base = slug(name, "SITE-" if kind == "site" else "LOC-")
            code, n = base, 1
            while code.lower() in by["code"]:
                n += 1
                code = f"{base}-{n}"
        ref = Ref("location", name.strip() or code, None, kind, parent=parent,
                  values=dict(name=name.strip() or code, code=code, kind=kind, partner=partner))
        by["code"][code.lower()] = ref
        by["name"].setdefault(_low(name), ref)
        self.pending.append(ref)
        return ref

    # -- people ------------------------------------------------------------------------
    def _load_people(self) -> dict[str, dict[Any, Ref | None]]:
        if self._people is None:
            by: dict[str, dict[Any, Ref | None]] = {"id": {}, "email": {}, "name": {}}
            same_name: set[str] = set()
            for pid, emp, name, email, site, active in m.Person.select(
                    m.Person.id, m.Person.employee_id, m.Person.name, m.Person.email,
                    m.Person.site, m.Person.active).tuples().iterator():
                ref = Ref("person", name, pid, site_id=site, active=active)
                ref.values["employee_id"] = emp
                by["id"][emp.lower()] = ref
                if email:
                    by["email"][email.lower()] = ref
                if _low(name) in by["name"]:
                    same_name.add(_low(name))
                by["name"][_low(name)] = ref
            for n in same_name:
                by["name"][n] = None  # two people share it: a name alone is not enough
            self._people = by
        return self._people

    def person(self, text: str = "", *, employee_id: str = "") -> tuple[Ref | None, str]:
        """(person, why not found). Badge id first, then email, then a unique full name."""
        by = self._load_people()
        if employee_id.strip():
            hit = by["id"].get(employee_id.strip().lower())
            return (hit, "") if hit else (None, f"no person with employee id '{employee_id}'")
        t = text.strip()
        if not t:
            return None, ""
        tries = [t]
        paren = re.match(r"^(.*?)\s*\(([^)]+)\)\s*$", t)  # "Ann Lee (alee)"
        if paren:
            tries += [paren.group(2), paren.group(1)]
        for cand in tries:
            low = cand.lower()
            hit = by["id"].get(low) or by["email"].get(low)
            if hit:
                return hit, ""
            if _low(cand) in by["name"]:
                hit = by["name"][_low(cand)]
                if hit is None:
                    return None, f"several people are called '{cand}': give the employee id"
                return hit, ""
        return None, f"no person '{t}'"

    def people_ids(self) -> dict[Any, Ref | None]:
        return self._load_people()["id"]

    def new_person(self, employee_id: str, name: str, **values) -> Ref:
        by = self._load_people()
        ref = Ref("person", name, None, values=dict(employee_id=employee_id, name=name,
                                                    **values))
        by["id"][employee_id.lower()] = ref
        by["name"].setdefault(_low(name), ref)
        self.pending.append(ref)
        return ref

    # -- suppliers -------------------------------------------------------------------
    def supplier(self, name: str) -> Ref | None:
        if self._suppliers is None:
            self._suppliers = {_low(n): Ref("supplier", n, i) for i, n in m.Supplier.select(
                m.Supplier.id, m.Supplier.name).tuples()}
        return self._suppliers.get(_low(name))

    def new_supplier(self, name: str, **values) -> Ref:
        self.supplier(name)  # loads the suppliers
        assert self._suppliers is not None
        ref = Ref("supplier", name.strip(), None, values=dict(name=name.strip(), **values))
        self._suppliers[_low(name)] = ref
        self.pending.append(ref)
        return ref

    # -- writing -----------------------------------------------------------------------
    def create_pending(self) -> None:
        """Create every record the import added, parents before children."""
        todo = [r for r in self.pending if r.id is None]
        models = {"product": m.Product, "supplier": m.Supplier, "person": m.Person}
        locations = [r for r in todo if r.table == "location"]
        while locations:
            ready = [r for r in locations if r.parent is None or r.parent.id is not None]
            if not ready:  # a cycle was refused while planning; create the rest at the top
                ready = locations[:1]
                ready[0].parent = None
            for r in ready:
                r.id = m.Location.create(parent=r.parent.id if r.parent else None,
                                         **r.values).id
                locations.remove(r)
        for r in todo:
            if r.table in models:
                values = dict(r.values)
                if r.table == "person" and isinstance(values.get("site"), Ref):
                    values["site"] = values["site"].id
                r.id = models[r.table].create(**values).id

    def summary(self) -> list[str]:
        words = {"product": "product", "location": "location", "person": "person",
                 "supplier": "supplier"}
        return [f"new {words[r.table]}: {r.label}" + (f" ({r.kind})" if r.kind else "")
                for r in self.pending]


def exists(model: type[pw.Model]) -> bool:
    return model.select().limit(1).exists()
