"""Moving from one desk to a team: copy a SQLite database into an empty PostgreSQL one.

    report = migrate.copy_to_postgres(sqlite_db, "postgresql://owner@host/stockroom")

One transaction on the server: the schema is created (Stockroom's own migrations), the
foreign keys and secondary indexes are lifted, every table is streamed with COPY (the whole
ledger with its hash chain, as it is), the indexes and keys are put back (which checks
them all at once), the id sequences moved past the copied rows, and then the copy is
proven before it commits: the same rows in every table, the same ledger chain head, and
`verify` saying the same on both (the file's verify runs in a second process meanwhile).
Anything else rolls the whole copy back; a target that already holds tables is refused
before anything is written.
"""

from __future__ import annotations

import io
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TextIO

import peewee as pw

from . import models as m
from .db import database_proxy, postgres_database
from .dberrors import driver_errors, translate
from .errors import StorageError
from .progress import ProgressLine
from .schema import ensure_schema
from .services.verify import VerifyReport, verify

CHUNK = 20_000  # rows per COPY statement (and per progress update)
SKIPPED = ("schema_version",)  # the target records its own migrations


@dataclass
class MigrationReport:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    chain_head: str = ""
    source_summary: tuple = ()  # what verify said on the SQLite file (_summary)
    source_lines: tuple[str, ...] = ()
    verify_target: VerifyReport | None = None
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class CopyProgress(ProgressLine):
    """`copying movement: 1,240,000 / 1,812,113 rows (68 %)` on stderr."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self.total = max(total, 1)
        self.done = 0

    def advance(self, table: str, rows: int, final: bool = False) -> None:
        self.done += rows
        if not self.due(final, 0.1, 5.0):
            return
        bar_width = 24
        filled = int(bar_width * self.done / self.total)
        text = (f"copying {table}: [{'#' * filled}{'.' * (bar_width - filled)}] "
                f"{self.done:,} / {self.total:,} rows ({100 * self.done // self.total} %)")
        self.show(text, 90)


def _is_empty(pg: pw.PostgresqlDatabase) -> list[str]:
    return pg.get_tables()


def _lift_keys_and_indexes(cur) -> tuple[list[str], list[str]]:
    """Drop the foreign keys and the indexes that back no constraint; return the SQL that
    puts them back (a bulk load checks them once at the end instead of row by row)."""
    cur.execute("""
        SELECT format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.relname, k.conname,
                      pg_get_constraintdef(k.oid)),
               format('ALTER TABLE %I DROP CONSTRAINT %I', c.relname, k.conname)
          FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
         WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace""")
    keys = cur.fetchall()
    for _, drop in keys:
        cur.execute(drop)
    cur.execute("""
        SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %I', x.relname)
          FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
          JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relnamespace = 'public'::regnamespace AND NOT i.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""")
    indexes = cur.fetchall()
    for _, drop in indexes:
        cur.execute(drop)
    return [create for create, _ in indexes], [add for add, _ in keys]


def _column_types(cur, table: str) -> list[tuple[str, str]]:
    cur.execute("SELECT column_name, data_type FROM information_schema.columns WHERE "
                "table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                (table,))
    return [(r[0], r[1]) for r in cur.fetchall()]


def _columns(cur, table: str) -> list[str]:
    return [c for c, _ in _column_types(cur, table)]


def _source_columns(src: pw.SqliteDatabase, table: str) -> set[str]:
    return {r[1] for r in src.execute_sql(f'PRAGMA table_info("{table}")')}


def _tables_in_order() -> list[str]:
    names = [model._meta.table_name for model in m.ALL_MODELS] + ["demand_month"]
    return [t for t in names if t not in SKIPPED]


def _summary(r: VerifyReport) -> tuple:
    """What `verify` says, as it must be equal on both databases."""
    return (r.ok, r.movements, r.stock_rows, r.assets, r.chain_head,
            len(r.stock_differences), len(r.asset_differences), len(r.demand_differences),
            len(r.rule_problems), len(r.value_problems), len(r.chain_problems))


def _verify_file(path: str) -> tuple[tuple, tuple[str, ...]]:
    """verify on the SQLite file at `path` (run in another process)."""
    from .db import open_database

    db = open_database(path)
    try:
        report = verify(db)
        return _summary(report), tuple(report.lines()[:3])
    finally:
        db.close()


def _verify_elsewhere(path: str) -> Future:
    import multiprocessing

    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    future = pool.submit(_verify_file, path)
    pool.shutdown(wait=False)
    return future


def _head(db: pw.Database) -> str:
    row = db.execute_sql("SELECT hash FROM movement ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0] if row else "") or ""


def copy_to_postgres(src: pw.SqliteDatabase, target_url: str, *,
                     progress: Callable[[int], CopyProgress] | None = None,
                     check: bool = True) -> MigrationReport:
    """Copy the open SQLite database `src` (at the current schema) into the empty
    PostgreSQL database at `target_url`, prove the copy and commit; else nothing stays."""
    started = time.monotonic()
    report = MigrationReport()
    pg = postgres_database(target_url)
    try:
        pg.connect()
    except driver_errors() as exc:
        raise translate(exc, target_url) from exc
    try:
        theirs = _is_empty(pg)
        if theirs:
            shown = ", ".join(theirs[:5]) + (", ..." if len(theirs) > 5 else "")
            raise StorageError(
                f"The PostgreSQL database {pg.database} is not empty (it holds {shown}). "
                "Nothing was copied. Create a new, empty database for Stockroom "
                "(README: 'Team set-up') and migrate into that.")
        tables = _tables_in_order()
        counts = {t: src.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                  for t in tables}
        # verify the source in a process of its own while the copy runs (two cores)
        source_check = _verify_elsewhere(src.database) if check else None
        bar = progress(sum(counts.values())) if progress else None
        try:
            with pg.atomic():
                database_proxy.initialize(pg)
                ensure_schema(pg)
                cur = pg.cursor()
                indexes, keys = _lift_keys_and_indexes(cur)
                cur.execute("ALTER TABLE movement DISABLE TRIGGER USER")
                for table in tables:
                    if table != "movement":  # what the new schema seeded gives way to the copy
                        cur.execute(f'DELETE FROM "{table}"')
                report.rows.update(_copy_tables(src, cur, tables, bar))
                cur.execute("ALTER TABLE movement ENABLE TRIGGER USER")
                for sql in indexes + keys:  # unique and foreign keys are checked here
                    cur.execute(sql)
                for table in tables:
                    if "id" in _columns(cur, table):
                        cur.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table}"')
                cur.execute("ANALYZE")  # the planner's figures for verify's queries
                if source_check is not None:
                    report.source_summary, report.source_lines = source_check.result()
                _prove(src, pg, counts, report, check)
        finally:
            if bar is not None:
                bar.end()
            if source_check is not None:
                source_check.cancel()
    except driver_errors() as exc:
        raise translate(exc, target_url) from exc
    finally:
        database_proxy.initialize(src)
        pg.close()
    report.seconds = time.monotonic() - started
    return report


def _copy_sql(table: str, columns: list[tuple[str, str]]) -> str:
    """A SELECT on the SQLite file giving each row as one line of COPY's text format, so
    SQLite's C code does the escaping rather than Python, value by value."""
    parts = []
    for name, pg_type in columns:
        col = f'"{name}"'
        if pg_type in ("text", "character varying", "character"):
            value = (f"replace(replace(replace(replace({col}, '\\', '\\\\'), char(9), "
                     f"'\\t'), char(10), '\\n'), char(13), '\\r')")
        else:  # numbers, dates, booleans: as SQLite prints them (reals round-trip exactly)
            value = (f"CASE typeof({col}) WHEN 'real' THEN printf('%.17g', {col}) "
                     f"ELSE CAST({col} AS TEXT) END")
        parts.append(f"COALESCE({value}, '\\N')")
    order = " ORDER BY id" if any(n == "id" for n, _ in columns) else ""
    return f'SELECT {" || char(9) || ".join(parts)} FROM "{table}"{order}'


