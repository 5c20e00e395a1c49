"""What goes on each label: the code the barcode holds (exactly what the scan station
resolves: asset tag, location code, employee id, command code) and the human-readable
lines printed beside or under it."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.exchange.tables import Filters, table

SOURCES = ("assets", "locations", "people", "commands")


@dataclass(frozen=True)
class LabelContent:
    code: str  # encoded in the barcode and printed as the first text line
    detail: str = ""  # the second line: model, location name, person, command meaning
    kind: str = ""  # asset, location, person, command

    @property
    def title(self) -> str:
        return self.code


def asset_labels(filters: Filters | None = None) -> list[LabelContent]:
    """Asset tags (model and serial beneath). Call inside a database transaction."""
    out = []
    for row in table("assets", filters).rows:
        tag, serial, model = row[0], row[1], row[2]
        detail = model + (f" · SN {serial}" if serial else "")
        out.append(LabelContent(tag, detail, "asset"))
    return out


def location_labels(filters: Filters | None = None) -> list[LabelContent]:
    return [LabelContent(code, name, "location")
            for code, name, *_ in table("locations", filters).rows]


def people_labels(filters: Filters | None = None) -> list[LabelContent]:
    """Badges: the employee id is what the scanner reads."""
    out = []
    for emp, name, _email, dept, *_ in table("people", filters).rows:
        out.append(LabelContent(emp, name + (f" · {dept}" if dept else ""), "person"))
    return out


def command_labels() -> list[LabelContent]:
    """The scan station's command sheet (CHECK-IN, DONE, UNDO, quantities...)."""
    try:
        from scanners.parse import COMMAND_CODES
    except ImportError:  # the scanners package without its parser: nothing to print
        return []
    return [LabelContent(code, label, "command") for code, label in COMMAND_CODES.items()]


def kit_labels(filters: Filters | None = None) -> list[LabelContent]:
    """The catalogue's kits: scanning the label at the station starts issuing that kit."""
    from inventory.queries.requests import item_choices

    search = (filters.search or "").lower() if filters is not None else ""
    return [LabelContent(c.code, c.label.rsplit(" · ", 1)[0], "kit")
            for c in item_choices(("kit",)) if search in c.label.lower()]


def labels_for(source: str, filters: Filters | None = None) -> list[LabelContent]:
    if source == "assets":
        return asset_labels(filters)
    if source == "locations":
        return location_labels(filters)
    if source == "people":
        return people_labels(filters)
    if source == "commands":
        return command_labels()
    if source == "kits":
        return kit_labels(filters)
    raise ValueError(f"No labels for '{source}'. Print one of: {', '.join(SOURCES)}.")
