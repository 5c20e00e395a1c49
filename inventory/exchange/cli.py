"""Commands: import, export, restore, reconcile. Each prints its result on stdout, a
progress line and one-line errors on stderr, and exits non-zero on failure."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..cli import PASSWORD_ENV, command, parse_date, session
from ..errors import ValidationError
from ..progress import ProgressLine

SHOW_REFUSED = 50


class ImportProgress(ProgressLine):
    """'checking 12,000/100,000 rows': at most a few updates a second, none in a log for a
    small file."""

    def __init__(self, stream=None):
        super().__init__(stream)
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.tty and total < 5000:
            return  # a log needs no progress for a small file
        if not self.due(done >= total or stage != self.stage, 0.2, 2.0):
            return  # a new stage is always shown
        self.stage = stage
        self.show(f"{stage} {done:,}/{total:,} rows", 50)


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValidationError(f"--map takes FIELD=COLUMN (got '{pair}').")
        out[field.strip()] = column.strip()
    return out


@command
def cmd_import(args: argparse.Namespace) -> int:
    from .export import write_rows
    from .importer import import_file

    db, op = session(args)
    progress = ImportProgress()
    day_first = {"day": True, "month": False}.get(args.dates)
    try:
        report = import_file(db, op, args.file, kind=args.kind, preset=args.preset,
                             mapping=_mapping(args.map), dry_run=args.dry_run,
                             progress=progress, sheet=args.sheet,
                             create_missing=args.create_missing, day_first=day_first,
                             default_location=args.location, reference=args.reference or "",
                             notes_from=args.notes_from or ())
    finally:
        progress.end()
    for w in report.warnings:
        print(f"note: {w}", file=sys.stderr)
    refused = report.refused
    for r in refused[:SHOW_REFUSED]:
        print(f"row {r.row}: {r.key + ': ' if r.key else ''}refused: {r.message}")
    if len(refused) > SHOW_REFUSED:
        print(f"... and {len(refused) - SHOW_REFUSED} more refused rows"
              + ("" if args.report else " (--report FILE lists every row)"))
    if args.verbose:
        for r in report.rows:
            if r.action != "refuse":
                print(f"row {r.row}: {r.key}: {r.action}: {r.message}")
    for rec in report.created_records[:20] if args.create_missing else []:
        print(rec)
    if args.report:
        write_rows(args.report, ["Row", "Action", "Key", "Message"],
                   ((r.row, r.action, r.key, r.message) for r in report.rows))
    prefix = "dry run: " if args.dry_run else ""
    print(f"{prefix}{report.summary()} ({report.seconds:.1f} s)")
    return 0


def _filters(args: argparse.Namespace):
    from .tables import Filters

    return Filters(status=args.status, location=args.location, since=args.since,
                   until=args.until, kind=args.kind, search=args.search, person=args.person,
                   product=args.product)


@command
def cmd_export(args: argparse.Namespace) -> int:
    from .export import format_for, write_csv_stream, write_rows
    from .tables import table

    db, _ = session(args)
    to_stdout = args.output == "-"
    if to_stdout and (args.format or "csv") != "csv":
        raise ValidationError("Only CSV can go to standard output; give -o FILE.xlsx.")
    fmt = "csv" if to_stdout else format_for(Path(args.output), args.format)
    with db.atomic():  # one consistent snapshot
        data = table(args.table, _filters(args))
        if to_stdout:
            try:
                n = write_csv_stream(sys.stdout, data.headers, data.rows)
                sys.stdout.flush()
            except BrokenPipeError:  # `| head`: the reader has what it wanted
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return 0
        else:
            n = write_rows(args.output, data.headers, data.rows, fmt=fmt, sheet=data.name)
    where = "standard output" if to_stdout else args.output
    print(f"exported {n:,} rows of {data.name} to {where} ({fmt})",
          file=sys.stderr if to_stdout else sys.stdout)
    return 0


@command
def cmd_restore(args: argparse.Namespace) -> int:
    from ..backup import check_backup, list_backups
    from ..db import is_postgres, resolve_url, sqlite_path
    from ..errors import StorageError
    from .restore import restore

    url = resolve_url(args.database)
    if is_postgres(url):
        return _restore_postgres(args, url)
    if not args.file:
        backups = list_backups(sqlite_path(url))
        if not backups:
            print(f"no backups of {sqlite_path(url)} yet (python main.py backup makes one)")
            return 0
        for b in backups:
            try:
                info = check_backup(b)
                state = f"{info.movements:,} movements, {info.assets:,} assets"
            except StorageError as exc:
                state = f"DAMAGED: {exc}"
            print(f"{b}\t{b.stat().st_size / 1e6:.1f} MB\t{state}")
        return 0
    result = restore(url, args.file, username=getattr(args, "user", None),
                     password=os.environ.get(PASSWORD_ENV))
    info = result.restored_from
    print(f"restored {info.path.name} ({info.movements:,} movements, {info.assets:,} assets) "
          f"into {sqlite_path(url)}")
    if result.kept_aside:
        print(f"the database as it was is kept as {result.kept_aside}")
    return 0


def _restore_postgres(args: argparse.Namespace, url: str) -> int:
    from ..pgbackup import check_dump, list_dumps, restore_postgres, tool
    from ..roles import require

    tool("pg_restore")
    db, op = session(args)
    require(op.role, "admin")
    db.close()
    if not args.file:
        dumps = list_dumps(url)
        if not dumps:
            print("no backups of this database yet (python main.py backup makes one)")
        for d in dumps:
            print(f"{d}\t{d.stat().st_size / 1e6:.1f} MB")
        return 0
    info = check_dump(Path(args.file))
    aside = restore_postgres(url, info.path)
    print(f"restored {info.path.name} ({info.tables} tables) into the PostgreSQL database; "
          f"the database as it was is kept as {aside}")
    return 0


@command
def cmd_reconcile(args: argparse.Namespace) -> int:
    from .export import write_rows
    from .reconcile import STATUS_LABELS, reconcile

    db, op = session(args)
    rec = reconcile(db, op, args.statement, args.location, approve=args.approve,
                    reference=args.reference, sheet=args.sheet, complete=args.complete)
    for ln in rec.lines:
        if ln.status == "match" and not args.verbose:
            continue
        what = " ".join(x for x in (ln.product, ln.serial, f"[{ln.asset_tag}]"
                                    if ln.asset_tag else "") if x)
        action = f" -> {ln.action}" if ln.action else ""
        note = f" ({ln.note})" if ln.note else ""
        print(f"{STATUS_LABELS[ln.status]}: {what}: book {ln.book}, statement {ln.statement}"
              f"{action}{note}")
    if args.report:
        write_rows(args.report, rec.headers(), rec.rows())
    print(rec.summary())
    if rec.to_post and not args.approve:
        print("nothing posted: a manager runs this again with --approve to post the "
              "adjustments", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add import, export, restore and reconcile."""
    from .fields import KINDS, PRESETS
    from .tables import TABLES

    p = subparsers.add_parser(
        "import", help="import devices, stock, people, locations, suppliers or licenses",
        description="Import a CSV or XLSX file. Every row is checked first; then every "
        "accepted row is written in one transaction (nothing if anything fails). "
        "Re-importing the same file updates rather than duplicates.")
    p.add_argument("file", help="CSV (any separator, UTF-8 or Windows-1252) or XLSX")
    p.add_argument("--kind", help=f"what the file holds: {', '.join(KINDS)} "
                   "(default: guessed from the headers)")
    p.add_argument("--preset", choices=PRESETS, default="generic",
                   help="column names: the Stockroom template (generic) or a Snipe-IT "
                   "asset export")
    p.add_argument("--dry-run", action="store_true",
                   help="check every row and say what would happen; change nothing")
    p.add_argument("--create-missing", action="store_true",
                   help="create unknown models, locations and suppliers (default: refuse "
                   "those rows)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="map a column by hand (repeat; replaces the preset's mapping)")
    p.add_argument("--sheet", help="XLSX sheet to read (default: the one named like the "
                   "kind, else the first)")
    p.add_argument("--location", metavar="CODE",
                   help="where devices go when their row names no location")
    p.add_argument("--dates", choices=("auto", "day", "month"), default="auto",
                   help="03/04/2024 is day-first or month-first (default: decide from the "
                   "file)")
    p.add_argument("--reference", help="ledger reference (default: 'import FILE')")
    p.add_argument("--notes-from", action="append", metavar="COLUMN",
                   help="keep this column in each device's notes as 'COLUMN: value' "
                        "(repeat it; '*' keeps every column no field takes)")
    p.add_argument("--report", metavar="FILE", help="write every row's result to CSV/XLSX")
    p.add_argument("-v", "--verbose", action="store_true", help="list every row")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("export", help="export a table or the ledger to CSV or XLSX")
    p.add_argument("table", help=", ".join(TABLES))
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="file to write (.csv or .xlsx); '-' for CSV on standard output")
    p.add_argument("--format", choices=("csv", "xlsx"),
                   help="default: from the file's extension")
    p.add_argument("--status", help="asset status (or order status for orders)")
    p.add_argument("--location", metavar="CODE", help="this location and those under it")
    p.add_argument("--since", type=parse_date, metavar="DATE", help="from this day (YYYY-MM-DD)")
    p.add_argument("--until", type=parse_date, metavar="DATE", help="to this day (YYYY-MM-DD)")
    p.add_argument("--kind", help="movement kinds (comma-separated), product or location kind")
    p.add_argument("--search", metavar="TEXT", help="text in the main columns")
    p.add_argument("--person", metavar="EMPLOYEE_ID", help="held by / moved for this person")
    p.add_argument("--product", metavar="CODE", help="GTIN, part number or name")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser(
        "restore", help="restore the database from a backup (admin)",
        description="Check the backup's integrity, keep the current file aside, and put "
        "the backup in its place. Close Stockroom everywhere first. Without FILE, list the "
        "backups. PostgreSQL: pg_restore of a pg_dump backup, in one transaction, after "
        "a dump of the database as it is.")
    p.add_argument("file", nargs="?", help="backup file (see the list without FILE)")
    p.set_defaults(func=cmd_restore)

    p = subparsers.add_parser(
        "reconcile", help="compare a 3PL/MSP stock statement with the book",
        description="Book versus statement for one location: matches, shortages, "
        "surpluses, serials unknown to us. With --approve (manager) the adjustments are "
        "posted with the statement as reference.")
    p.add_argument("statement", help="the partner's statement (CSV or XLSX)")
    p.add_argument("--location", required=True, metavar="CODE", help="the 3PL / MSP location")
    p.add_argument("--approve", action="store_true", help="post the adjustments")
    p.add_argument("--complete", action="store_true",
                   help="the statement lists everything the partner holds: count what it "
                        "leaves out to zero (default: report it and leave it alone)")
    p.add_argument("--reference", help="ledger reference (default: 'statement FILE')")
    p.add_argument("--sheet", help="XLSX sheet to read")
    p.add_argument("--report", metavar="FILE", help="write the comparison to CSV/XLSX")
    p.add_argument("-v", "--verbose", action="store_true", help="list matches too")
    p.set_defaults(func=cmd_reconcile)