_DONE = object()


def _produce(src: pw.SqliteDatabase, plan: list[tuple[str, str]], out: queue.Queue) -> None:
    """On a thread of its own: read each table's lines (SQLite works without the GIL) and
    hand them over in chunks, while the main thread streams the previous chunk to COPY."""
    try:
        for table, sql in plan:
            rows = src.execute_sql(sql)
            while True:
                part = rows.fetchmany(CHUNK)
                if not part:
                    break
                text = "\n".join([r[0] for r in part])
                out.put((table, text + "\n", len(part)))
            out.put((table, None, 0))
        out.put(_DONE)
    except BaseException as exc:  # noqa: BLE001 - raised again on the main thread
        out.put(exc)
    finally:
        src.close()  # this thread's connection


def _copy_tables(src: pw.SqliteDatabase, cur, tables: list[str],
                 bar: CopyProgress | None) -> dict[str, int]:
    plan, heads = [], {}
    for table in tables:
        have = _source_columns(src, table)
        columns = [(c, t) for c, t in _column_types(cur, table) if c in have]
        quoted = ", ".join(f'"{c}"' for c, _ in columns)
        heads[table] = f'COPY "{table}" ({quoted}) FROM STDIN'
        plan.append((table, _copy_sql(table, columns)))
    lines: queue.Queue = queue.Queue(maxsize=4)
    worker = threading.Thread(target=_produce, args=(src, plan, lines), daemon=True)
    worker.start()
    copied = dict.fromkeys(tables, 0)
    try:
        while True:
            item = lines.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            table, text, n = item
            if text is None:
                if bar is not None:
                    bar.advance(table, 0, final=True)
                continue
            cur.copy_expert(heads[table], io.StringIO(text))
            copied[table] += n
            if bar is not None:
                bar.advance(table, n)
    finally:
        while worker.is_alive():  # let it finish (or fail) before the copy goes on
            try:
                lines.get(timeout=0.1)
            except queue.Empty:
                pass
    return copied


def _prove(src: pw.SqliteDatabase, pg: pw.PostgresqlDatabase, counts: dict[str, int],
           report: MigrationReport, check: bool) -> None:
    """Inside the copy's transaction: anything unequal raises, and nothing is kept."""
    for table, want in counts.items():
        have = pg.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        if have != want:
            raise StorageError(f"The copy of {table} has {have} rows instead of {want}. "
                               "Nothing was kept on the server.")
    report.chain_head = _head(src)
    if _head(pg) != report.chain_head:
        raise StorageError("The ledger's chain head differs after the copy. Nothing was "
                           "kept on the server.")
    if check:
        report.verify_target = verify(pg)
        if _summary(report.verify_target) != report.source_summary:
            raise StorageError(
                "verify reports differently on the copy than on the SQLite file "
                f"({'; '.join(report.verify_target.lines()[:3]) or 'counts differ'}). "
                "Nothing was kept on the server.")
