"""Schema version and migrations. Each migration runs in one transaction; a SQLite
file is backed up before any migration touches an existing database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import peewee as pw

from . import models as m
from .costing import tables as _costing_tables  # noqa: F401 - adds its tables to ALL_MODELS
from .db import is_postgres
from .errors import StorageError
from .replenishment import demand_table
from .sqlite_copy import backup_sqlite

LEDGER_GUARD_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS movement_append_only_update BEFORE UPDATE ON movement
       BEGIN SELECT RAISE(ABORT, 'the movement ledger is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS movement_append_only_delete BEFORE DELETE ON movement
       BEGIN SELECT RAISE(ABORT, 'the movement ledger is append-only'); END""",
]
LEDGER_GUARD_POSTGRES = [
    """CREATE OR REPLACE FUNCTION movement_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the movement ledger is append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER movement_append_only BEFORE UPDATE OR DELETE ON movement
       FOR EACH ROW EXECUTE FUNCTION movement_append_only()""",
]


def _v1(db: pw.Database) -> None:
    db.create_tables(m.ALL_MODELS)
    guard = LEDGER_GUARD_POSTGRES if is_postgres(db) else LEDGER_GUARD_SQLITE
    for sql in guard:
        db.execute_sql(sql)


def _v2(db: pw.Database) -> None:
    # Demand for the reorder list is read by kind and date: a covering index lets the
    # database answer from the index alone instead of scanning every movement.
    db.execute_sql("CREATE INDEX IF NOT EXISTS movement_demand ON movement "
                   "(kind, at, product_id, from_location_id, quantity)")


def _v3(db: pw.Database) -> None:
    # A scanned serial is looked up without its maker.
    db.execute_sql("CREATE INDEX IF NOT EXISTS asset_serial ON asset (serial)")


REDUNDANT_MOVEMENT_INDEXES = (
    "movement_kind", "movement_product_id", "movement_asset_id", "movement_license_id",
    "movement_operator_id", "movement_holder_id", "movement_from_location_id",
    "movement_to_location_id",
)


def _v4(db: pw.Database) -> None:
    # Each index on the ledger is written on every scan; these were covered by composite
    # indexes or never read, and cost a third of a check-out's commit.
    for name in REDUNDANT_MOVEMENT_INDEXES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    # Undo asks "was this movement reversed?"; only compensating rows need indexing.
    db.execute_sql("DROP INDEX IF EXISTS movement_reverses_id")
    db.execute_sql("CREATE INDEX IF NOT EXISTS movement_reversed ON movement (reverses_id) "
                   "WHERE reverses_id IS NOT NULL")


ASSET_TEXT_SQLITE = [
    """CREATE VIRTUAL TABLE asset_text USING fts5(tag, serial, content='asset',
       content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER asset_text_insert AFTER INSERT ON asset BEGIN
       INSERT INTO asset_text(rowid, tag, serial) VALUES (new.id, new.tag, new.serial); END""",
    """CREATE TRIGGER asset_text_delete AFTER DELETE ON asset BEGIN
       INSERT INTO asset_text(asset_text, rowid, tag, serial)
       VALUES ('delete', old.id, old.tag, old.serial); END""",
    """CREATE TRIGGER asset_text_update AFTER UPDATE OF id, tag, serial ON asset
       WHEN old.id IS NOT new.id OR old.tag IS NOT new.tag OR old.serial IS NOT new.serial
       BEGIN
       INSERT INTO asset_text(asset_text, rowid, tag, serial)
       VALUES ('delete', old.id, old.tag, old.serial);
       INSERT INTO asset_text(rowid, tag, serial) VALUES (new.id, new.tag, new.serial); END""",
    "INSERT INTO asset_text(asset_text) VALUES ('rebuild')",
]


