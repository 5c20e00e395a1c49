"""Importing people (keyed by employee id), locations (by code) and suppliers (by name).

An empty cell leaves the stored value as it is: a partial export never blanks out what
Stockroom already knows.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import models as m
from ..clock import today
from .catalog import Ref
from .catalog import ref_id as _id
from .planning import Planner, Refused, Row, RowResult

LOCATION_KIND_WORDS = {
    "office": "site", "building": "site", "campus": "site", "branch": "site",
    "store room": "stockroom", "storeroom": "stockroom", "warehouse": "stockroom",
    "shelf": "stockroom", "bin": "stockroom", "room": "stockroom", "cabinet": "stockroom",
    "third party logistics": "3pl", "logistics": "3pl",
    "managed service provider": "msp", "repairs": "repair", "workshop": "repair",
    "transit": "in_transit", "in transit": "in_transit", "scrap": "disposal",
}



def _changes(known: dict, values: dict) -> dict:
    return {k: x for k, x in values.items()
            if x not in (None, "") and (isinstance(x, Ref) and x.new or _id(x) != known[k])}


def _describe(changes: dict) -> str:
    return "; ".join(f"{k.replace('_', ' ')} → {x.label if isinstance(x, Ref) else x}"
                     for k, x in changes.items())


class PeoplePlanner(Planner):
    kind = "people"
    keys = ("employee_id", "name")
    FIELDS = ("name", "email", "department", "cost_centre", "site", "active", "left_on")

    def __init__(self, ctx):
        super().__init__(ctx)
        cols = [m.Person.id, m.Person.employee_id] + [getattr(m.Person, f) for f in self.FIELDS]
        self.known = {r[1].lower(): dict(zip(("id", "employee_id", *self.FIELDS), r,
                                             strict=True))
                      for r in m.Person.select(*cols).tuples().iterator()}
        self.updates: list[tuple[int, dict]] = []
        self.created = 0

    def plan(self, row: Row) -> RowResult:
        emp = row.text("employee_id")
        if not emp:
            raise Refused("No employee id: fill the Employee id column (it is their badge).")
        self.check_once("Employee id", emp)
        name = row.text("name") or " ".join(
            x for x in (row.text("first_name"), row.text("last_name")) if x)
        site = None
        if row.text("site"):
            site = self.catalog.location(row.text("site"))
            if site is None:
                if not self.ctx.options.create_missing:
                    raise Refused(f"Unknown site '{row.text('site')}'. Add it under "
                                  "Locations, or import with 'create missing'.")
                site = self.catalog.new_location(row.text("site"), "site")
        active, left_on = row.bool("active"), row.date("left_on")
        if left_on is not None and active is None:
            active = left_on > today()
        values = dict(name=name, email=row.text("email"), department=row.text("department"),
                      cost_centre=row.text("cost_centre"), site=site, active=active,
                      left_on=left_on)
        self.seen_on("Employee id", emp, row.number)
        known = self.known.get(emp.lower())
        if known is None:
            if not name:
                raise Refused(f"No name for new person {emp}: fill the Name column.")
            extra = {k: x for k, x in values.items() if x not in (None, "") and k != "name"}
            self.catalog.new_person(emp, name, **extra)
            self.created += 1
            return RowResult(row.number, "create", emp, name + (
                f" (new site {site.label})" if site is not None and site.new else ""))
        changes = _changes(known, values)
        if not changes:
            return RowResult(row.number, "unchanged", emp, "already as in the file")
        self.updates.append((known["id"], changes))
        return RowResult(row.number, "update", emp, _describe(changes))

    def apply(self, tick: Callable[[int], None]) -> int:
        from ..costing import centres  # a moved person's earlier cost centre keeps its days

        tick(self.created)  # created with the other new records
        before = {k["id"]: k["cost_centre"] for k in self.known.values()}
        for pid, changes in self.updates:
            m.Person.update(**{k: _id(x) for k, x in changes.items()}).where(
                m.Person.id == pid).execute()
            if "cost_centre" in changes:
                centres.record(pid, before.get(pid), changes["cost_centre"])
            tick(1)
        return 0


def location_kind(text: str) -> str | None:
    t = " ".join(text.lower().replace("_", " ").replace("-", " ").split())
    if not t:
        return None
    if t.replace(" ", "_") in m.LOCATION_KINDS:
        return t.replace(" ", "_")
    if t in LOCATION_KIND_WORDS:
        return LOCATION_KIND_WORDS[t]
    raise Refused(f"Kind '{text}' is not a location kind. Use one of: "
                  f"{', '.join(m.LOCATION_KINDS)}.")


class LocationPlanner(Planner):
    kind = "locations"
    keys = ("code", "name")

    def __init__(self, ctx):
        super().__init__(ctx)
        self.known = {code.lower(): dict(id=i, name=n, kind=k, parent=p, partner=pt)
                      for i, n, code, k, p, pt in m.Location.select(
                          m.Location.id, m.Location.name, m.Location.code, m.Location.kind,
                          m.Location.parent, m.Location.partner).tuples()}
        self.updates: list[tuple[int, dict]] = []
        self.later: list[tuple[Ref | int, str, int]] = []  # parents named by a later row
        self.created = 0

    def plan(self, row: Row) -> RowResult:
        code, name = row.text("code"), row.text("name")
        if not code and not name:
            raise Refused("No code and no name: give at least one.")
        known = self.known.get(code.lower()) if code else None
        if known is None and not code:
            hit = self.catalog.location(name)
            if hit is not None and not hit.new:
                known = next(k for k in self.known.values() if k["id"] == hit.id)
        self.check_once("Location", code or name)
        kind = location_kind(row.text("kind"))
        parent_text = row.text("parent")
        parent = self.catalog.location(parent_text) if parent_text else None
        deferred = bool(parent_text) and parent is None
        if deferred and not self._named_later(parent_text, row):
            raise Refused(f"Unknown parent '{parent_text}'. Put the parent in the file or "
                          "add it under Locations first.")
        if code and parent_text.lower() == code.lower() or (
                known is not None and parent is not None and parent.id == known["id"]):
            raise Refused("A location cannot be its own parent.")
        partner = row.text("partner")
        self.seen_on("Location", code or name, row.number)
        if known is None:
            kind = kind or ("stockroom" if parent_text else "site")
            ref = self.catalog.new_location(name or code, kind, code=code, parent=parent,
                                            partner=partner)
            if deferred:
                self.later.append((ref, parent_text, row.number))
            self.created += 1
            under = f" in {parent.label if parent else parent_text}" if parent_text else ""
            return RowResult(row.number, "create", ref.values["code"],
                             f"{ref.label} ({kind}){under}")
        changes = _changes(known, dict(name=name, kind=kind, parent=parent, partner=partner))
        if deferred:
            self.later.append((known["id"], parent_text, row.number))
        if not changes and not deferred:
            return RowResult(row.number, "unchanged", code or name, "already as in the file")
        self.updates.append((known["id"], changes))
        text = _describe(changes) + (f"; parent → {parent_text}" if deferred else "")
        return RowResult(row.number, "update", code or name, text.strip("; "))

    def _named_later(self, parent_text: str, row: Row) -> bool:
        """Whether another row of the file creates the parent (resolved in `finish`)."""
        if not hasattr(self, "_file_names"):
            self._file_names = set()
            cols = self.ctx.columns
            for _, cells in self.ctx.rows:
                for f in ("code", "name"):
                    i = cols.get(f)
                    if i is not None and i < len(cells) and cells[i]:
                        self._file_names.add(str(cells[i]).strip().lower())
        return parent_text.lower() in self._file_names

    def finish(self) -> None:
        for child, parent_text, number in self.later:
            parent = self.catalog.location(parent_text)
            if parent is None:
                self.ctx.warnings.append(f"Row {number}: its parent '{parent_text}' was "
                                         "refused, so it has no parent.")
                continue
            if isinstance(child, Ref):
                child.parent = parent
            else:
                for pid, changes in self.updates:
                    if pid == child:
                        changes["parent"] = parent

    def apply(self, tick: Callable[[int], None]) -> int:
        tick(self.created)
        for lid, changes in self.updates:
            if changes:
                m.Location.update(**{k: _id(x) for k, x in changes.items()}).where(
                    m.Location.id == lid).execute()
            tick(1)
        return 0


class SupplierPlanner(Planner):
    kind = "suppliers"
    keys = ("name",)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.known = {n.lower(): dict(id=i, name=n, email=e, lead_time_days=lt)
                      for i, n, e, lt in m.Supplier.select(
                          m.Supplier.id, m.Supplier.name, m.Supplier.email,
                          m.Supplier.lead_time_days).tuples()}
        self.updates: list[tuple[int, dict]] = []
        self.created = 0

    def plan(self, row: Row) -> RowResult:
        name = row.text("name")
        if not name:
            raise Refused("No name: fill the Name column.")
        self.check_once("Supplier", name)
        lead = row.real("lead_time_days")
        if lead is not None and lead < 0:
            raise Refused("A lead time cannot be negative.")
        values = dict(email=row.text("email"), lead_time_days=lead)
        self.seen_on("Supplier", name, row.number)
        known = self.known.get(" ".join(name.lower().split()))
        if known is None:
            self.catalog.new_supplier(name, **{k: x for k, x in values.items() if x})
            self.created += 1
            return RowResult(row.number, "create", name,
                             f"lead time {lead if lead is not None else 14} days")
        changes = _changes(known, values)
        if not changes:
            return RowResult(row.number, "unchanged", name, "already as in the file")
        self.updates.append((known["id"], changes))
        return RowResult(row.number, "update", name, _describe(changes))

    def apply(self, tick: Callable[[int], None]) -> int:
        tick(self.created)
        for sid, changes in self.updates:
            m.Supplier.update(**changes).where(m.Supplier.id == sid).execute()
            tick(1)
        return 0
