"""Import a table of rows: plan every row (create, update, unchanged or refused, and why),
then — unless it is a dry run — write every accepted row in one transaction.

The plan and the writes happen inside the same transaction, so what the dry run showed
is what the real run does, and an import that fails or is killed part-way leaves the
database exactly as it was. Imported rows enter the ledger as movements with source
"import", so `verify` stays ok.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import peewee as pw

from .. import limits
from .. import models as m
from ..clock import utcnow
from ..dberrors import driver_errors, translate
from ..errors import ValidationError
from ..operators import OperatorRef
from ..roles import require
from ..services import chain
from . import bulk
from . import values as v
from .catalog import Catalog
from .fields import KINDS, check_mapping, resolve_kind
from .reading import Table

Progress = Callable[[str, int, int], None]  # (stage, done, total); raise to abandon
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


@dataclass
class RowResult:
    row: int
    action: str  # one of ACTIONS
    key: str
    message: str


@dataclass
class ImportReport:
    kind: str
    source: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created_records: list[str] = field(default_factory=list)
    blank_rows: int = 0
    seconds: float = 0.0
    movements: int = 0

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "refuse"]

    def summary(self) -> str:
        words = {"create": "to create", "update": "to update", "unchanged": "unchanged",
                 "refuse": "refused"} if self.dry_run else {
            "create": "created", "update": "updated", "unchanged": "unchanged",
            "refuse": "refused"}
        parts = [f"{self.count(a)} {w}" for a, w in words.items()]
        extra = f"; {len(self.created_records)} new catalogue records" \
            if self.created_records else ""
        blank = f"; {self.blank_rows} blank rows skipped" if self.blank_rows else ""
        rows = f"{len(self.rows)} row{'' if len(self.rows) == 1 else 's'}"
        return f"{rows} of {self.kind}: {', '.join(parts)}{extra}{blank}"


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
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def text(self, name: str) -> str:
        return v.text(self.raw(name))

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

    def int(self, name: str) -> int | None:
        return self._parse(name, v.parse_int)

    def real(self, name: str) -> float | None:
        amount = self._parse(name, v.parse_decimal, decimal_comma=self.ctx.decimal_comma)
        return None if amount is None else float(amount)

    def bool(self, name: str) -> bool | None:
        return self._parse(name, v.parse_bool)

    def months(self, name: str) -> int | None:
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
    needs = ("catalog",)  # role actions the import requires
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


def _planners() -> dict[str, type[Planner]]:
    from .import_assets import AssetPlanner
    from .import_catalog import LocationPlanner, PeoplePlanner, SupplierPlanner
    from .import_stock import LicensePlanner, StockPlanner

    return {p.kind: p for p in (AssetPlanner, StockPlanner, PeoplePlanner, LocationPlanner,
                                SupplierPlanner, LicensePlanner)}


DATE_FIELDS = ("purchase_date", "warranty_end", "due_date", "left_on", "starts_on", "ends_on")


def guess_day_first(table: Table, columns: dict[str, int]) -> tuple[bool | None, bool]:
    """(day first?, were any dates ambiguous) from the file's own local dates."""
    idx = [i for f, i in columns.items() if f in DATE_FIELDS]
    day_first = month_first = ambiguous = False
    for _, cells in table.rows:
        for i in idx:
            parts = v.slash_parts(cells[i]) if i < len(cells) else None
            if parts is None:
                continue
            a, b = parts
            day_first |= a > 12
            month_first |= b > 12
            ambiguous |= a <= 12 and b <= 12 and a != b
    if day_first and month_first:
        return None, ambiguous
    if day_first or month_first:
        return day_first, False
    return None, ambiguous