def _v5(db: pw.Database) -> None:
    # Search finds a tag or serial by any part of it: a trigram index over the two answers
    # "contains" without reading every asset (kept by triggers). Without FTS5's trigram
    # tokenizer (SQLite < 3.34), or on PostgreSQL, search scans as before.
    if is_postgres(db):
        return
    try:
        db.execute_sql(ASSET_TEXT_SQLITE[0])
    except pw.OperationalError:
        return
    for sql in ASSET_TEXT_SQLITE[1:]:
        db.execute_sql(sql)


def _v6(db: pw.Database) -> None:
    # Service targets per product category or ABC class (the reorder list and backtest).
    db.create_tables([m.ServiceTarget], safe=True)


def _v7(db: pw.Database) -> None:
    # Demand per product × location × month, kept by a trigger on movement in the same
    # transaction and checked by verify (monthly figures without grouping the ledger).
    demand_table.install(db)


# The ledger's guards beyond v1's: INSERT OR REPLACE (which deletes the old row without
# firing a delete trigger unless recursive_triggers is on) and TRUNCATE.
LEDGER_GUARD_SQLITE_V8 = [
    """CREATE TRIGGER IF NOT EXISTS movement_no_insert_or_replace BEFORE INSERT ON movement
       WHEN EXISTS (SELECT 1 FROM movement WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'the movement ledger is append-only'); END""",
]
LEDGER_GUARD_POSTGRES_V8 = [
    """CREATE TRIGGER movement_no_truncate BEFORE TRUNCATE ON movement
       FOR EACH STATEMENT EXECUTE FUNCTION movement_append_only()""",
]
SQLITE_GUARDS = {"movement_append_only_update": LEDGER_GUARD_SQLITE[0],
                 "movement_append_only_delete": LEDGER_GUARD_SQLITE[1],
                 "movement_no_insert_or_replace": LEDGER_GUARD_SQLITE_V8[0]}
POSTGRES_GUARDS = {"movement_append_only": LEDGER_GUARD_POSTGRES[1],
                   "movement_no_truncate": LEDGER_GUARD_POSTGRES_V8[0]}
BACKFILL_CHUNK = 5000


def _backfill_chain(db: pw.Database) -> None:
    """Hash every existing movement in id order (the guards are lifted meanwhile, inside
    the migration's transaction, and put back before it commits)."""
    from .services.chain import GENESIS, digest, select_sql

    pg = is_postgres(db)
    if pg:
        db.execute_sql("DROP TRIGGER IF EXISTS movement_append_only ON movement")
    else:
        for name in SQLITE_GUARDS:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    prev = GENESIS
    rows = db.execute_sql(select_sql()).fetchall()
    updates: list[tuple] = []
    for row in rows:
        h = digest(prev, row[1:-2])
        updates.append((prev, h, row[0]))
        prev = h
    cursor = db.cursor()
    for i in range(0, len(updates), BACKFILL_CHUNK):
        part = updates[i:i + BACKFILL_CHUNK]
        if pg:
            from psycopg2.extras import execute_values

            execute_values(cursor, "UPDATE movement SET prev_hash = v.p, hash = v.h FROM "
                           "(VALUES %s) AS v (p, h, id) WHERE movement.id = v.id", part,
                           page_size=BACKFILL_CHUNK)
        else:
            cursor.executemany("UPDATE movement SET prev_hash = ?, hash = ? WHERE id = ?",
                               part)
    install_guards(db)


