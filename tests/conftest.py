"""Shared fixtures: real SQLite files, a real PostgreSQL server, the demo database.

Service tests take `store`, which runs each test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

from inventory.demo import load_demo
from inventory.operators import OperatorRef, os_operator
from inventory.storage import open_store

from .pg_server import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    url = os.environ.get("STOCKROOM_TEST_PG")
    if url:
        yield url, None
        return
    server = PgServer()
    try:
        base = server.start()
    except Exception as exc:  # noqa: BLE001 - surface why PostgreSQL is missing
        pytest.fail(f"Could not start PostgreSQL for the tests: {exc}")
    yield base, server
    server.stop()


def fresh_pg_url(pg_server) -> str:
    base, server = pg_server
    name = f"t{os.getpid()}_{next(_counter)}"
    if server is not None:
        return server.create_database(name)
    import psycopg2

    conn = psycopg2.connect(base)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A new SQLite file (not yet created)."""
    return str(tmp_path / "stockroom.sqlite")


@pytest.fixture
def db(db_url):
    database = open_store(db_url)
    yield database
    database.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """The database on each backend in turn: (db, url)."""
    if request.param == "sqlite":
        url = str(tmp_path / "stockroom.sqlite")
    else:
        url = fresh_pg_url(request.getfixturevalue("pg_server"))
    database = open_store(url)
    yield database, url
    database.close()


@pytest.fixture
def admin(db) -> OperatorRef:
    return os_operator(db)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The scale-1 demo, built once per session; tests get copies."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    database = open_store(str(path))
    load_demo(database, os_operator(database))
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def demo_url(demo_template, tmp_path) -> str:
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, path)
    return str(path)


@pytest.fixture
def demo_db(demo_url):
    database = open_store(demo_url)
    yield database
    database.close()
