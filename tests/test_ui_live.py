"""Two desks, two real processes: desk A's window (offscreen) shows what desk B does, live;
F5 reads everything again; on PostgreSQL through NOTIFY/LISTEN, on SQLite data_version."""

import subprocess
import sys
from pathlib import Path

import pytest

from inventory import models as m
from inventory.operators import OperatorRef, os_operator
from inventory.storage import open_store
from ui.events import ChangeBus
from ui.live import LiveUpdates
from ui.tasks import TaskRunner
from ui.views.base import AppContext

from .finders import asset_tags, employee_ids
from .team import ADMIN_PASSWORD, demo_on_postgres

ROOT = Path(__file__).resolve().parent.parent


class DeskB:
    """The other desk: a process that writes when told and says when it committed."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None):
        args = [sys.executable, "-m", "tests.desk_b", url] + ([user, password] if user else [])
        self.proc = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "READY"

    def do(self, line: str) -> float:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer.startswith("OK"), answer
        return float(answer.split()[1])

    def close(self) -> None:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()


def spare_on_shelf(url: str) -> tuple[str, str, int]:
    """(location code, product GTIN or part number, quantity) of some spares on a shelf."""
    db = open_store(url)
    try:
        sl = (m.StockLevel.select(m.StockLevel, m.Product, m.Location)
              .join(m.Product).switch(m.StockLevel).join(m.Location)
              .where((m.StockLevel.quantity > 2) & (m.Location.kind == "stockroom")
                     & (m.Product.gtin.is_null(False)))
              .order_by(m.StockLevel.id).first())
        return sl.location.code, sl.product.gtin, sl.quantity
    finally:
        db.close()


@pytest.fixture
def desk_a(qtbot, ui_settings, no_threads_left):
    """Desk A's window on a database, with live updates on (as `ui.app` starts it)."""
    from ui.main_window import MainWindow

    made = []

    def make(url: str, operator: OperatorRef):
        db = open_store(url)
        runner = TaskRunner(db)
        ctx = AppContext(db, operator, ChangeBus(), ui_settings, runner, url)
        ctx.notices = []
        ctx.bus.changed.connect(ctx.notices.append)
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.resize(1400, 880)
        live = LiveUpdates(db, url, ctx.bus, w)
        w.attach_live(live)
        live.start()
        w.show()
        made.append((w, db))
        return w

    yield make
    for w, db in made:
        w.close()
        db.close()


def wait_text(qtbot, window, needle: str, timeout=10_000) -> None:
    qtbot.waitUntil(lambda: needle in window.last_remote, timeout=timeout)


def select_tag(qtbot, page, tag: str) -> None:
    page.search.setText(tag)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.table.selectRow(0)


@pytest.mark.postgres
def test_desk_a_sees_desk_b_checkout_receipt_and_count_on_postgres(qtbot, desk_a, demo_url,
                                                                     pg_server):
    url, admin = demo_on_postgres(demo_url, pg_server)
    (tag,) = asset_tags(demo_url, "in_stock")
    (person,) = employee_ids(demo_url, 1)
    where, product, qty = spare_on_shelf(demo_url)
    window = desk_a(url, admin)
    devices = window.show_page("devices")
    select_tag(qtbot, devices, tag)
    b = DeskB(url, admin.username, ADMIN_PASSWORD)
    try:
        assert window.live.wait_connected()  # desk A is listening
        b.do(f"checkout {tag} {person}")
        wait_text(qtbot, window, f"checked out {tag}")
        assert any(n.touches("assets") and n.ids.get("asset") for n in window.ctx.notices)
        assert "at another desk" in window.status.currentMessage()
        # the asset on screen is the one desk B took: the page says so, and shows it now
        assert "What you are looking at changed" in devices.messages.text()
        qtbot.waitUntil(lambda: "Deployed" in _row_text(devices) or
                        "deployed" in _row_text(devices), timeout=10_000)
        b.do(f"receive {where} {product} 3")
        wait_text(qtbot, window, "received 3 ×")
        b.do(f"count {where} {product} {qty + 3 - 1}")
        wait_text(qtbot, window, "counted")
        assert window.ctx.notices[-1].touches("stock")
    finally:
        b.close()


def _row_text(page) -> str:
    model = page.model
    return " ".join(str(model.data(model.index(0, c))) for c in range(model.columnCount()))


def test_desk_a_sees_another_process_on_the_same_sqlite_file(qtbot, desk_a, demo_url):
    (tag,) = asset_tags(demo_url, "in_stock")
    (person,) = employee_ids(demo_url, 1)
    db = open_store(demo_url)
    me = os_operator(db)
    db.close()
    window = desk_a(demo_url, me)
    window.show_page("devices")
    b = DeskB(demo_url)
    try:
        assert window.live.wait_connected()  # desk A watches the file
        b.do(f"checkout {tag} {person}")
        wait_text(qtbot, window, f"checked out {tag}")
        assert any(n.touches("assets") for n in window.ctx.notices)
    finally:
        b.close()


def test_f5_reads_everything_again(qtbot, window):
    before = len(window.ctx.notices)
    window.refresh_action.trigger()
    assert len(window.ctx.notices) == before + 1
    assert window.ctx.notices[-1].kinds >= {"assets", "stock", "licenses"}
    assert "Read again" in window.status.currentMessage()