def install_guards(db: pw.Database) -> list[str]:
    """Put back any ledger guard that is missing or disabled; returns their names."""
    restored = []
    if is_postgres(db):
        have = {name: enabled for name, enabled in db.execute_sql(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'movement'::regclass "
            "AND NOT tgisinternal")}
        db.execute_sql(LEDGER_GUARD_POSTGRES[0])  # the function (CREATE OR REPLACE)
        for name, sql in POSTGRES_GUARDS.items():
            if name not in have:
                db.execute_sql(sql)
                restored.append(name)
            elif have[name] == "D":
                db.execute_sql(f"ALTER TABLE movement ENABLE TRIGGER {name}")
                restored.append(name)
    else:
        triggers = {r[0] for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'movement'")}
        for name, sql in SQLITE_GUARDS.items():
            if name not in triggers:
                db.execute_sql(sql)
                restored.append(name)
    return restored


def _v8(db: pw.Database) -> None:
    # Tamper evidence: each movement chained to the previous one by SHA-256 (verify checks
    # it), and the guards closed: INSERT OR REPLACE on SQLite, TRUNCATE on PostgreSQL.
    have = {c.name for c in db.get_columns("movement")}
    for column in ("prev_hash", "hash"):
        if column not in have:  # a new database has them from v1's tables
            db.execute_sql(f"ALTER TABLE movement ADD COLUMN {column} VARCHAR(64)")
    _backfill_chain(db)


REQUEST_EVENT_GUARD_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS request_event_append_only_update BEFORE UPDATE ON
       request_event BEGIN SELECT RAISE(ABORT, 'the ledger of requests is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS request_event_append_only_delete BEFORE DELETE ON
       request_event BEGIN SELECT RAISE(ABORT, 'the ledger of requests is append-only'); END""",
]
REQUEST_EVENT_GUARD_POSTGRES = [
    """CREATE OR REPLACE FUNCTION request_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the ledger of requests is append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER request_event_append_only BEFORE UPDATE OR DELETE ON request_event
       FOR EACH ROW EXECUTE FUNCTION request_event_append_only()""",
]


def _v9(db: pw.Database) -> None:
    # The service desk's shop: catalogue items and kits, requests and their ledger (kept
    # append-only like the movements), reservations, loan-pool bookings, joiners, digests.
    db.create_tables(m.SHOP_MODELS, safe=True)
    pg = is_postgres(db)
    if pg:
        db.execute_sql("DROP TRIGGER IF EXISTS request_event_append_only ON request_event")
    for sql in REQUEST_EVENT_GUARD_POSTGRES if pg else REQUEST_EVENT_GUARD_SQLITE:
        db.execute_sql(sql)


def _v10(db: pw.Database) -> None:
    # Licenses are renewed (the earlier terms kept in license_term) and retired.
    if "retired_on" not in {c.name for c in db.get_columns("license")}:
        db.execute_sql("ALTER TABLE license ADD COLUMN retired_on DATE")
    db.create_tables([m.LicenseTerm], safe=True)


def _v11(db: pw.Database) -> None:
    # A device's supplier and order number when it did not come through one of our
    # purchase orders (Edit device).
    have = {c.name for c in db.get_columns("asset")}
    if "supplier_id" not in have:
        db.execute_sql("ALTER TABLE asset ADD COLUMN supplier_id INTEGER NULL "
                       "REFERENCES supplier (id)")
    if "order_reference" not in have:
        db.execute_sql("ALTER TABLE asset ADD COLUMN order_reference VARCHAR(255) NOT NULL "
                       "DEFAULT ''")


def _v12(db: pw.Database) -> None:
    # PostgreSQL: the server-side functions of the hot use cases (check-out, check-in in
    # one round trip, the ledger's hash chain computed by the server); SQLite: nothing.
    from . import pgcalls

    pgcalls.install(db)


def _v13(db: pw.Database) -> None:
    # The cost model: depreciation rules (seeded with the default lives per category), the
    # rate card, license pricing periods, repair records, budgets, imported cloud charges.
    # Who moved from which cost centre when (so each day is charged to the one in force).
    from .costing import holdings, spend, stockouts
    from .costing.tables import COSTING_MODELS, DEFAULT_LIVES, CostCentreMove, DepreciationRule

    db.create_tables([*COSTING_MODELS, CostCentreMove], safe=True)
    holdings.install(db)  # who held which device on which days, kept by a trigger
    stockouts.install(db)  # when each product ran out where, kept by a trigger
    spend.install(db)  # spares issued per month and cost centre, kept by a trigger
    for category, months in DEFAULT_LIVES.items():
        if not DepreciationRule.select().where(DepreciationRule.category == category).exists():
            DepreciationRule.create(category=category, life_months=months, residual_pct=0)


def _v14(db: pw.Database) -> None:
    # The demand table also keeps, per month, the days with demand and the sums of the day
    # totals' squares and cubes, so the reorder rule never reads the movements.
    have = {c.name for c in db.get_columns("demand_month")}
    for column, sql in (("days", "INTEGER NOT NULL DEFAULT 0"),
                        ("sq", "DOUBLE PRECISION NOT NULL DEFAULT 0"),
                        ("cube", "DOUBLE PRECISION NOT NULL DEFAULT 0")):
        if column not in have:  # a new database has them from v7's table
            db.execute_sql(f"ALTER TABLE demand_month ADD COLUMN {column} {sql}")
    demand_table.install_trigger(db)
    demand_table.rebuild(db)


MIGRATIONS: dict[int, Callable[[pw.Database], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4,
                                                         5: _v5, 6: _v6, 7: _v7, 8: _v8,
                                                         9: _v9, 10: _v10, 11: _v11,
                                                         12: _v12, 13: _v13, 14: _v14}
CURRENT_VERSION = max(MIGRATIONS)


# Columns that a migration added after the tables were created, by version: a database
# of an older version lacks them (check_backup, restore).
ADDED_COLUMNS: dict[int, dict[str, set[str]]] = {
    8: {"movement": {"prev_hash", "hash"}},
    10: {"license": {"retired_on"}},
    11: {"asset": {"supplier_id", "order_reference"}},
}
# Tables created by a later migration (an older database has none of them).
ADDED_TABLES: dict[int, set[str]] = {
    6: {"service_target"}, 9: {model._meta.table_name for model in m.SHOP_MODELS},
    10: {"license_term"},
    13: {"cost_depreciation", "cost_rate", "cost_license_pricing", "cost_repair",
         "cost_budget", "cost_cloud", "cost_holding", "cost_balance", "cost_stockout",
         "cost_flow_month", "cost_centre_move", "cost_spend_month"}}


def required_columns(version: int) -> dict[str, set[str]]:
    """Every table and column a complete Stockroom database of `version` holds."""
    out = {model._meta.table_name: {f.column_name for f in model._meta.sorted_fields}
           for model in m.ALL_MODELS}
    for later, tables in ADDED_COLUMNS.items():
        if later > version:
            for table, columns in tables.items():
                out[table] = out[table] - columns
    for later, names in ADDED_TABLES.items():
        if later > version:
            for table in names:
                out.pop(table, None)
    return out


def schema_version(db: pw.Database) -> int:
    if not db.table_exists(m.SchemaVersion._meta.table_name):
        return 0
    row = m.SchemaVersion.select(pw.fn.MAX(m.SchemaVersion.version)).scalar()
    return row or 0


def refuse_foreign(db: pw.Database) -> None:
    """Only a new or empty database gets Stockroom's schema: a file (or PostgreSQL database)
    that already holds another program's tables is left exactly as it is."""
    theirs = [t for t in db.get_tables() if not t.startswith("sqlite_")]
    if theirs:
        where = db.database if not is_postgres(db) else f"database {db.database}"
        shown = ", ".join(theirs[:5]) + (", ..." if len(theirs) > 5 else "")
        raise StorageError(
            f"{where} is not a Stockroom database: it holds other tables ({shown}). "
            "Nothing was changed. Pick a Stockroom file, or a new file name to start one.")


def ensure_schema(db: pw.Database, migrations: dict | None = None) -> int:
    """Bring the database to the current version; returns the version now in force."""
    migrations = migrations or MIGRATIONS
    target = max(migrations)
    current = schema_version(db)
    if current > target:
        raise StorageError(
            f"This database has schema version {current}, newer than this Stockroom "
            f"understands ({target}). Update Stockroom before opening it."
        )
    if current == target:
        return current
    if current == 0:
        refuse_foreign(db)
    if current > 0 and not is_postgres(db):
        backup_sqlite(Path(db.database), label=f"before-v{target}")
    with db.atomic():
        for version in range(current + 1, target + 1):
            migrations[version](db)
            m.SchemaVersion.create(version=version)
    return target
