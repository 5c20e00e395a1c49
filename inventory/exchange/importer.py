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

import peewee as pw

from ..clock import utcnow
from ..db import Handle, unwrap
from ..dberrors import DRIVER_ERRORS, translate
from ..errors import ValidationError
from ..operators import OperatorRef
from ..roles import require
from . import values as v
from .catalog import Catalog
from .fields import KINDS, auto_map, check_mapping, detect_kind, resolve_kind
from .import_assets import AssetPlanner
from .import_catalog import LocationPlanner, PeoplePlanner, SupplierPlanner
from .import_offers import OfferPlanner
from .import_stock import LicensePlanner, StockPlanner
from .planning import (  # noqa: F401 - ImportOptions and RowResult are used via importer
    ACTIONS,
    CHUNK,
    Context,
    ImportOptions,
    Planner,
    Refused,
    Row,
    RowResult,
)
from .reading import Table, read_table

Progress = Callable[[str, int, int], None]  # (stage, done, total); raise to abandon


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
    not_imported: list[str] = field(default_factory=list)  # columns nothing took
    in_notes: list[str] = field(default_factory=list)  # columns kept in the notes

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
        return f"{rows} of {self.kind}: {', '.join(parts)}{extra}{blank}{self.columns_note()}"

    def columns_note(self) -> str:
        """Which of the file's columns went nowhere (and which went into the notes)."""
        out = ""
        if self.in_notes:
            out += f"; kept in the notes: {', '.join(self.in_notes)}"
        if self.not_imported:
            n = len(self.not_imported)
            hint = " (map them to a field, or keep them in the notes)" if self.kind == \
                "assets" else ""
            out += (f"; {n} column{'' if n == 1 else 's'} not imported: "
                    f"{', '.join(self.not_imported)}{hint}")
        return out


def _planners() -> dict[str, type[Planner]]:
    from ..costing.import_budgets import BudgetPlanner

    return {p.kind: p for p in (AssetPlanner, StockPlanner, PeoplePlanner, LocationPlanner,
                                SupplierPlanner, OfferPlanner, LicensePlanner, BudgetPlanner)}


PLANNERS: dict[str, type[Planner]] = _planners()

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
    if tuple(options.notes_from) == ("*",):
        options.notes_from = tuple(unmapped_columns(table.headers, options.mapping))
    if options.notes_from:
        if kind != "assets":
            raise ValidationError("Only devices have notes: keeping other columns in the "
                                  "notes works for an assets import.")
        missing = [h for h in options.notes_from if h not in table.headers]
        if missing:
            raise ValidationError(f"No column {', '.join(repr(h) for h in missing)} in "
                                  f"{table.source} to keep in the notes (its columns: "
                                  f"{', '.join(table.headers[:12])}).")
        taken = set(options.mapping.values())
        ctx.notes_columns = [(h, table.headers.index(h)) for h in options.notes_from
                             if h not in taken]
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


def run_import(db: Handle, op: OperatorRef, table: Table, options: ImportOptions, *,
               dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Plan every row and, unless `dry_run`, write the accepted ones in one transaction.

    A database error (another desk importing the same new records at the same moment, a
    value the database refuses) comes out translated, bulk writes included."""
    db = unwrap(db)
    try:
        return _run_import(db, op, table, options, dry_run=dry_run, progress=progress)
    except DRIVER_ERRORS as exc:
        raise translate(exc) from exc


def _run_import(db: pw.Database, op: OperatorRef, table: Table, options: ImportOptions, *,
                dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    started = time.perf_counter()
    ctx = prepare(table, options, op)
    planner_type = PLANNERS[ctx.options.kind]
    for action in planner_type.needs:
        require(op.role, action)
    report = ImportReport(ctx.options.kind, table.source, dry_run, blank_rows=table.blank_rows)
    report.in_notes = [h for h, _ in ctx.notes_columns]
    report.not_imported = unmapped_columns(table.headers, options.mapping, report.in_notes)
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


def unmapped_columns(headers: list[str], mapping: dict[str, str],
                     kept: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The file's columns that no field takes and that are not kept in the notes."""
    taken = set(mapping.values()) | set(kept)
    return [h for h in headers if h not in taken]


def import_file(db: Handle, op: OperatorRef, path, *, kind: str | None = None,
                preset: str = "generic", mapping: dict[str, str] | None = None,
                dry_run: bool = False, progress: Progress | None = None,
                sheet: str | None = None, **options) -> ImportReport:
    """Read `path`, map its columns (preset, or `mapping`), and import it."""
    db = unwrap(db)

    prefer = (kind,) if kind else tuple(KINDS)
    table = read_table(path, sheet=sheet, prefer_sheets=prefer)
    kind = resolve_kind(kind) if kind else detect_kind(table.headers, preset)
    mapping = mapping or auto_map(table.headers, kind, preset)
    if not mapping:
        raise ValidationError(f"No column of {table.source} matches a field of {kind}. "
                              "Map the columns by hand (the window's Import dialog).")
    return run_import(db, op, table, ImportOptions(kind, mapping, **options),
                      dry_run=dry_run, progress=progress)
