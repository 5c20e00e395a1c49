"""The open database as the window holds it: an opaque handle.

`ui/` never holds a peewee object. It gets a `Store` from `storage.open_store_handle`
(or `operators.sign_in_to_server`) and hands it back to inventory's entry points, which
take a `Store` wherever they take a database and reach the database behind it with
`db.unwrap`. What the window may ask of the handle itself: its URL and a label, the
backend, and closing this thread's connection (the live and reconnect hooks are
`live.listen_params` / `live.reconnect` / `live.reconnect_if_lost`, which take it).
"""

from __future__ import annotations

import peewee as pw

from .dburl import describe


class Store:
    """One open database (SQLite file or PostgreSQL), bound to the models."""

    __slots__ = ("_database", "url")

    def __init__(self, database: pw.Database, url: str = "") -> None:
        self._database = database
        self.url = url

    @property
    def label(self) -> str:
        """For the status bar, without a password: "SQLite /path" / "PostgreSQL host/db"."""
        if self.url:
            return describe(self.url)
        return f"{'PostgreSQL' if self.is_postgres else 'SQLite'} {self._database.database}"

    @property
    def is_postgres(self) -> bool:
        return isinstance(self._database, pw.PostgresqlDatabase)

    def is_closed(self) -> bool:
        """Whether this thread has no open connection."""
        return bool(self._database.is_closed())

    def close(self) -> None:
        """Close this thread's connection (the next statement opens a new one)."""
        if not self._database.is_closed():
            self._database.close()

    def __repr__(self) -> str:
        return f"Store({self.label})"


def as_store(db: Store | pw.Database, url: str = "") -> Store:
    """`db` as a handle (tests and tools open a database directly)."""
    return db if isinstance(db, Store) else Store(db, url)
