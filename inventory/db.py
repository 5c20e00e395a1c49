"""Opening the database: where it lives, which backend, and its connection settings."""

from __future__ import annotations

from urllib.parse import urlparse

import peewee

from .dburl import (  # noqa: F401 - where the database is: re-exported for inventory
    APP_NAME,
    ENV_VAR,
    default_database_path,
    describe,
    resolve_url,
    sqlite_path,
)
from .dburl import is_postgres as _is_postgres_url
from .store import Store

database_proxy = peewee.DatabaseProxy()

Handle = peewee.Database | peewee.DatabaseProxy | Store


def unwrap(db: Handle | None = None) -> peewee.Database:
    """The peewee database behind `db`: a `Store`, the models' proxy, or the database
    itself; None means the database the models are bound to."""
    if db is None:
        db = database_proxy
    if isinstance(db, Store):
        return db._database
    if isinstance(db, peewee.DatabaseProxy):
        return db.obj
    return db


def is_postgres(target: str | Handle | None = None) -> bool:
    """Whether `target` is PostgreSQL: a URL, an open database (or `Store`, or the
    proxy), or None for the database the models are bound to."""
    if isinstance(target, str):
        return _is_postgres_url(target)
    return isinstance(unwrap(target), peewee.PostgresqlDatabase)


SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,  # ms: a second desk waits rather than fails
    # FULL: a committed scan survives a power cut too, not only a crash of the app
    # (WAL + NORMAL may lose the last transactions when the machine loses power).
    "synchronous": "full",
    "cache_size": -32_000,
    # REPLACE deletes the row it replaces; only with recursive triggers does that delete
    # meet the ledger's guard (schema v8 also refuses it with a BEFORE INSERT trigger).
    "recursive_triggers": 1,
}


def serialize(name: str) -> None:
    """Make writers that allocate the next number of `name` (order numbers, asset tags,
    shipment numbers) take turns until the transaction ends. PostgreSQL: an advisory
    transaction lock (otherwise two desks read the same MAX and one fails on the unique
    index); SQLite: its IMMEDIATE writer lock already does it."""
    if is_postgres():
        db = unwrap()
        key = int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "big") & 0x7FFF_FFFF_FFFF_FFFF
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def postgres_database(url: str, **connect_args) -> peewee.PostgresqlDatabase:
    """A PostgreSQL handle for `url`, not yet connected nor bound to the models."""
    u = urlparse(url)
    return peewee.PostgresqlDatabase(u.path.lstrip("/"), user=u.username, password=u.password,
                                     host=u.hostname, port=u.port or 5432, **connect_args)


def open_database(url: str) -> peewee.Database:
    """Connect and bind the models to this database (one per process)."""
    if is_postgres(url):
        db: peewee.Database = postgres_database(url)
    else:
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE: a writer takes the lock when it begins, so two desks never
        # deadlock upgrading read locks; the busy timeout makes the second wait.
        db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    database_proxy.initialize(db)
    db.connect(reuse_if_open=True)
    return db
