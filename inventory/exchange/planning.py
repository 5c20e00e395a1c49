"""What every import kind shares: the options, a row's parsed cells, the context of one
run, the bulk ledger writer, and the `Planner` base that `import_assets`, `import_catalog`
and `import_stock` extend. `importer.py` drives them; this module imports none of them.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .. import limits
from .. import models as m
from ..errors import ValidationError
from ..operators import OperatorRef
from ..services import chain
from . import bulk
from . import values as v
from .catalog import Catalog
from .fields import KINDS

ACTIONS = ("create", "update", "unchanged", "refuse")
CHUNK = 2000


@dataclass
class ImportOptions:
    kind: str
    mapping: dict[str, str]  # field -> column header
    create_missing: bool = False  # create unknown models, locations, suppliers
    day_first: bool | None = None  # 03/04/2024: None = decide from the file
    decimal_comma: bool | None = None  # None = when the file is ';'-separated
    default_location: str | None = None  # for new assets whose row names none
    reference: str = ""  # ledger reference; default "import <file>"
    # columns no field takes, kept in each device's notes as "Header: value" lines
    notes_from: tuple[str, ...] = ()


@dataclass
class RowResult:
    row: int
    action: str  # one of ACTIONS
    key: str
    message: str


class Refused(Exception):
    """Raised while planning a row: the row is refused with this message."""


class Row:
    """One row's cells by field name, parsed with messages that name the column."""

    def __init__(self, ctx: Context, number: int, cells: list[object]):
        self.ctx, self.number, self.cells = ctx, number, cells

    def has(self, name: str) -> bool:
        return name in self.ctx.columns

    def raw(self, name: str) -> object:
        i = self.ctx.columns.get(name)
        return v.restore_neutralised(self.cells[i]) if i is not None and i < len(self.cells) \
            else None

    def text(self, name: str) -> str:
        return v.text(self.raw(name))

    def kept_notes(self) -> str:
        """The notes column (if mapped) followed by "Header: value" of each column kept in
        the notes, skipping empty cells."""
        parts = [self.text("notes")] if self.has("notes") else []
        for header, i in self.ctx.notes_columns:
            value = v.text(v.restore_neutralised(self.cells[i])) if i < len(self.cells) else ""
            if value:
                parts.append(f"{header}: {value}")
        return "\n".join(p for p in parts if p)

    def _parse(self, name: str, parse, **kw):
        try:
            value = parse(self.raw(name), **kw)
        except ValueError as exc:
            raise Refused(f"{self.ctx.label(name)}: {exc}") from None
        bound = limits.IMPORT_FIELDS.get(name)
        if bound is not None and value is not None:
            try:
                bound(value, self.ctx.label(name))
            except ValidationError as exc:  # the same limits as the window's
                raise Refused(str(exc)) from None
        return value

    def date(self, name: str) -> date | None:
        return self._parse(name, v.parse_date, day_first=self.ctx.day_first)

    def decimal(self, name: str) -> Decimal | None:
        return self._parse(name, v.parse_decimal, decimal_comma=self.ctx.decimal_comma)

    def int(self, name: str) -> builtins.int | None:
        return self._parse(name, v.parse_int)

    def real(self, name: str) -> float | None:
        amount = self._parse(name, v.parse_decimal, decimal_comma=self.ctx.decimal_comma)
        return None if amount is None else float(amount)

    def bool(self, name: str) -> builtins.bool | None:
        return self._parse(name, v.parse_bool)

    def months(self, name: str) -> builtins.int | None:
        return self._parse(name, v.parse_months)


@dataclass
class Context:
    op: OperatorRef
    options: ImportOptions
    source: str
    columns: dict[str, int]  # field -> column index
    catalog: Catalog
    day_first: bool = True
    decimal_comma: bool = False
    reference: str = ""
    warnings: list[str] = field(default_factory=list)
    now: object = None
    rows: list = field(default_factory=list)  # the table's rows, for planners that look ahead
    notes_columns: list[tuple[str, int]] = field(default_factory=list)  # (header, index)

    def label(self, name: str) -> str:
        header = self.options.mapping.get(name)
        label = KINDS[self.options.kind].field(name).label
        return f"{label} ('{header}')" if header and header != label else label

    def note(self, row: int) -> str:
        return f"imported from {self.source} row {row}"


class MovementWriter:
    """Ledger rows written in bulk (the service functions would take minutes at 100,000)."""

    FIELDS = [m.Movement.at, m.Movement.kind, m.Movement.product, m.Movement.asset,
              m.Movement.quantity, m.Movement.from_location, m.Movement.to_location,
              m.Movement.person, m.Movement.holder, m.Movement.asset_status,
              m.Movement.operator, m.Movement.reference, m.Movement.source, m.Movement.note,
              m.Movement.unit_cost]
    NAMES = [f.name for f in FIELDS]
    CHAINED = [*FIELDS, m.Movement.prev_hash, m.Movement.hash]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, kind: str, product: int, *, asset: int | None = None, quantity: int = 1,
            from_location: int | None = None, to_location: int | None = None,
            person: int | None = None, holder: int | None = None,
            asset_status: str | None = None, reference: str = "", note: str = "",
            unit_cost: Decimal | None = None) -> None:
        self.rows.append((self.ctx.now, kind, product, asset, quantity, from_location,
                          to_location, person, holder, asset_status, self.ctx.op.id,
                          (reference or self.ctx.reference)[:255], "import", note, unit_cost))
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            rows = list(chain.chain(m.Movement._meta.database, self.NAMES, self.rows))
            bulk.insert(m.Movement, self.CHAINED, rows)
            self.written += len(self.rows)
            self.rows = []


class Planner:
    """One import kind: `plan` each row (raise `Refused` to refuse it), then `apply`."""

    kind = ""
    needs: tuple[str, ...] = ("catalog",)  # role actions the import requires
    keys: tuple[str, ...] = ()  # fields that name the record, shown on refused rows

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.catalog = ctx.catalog
        self.seen: dict[str, int] = {}  # key -> first row, for duplicates inside the file

    def check_once(self, what: str, value: str, key: str | None = None) -> None:
        """Refuse a second row for the same record (the first accepted row is kept)."""
        first = self.seen.get(f"{what}\0{(key or value).lower()}")
        if first is not None:
            raise Refused(f"{what} {value} is also on row {first}, which is kept; give each "
                          "record one row.")

    def seen_on(self, what: str, value: str, row: int) -> None:
        self.seen.setdefault(f"{what}\0{value.lower()}", row)

    def finish(self) -> None:
        """Called once every row is planned, before anything is written."""

    def plan(self, row: Row) -> RowResult:
        raise NotImplementedError

    def apply(self, tick: Callable[[int], None]) -> int:
        """Write the accepted rows; returns how many movements were posted."""
        raise NotImplementedError
