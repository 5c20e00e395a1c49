"""The window's handle on the database (`inventory/store.py`): opaque to `ui/`, accepted by
the inventory entry points the window calls, on either backend."""

from __future__ import annotations

import peewee as pw

from inventory import live
from inventory.commands import CreateLocation
from inventory.db import is_postgres, unwrap
from inventory.operations import execute
from inventory.operators import needs_sign_in, os_operator
from inventory.queries import lookups
from inventory.queries.dashboard import spend_by_month
from inventory.queries.reorder import page_alerts
from inventory.storage import open_store_handle
from inventory.store import Store


def test_the_windows_handle_writes_and_reads_on_its_backend(store):
    db, url = store
    handle = open_store_handle(url)
    try:
        pg = url.startswith("postgres")
        assert not isinstance(handle, pw.Database)
        assert handle.is_postgres is pg and is_postgres(handle) is pg
        assert isinstance(unwrap(handle), pw.PostgresqlDatabase if pg else pw.SqliteDatabase)
        assert handle.label.startswith("PostgreSQL" if pg else "SQLite")
        assert needs_sign_in(handle) is pg  # PostgreSQL always asks who is there

        op = os_operator(handle)
        result = execute(handle, op, CreateLocation("Back room", "BR-1", "stockroom"))
        assert "locations" in result.changes.kinds
        assert "BR-1" in {c.code for c in lookups.locations()}
        # Backend-specific reads take the handle too (month grouping is SQL per backend).
        assert spend_by_month(handle, months=3) is not None
        assert page_alerts(handle, None, alerts_only=True).lines == []
        # The live hooks: a LISTEN connection only on PostgreSQL.
        assert (live.listen_params(handle) is not None) is pg
    finally:
        handle.close()
    assert handle.is_closed()
    assert "BR-1" in {c.code for c in lookups.locations()}  # a new connection on demand
    handle.close()


def test_app_context_holds_a_store_even_when_given_the_database(ctx):
    assert isinstance(ctx.db, Store)
    assert not isinstance(ctx.db, pw.Database)
    assert ctx.db.url == ctx.url
