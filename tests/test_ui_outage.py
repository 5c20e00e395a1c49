"""The server goes away mid-session (a real server stopped and started in the test): the
window says so within 2 s, keeps the basket, refuses to confirm, reconnects by itself."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inventory.storage import open_store
from ui.live import LiveUpdates

from .finders import asset_tags, employee_ids
from .pg_server import PgServer
from .team import ADMIN_PASSWORD, demo_on_postgres
from .ui_scan_support import IGNORE_OFFSCREEN, Station

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, IGNORE_OFFSCREEN]


@pytest.fixture
def own_server():
    """A server of this test's own, to stop and start."""
    server = PgServer()
    server.start()
    yield server
    server.stop()


def test_server_outage_at_the_scan_station(qtbot, demo_url, own_server, no_threads_left):
    url, admin = demo_on_postgres(demo_url, (own_server.url("postgres"), own_server))
    tags = asset_tags(demo_url, "in_stock", 2)
    (person,) = employee_ids(demo_url, 1)
    db = open_store(url)
    station = Station(qtbot, db, admin)
    live = LiveUpdates(db, url, station.bus)
    reach: list[tuple[bool, float]] = []
    live.reachable_changed.connect(lambda up: reach.append((up, time.monotonic())))
    live.start()
    try:
        assert live.wait_connected()  # listening
        station.scan(person)
        for tag in tags:
            station.scan(tag)
        mode = station.page.mode
        assert len(mode.basket.lines) == 2
        stopped = time.monotonic()
        own_server.pause()
        qtbot.waitUntil(lambda: bool(reach) and reach[-1][0] is False, timeout=5000)
        assert reach[-1][1] - stopped <= 2.0, "unreachable was said too late"
        # confirming is refused, and nothing of the basket is lost
        outcome = station.do("confirm")
        assert "Cannot reach the PostgreSQL server" in outcome.detail
        assert len(mode.basket.lines) == 2
        assert all(ln.status == "ready" for ln in mode.basket.lines)
        # the command line says the same in one line, exit 1
        r = subprocess.run([sys.executable, "main.py", "--user", admin.username, "checkout",
                            tags[0], "--to", person], cwd=ROOT, capture_output=True,
                           text=True, timeout=60,
                           env={**os.environ, "STOCKROOM_DATABASE": url,
                                "STOCKROOM_PASSWORD": ADMIN_PASSWORD})
        assert r.returncode == 1
        assert r.stderr.strip() == ("error: Cannot reach the PostgreSQL server. Check the "
                                    "address and that it is running.")
        before = len(station.notices)
        own_server.resume()
        qtbot.waitUntil(lambda: reach[-1][0] is True, timeout=10_000)
        # LISTEN resumed and every view read again
        qtbot.waitUntil(lambda: len(station.notices) > before, timeout=5000)
        assert station.notices[-1].kinds >= {"assets", "stock"}
        outcome = station.do("confirm")  # the connection is made again by itself
        assert outcome.state == "ok", outcome.detail
        assert all(ln.status == "done" for ln in mode.basket.lines)
    finally:
        live.stop()
        db.close()


def test_the_window_says_unreachable_and_back(qtbot, demo_url, own_server, ui_settings,
                                              no_threads_left):
    from ui.events import ChangeBus
    from ui.main_window import MainWindow
    from ui.tasks import TaskRunner
    from ui.views.base import AppContext

    url, admin = demo_on_postgres(demo_url, (own_server.url("postgres"), own_server))
    db = open_store(url)
    ctx = AppContext(db, admin, ChangeBus(), ui_settings, TaskRunner(db), url)
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    live = LiveUpdates(db, url, ctx.bus, w)
    w.attach_live(live)
    live.start()
    w.show()
    try:
        page = w.show_page("devices")
        assert live.wait_connected()
        own_server.pause()
        qtbot.waitUntil(lambda: "unreachable" in w.status.database.text(), timeout=2500)
        assert "reach" in page.messages.text().lower()  # "cannot be reached" / "Cannot reach"
        own_server.resume()
        qtbot.waitUntil(lambda: "unreachable" not in w.status.database.text(), timeout=10_000)
        assert "answers again" in page.messages.text()
        # the worker's connection comes back by itself: the page reads again
        page.refresh()
        assert ctx.runner.wait_idle(10_000)
        assert page.model.rowCount() > 0
    finally:
        w.close()
        db.close()