def prepare(table: Table, options: ImportOptions, op: OperatorRef) -> Context:
    kind = resolve_kind(options.kind)
    options.kind = kind
    check_mapping(kind, options.mapping, table.headers)
    columns = {f: table.headers.index(h) for f, h in options.mapping.items()}
    ctx = Context(op, options, table.source, columns, Catalog(),
                  reference=(options.reference or f"import {table.source}")[:255],
                  now=utcnow(), rows=table.rows)
    if options.decimal_comma is None:
        ctx.decimal_comma = table.separator == ";"
    else:
        ctx.decimal_comma = options.decimal_comma
    guessed, ambiguous = guess_day_first(table, columns)
    if options.day_first is not None:
        ctx.day_first = options.day_first
    elif guessed is not None:
        ctx.day_first = guessed
        ctx.warnings.append(f"Dates such as 03/04/2024 were read as "
                            f"{'day/month' if guessed else 'month/day'}/year, as the "
                            "file's other dates show.")
    elif ambiguous:
        ctx.day_first = True
        ctx.warnings.append("Dates such as 03/04/2024 were read as day/month/year (3 April). "
                            "If they are month/day, import again with month-first dates (command "
                            "line: --dates month).")
    return ctx


def run_import(db: pw.Database, op: OperatorRef, table: Table, options: ImportOptions, *,
               dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Plan every row and, unless `dry_run`, write the accepted ones in one transaction.

    A database error (another desk importing the same new records at the same moment, a
    value the database refuses) comes out translated, bulk writes included."""
    try:
        return _run_import(db, op, table, options, dry_run=dry_run, progress=progress)
    except driver_errors() as exc:
        raise translate(exc) from exc


def _run_import(db: pw.Database, op: OperatorRef, table: Table, options: ImportOptions, *,
                dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    started = time.perf_counter()
    ctx = prepare(table, options, op)
    planner_type = _planners()[ctx.options.kind]
    for action in planner_type.needs:
        require(op.role, action)
    report = ImportReport(ctx.options.kind, table.source, dry_run, blank_rows=table.blank_rows)
    total = len(table.rows)
    progress = progress or (lambda stage, done, total: None)
    with db.atomic() as txn:
        planner = planner_type(ctx)
        for i, (number, cells) in enumerate(table.rows):
            if i % 500 == 0:
                progress("checking", i, total)
            try:
                report.rows.append(planner.plan(Row(ctx, number, cells)))
            except Refused as exc:
                row = Row(ctx, number, cells)
                key = next((row.text(k) for k in planner.keys if row.text(k)), "")
                report.rows.append(RowResult(number, "refuse", key, str(exc)))
        planner.finish()
        progress("checking", total, total)
        report.created_records = ctx.catalog.summary()
        if dry_run:
            txn.rollback()  # nothing was written; keep it that way
        else:
            accepted = total - len(report.refused)
            done = 0

            def tick(n: int = 1) -> None:
                nonlocal done
                before = done
                done += n
                if done // 500 != before // 500 or done == accepted:
                    progress("writing", done, accepted)

            progress("writing", 0, accepted)
            ctx.catalog.create_pending()
            report.movements = planner.apply(tick)
    report.warnings = ctx.warnings
    report.seconds = time.perf_counter() - started
    return report


def import_file(db: pw.Database, op: OperatorRef, path, *, kind: str | None = None,
                preset: str = "generic", mapping: dict[str, str] | None = None,
                dry_run: bool = False, progress: Progress | None = None,
                sheet: str | None = None, **options) -> ImportReport:
    """Read `path`, map its columns (preset, or `mapping`), and import it."""
    from .fields import auto_map, detect_kind
    from .reading import read_table

    prefer = (kind,) if kind else tuple(KINDS)
    table = read_table(path, sheet=sheet, prefer_sheets=prefer)
    kind = resolve_kind(kind) if kind else detect_kind(table.headers, preset)
    mapping = mapping or auto_map(table.headers, kind, preset)
    if not mapping:
        raise ValidationError(f"No column of {table.source} matches a field of {kind}. "
                              "Map the columns by hand (the window's Import dialog).")
    return run_import(db, op, table, ImportOptions(kind, mapping, **options),
                      dry_run=dry_run, progress=progress)
