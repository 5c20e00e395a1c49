"""Shared fixtures: real SQLite files, a real PostgreSQL server, the demo database.

Service tests take `store`, which runs each test on SQLite and on PostgreSQL.

Time is an input: the whole session runs on a pinned day (`STOCKROOM_TODAY`, which the app
and every subprocess honour through `inventory/clock.py`), and the demo is built for that
day. A demo test marked `every_demo_date` runs once for each of DEMO_DATES, with the demo built
for that day and the clock pinned to it, so a test that only passes on some days fails here.
"""

from __future__ import annotations

import itertools
import os
import shutil
import weakref
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QThread

from inventory import clock
from inventory.demo import load_demo
from inventory.operators import OperatorRef, os_operator
from inventory.storage import open_store
from ui.events import ChangeBus
from ui.settings import Settings
from ui.tasks import TaskRunner
from ui.views.base import AppContext

from .pg_server import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_counter = itertools.count()

PINNED_TODAY = date(2026, 12, 1)
# a month start, 29 February of a leap year, a year end
DEMO_DATES = (date(2026, 12, 1), date(2028, 2, 29), date(2026, 12, 31))
os.environ[clock.ENV] = PINNED_TODAY.isoformat()  # before any test, for subprocesses too


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "every_demo_date: run at each of DEMO_DATES, the demo built for that day")


def pytest_generate_tests(metafunc) -> None:
    if (metafunc.definition.get_closest_marker("every_demo_date")
            and "demo_url" in metafunc.fixturenames):
        metafunc.parametrize("today", DEMO_DATES, indirect=True, ids=str)


@pytest.fixture(autouse=True)
def today(request, monkeypatch) -> date:
    """The day this test runs on: the clock (and any subprocess) is pinned to it."""
    day = getattr(request, "param", PINNED_TODAY)
    monkeypatch.setenv(clock.ENV, day.isoformat())
    return day


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


@pytest.fixture(scope="session")
def team_server():
    """A second server that checks passwords (SCRAM-SHA-256) on TCP: team-mode tests sign
    in with real database logins. Started only when such a test runs."""
    server = PgServer(password="superuser-pass-1")
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - surface why PostgreSQL is missing
        pytest.fail(f"Could not start PostgreSQL for the tests: {exc}")
    yield server
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
def demo_templates(tmp_path_factory):
    """The scale-1 demo, built once per session for each day asked for; tests get copies."""
    built: dict[date, Path] = {}

    def template(day: date) -> Path:
        if day not in built:
            path = tmp_path_factory.mktemp(f"demo-{day}") / "demo.sqlite"
            database = open_store(str(path))
            load_demo(database, os_operator(database), today=day)
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
            built[day] = path
        return built[day]

    return template


@pytest.fixture
def demo_url(demo_templates, today, tmp_path) -> str:
    """A copy of the demo built for the day the test runs on."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_templates(today), path)
    return str(path)


@pytest.fixture
def demo_db(demo_url):
    database = open_store(demo_url)
    yield database
    database.close()


# -- the desktop app ---------------------------------------------------------------------

@pytest.fixture
def no_threads_left(monkeypatch):
    """Fail a test that leaves a QThread running (napari's check, by wrapping start)."""
    started: list[weakref.ref] = []
    original = QThread.start

    def start(self, *args):
        started.append(weakref.ref(self))
        return original(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    yield started
    running = [t for t in (r() for r in started) if t is not None and t.isRunning()]
    for t in running:
        t.quit()
        t.wait(2000)
    assert not running, f"{len(running)} QThread(s) still running after the test"


@pytest.fixture
def ui_settings(tmp_path, qapp):
    return Settings.in_file(str(tmp_path / "stockroom.ini"))


@pytest.fixture
def ctx(qapp, demo_db, demo_url, ui_settings, no_threads_left):
    """The app context on a copy of the demo database; the worker is shut down after."""
    runner = TaskRunner(demo_db)
    context = AppContext(demo_db, os_operator(demo_db), ChangeBus(), ui_settings, runner,
                         demo_url)
    context.topics = []  # the kinds of change of every notice, in order
    context.notices = []
    context.bus.changed.connect(context.notices.append)
    context.bus.changed.connect(lambda changes: context.topics.extend(sorted(changes.kinds)))
    yield context
    runner.shutdown()


@pytest.fixture
def window(qtbot, ctx):
    """The main window on the demo database, shown."""
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1400, 880)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
