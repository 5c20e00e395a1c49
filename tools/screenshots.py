"""Render each main view of the desktop app on the demo database to docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out DIR] [--database FILE]

Builds a fresh scale-1 demo database in a temporary folder (unless --database is given),
opens the main window at 1440 × 900 with throw-away settings, shows each page with a
typical row selected, and saves one PNG per page, plus the first-run welcome page and a
check-out dialog.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (1440, 900)


def settle(app, runner, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        runner.wait_idle(5000)
        app.processEvents()
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--database", help="an existing demo database (default: build one)")
    args = parser.parse_args(argv)

    import peewee as pw
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from inventory import models as m
    from inventory.demo import load_demo
    from inventory.operators import os_operator
    from inventory.storage import open_store
    from scanners.scan import Scan
    from ui import style
    from ui.events import ChangeBus
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.tasks import TaskRunner
    from ui.views.base import AppContext

    style.apply(app)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="stockroom-shots-"))
    url = args.database or str(tmp / "demo.sqlite")
    db = open_store(url)
    op = os_operator(db)
    if not m.Product.select().exists():
        print("building the demo database…")
        load_demo(db, op)
    settings = Settings.in_file(str(tmp / "settings.ini"))
    ctx = AppContext(db, op, ChangeBus(), settings, TaskRunner(db), url)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    saved: list[Path] = []

    def shoot(name: str, widget=None) -> None:
        settle(app, ctx.runner)
        if not name.startswith("02"):
            window.status.clearMessage()  # the scan station's last message
        path = out / f"{name}.png"
        (widget or window).grab().save(str(path))
        saved.append(path)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def page(key: str):
        p = window.show_page(key)
        settle(app, ctx.runner)
        return p

    try:
        shoot_views(app, ctx, window, page, shoot, m, pw, Scan)
        shoot_shop(app, ctx, window, page, shoot, m, Scan)
        saved.extend(shoot_showback(app, ctx, window, page, shoot, out))
    finally:
        window.close()
        db.close()

    # The first run: an empty database opens on the welcome page.
    empty_url = str(tmp / "empty.sqlite")
    empty = open_store(empty_url)
    ctx2 = AppContext(empty, os_operator(empty), ChangeBus(), settings, TaskRunner(empty),
                      empty_url)
    first = MainWindow(ctx2)
    first.resize(*SIZE)
    first.show()
    try:
        settle(app, ctx2.runner)
        path = out / "00-welcome.png"
        first.grab().save(str(path))
        saved.append(path)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    finally:
        first.close()
        empty.close()
    print(f"{len(saved)} screenshots in {out}")
    return 0


def shoot_views(app, ctx, window, page, shoot, m, pw, Scan) -> None:  # noqa: N803
    """Each main view with a typical row selected, and the check-out dialog."""
    page("dashboard")
    settle(app, ctx.runner, 0.6)
    shoot("01-dashboard")

    station = page("scan")
    deployed_to = m.Person.select().where(m.Person.active).order_by(m.Person.id).first()
    in_stock = m.Asset.select().where(m.Asset.status == "in_stock").order_by(m.Asset.id).first()
    if hasattr(station, "handle_scan"):
        station.handle_scan(Scan(deployed_to.employee_id, "code128", "usb", datetime.now()))
        station.handle_scan(Scan(in_stock.tag, "code128", "usb", datetime.now()))
    shoot("02-scan-station")

    devices = page("devices")
    busy = (m.Asset.select(m.Asset, m.Movement.id).join(m.Movement, on=(
        m.Movement.asset == m.Asset.id)).where(m.Asset.status == "deployed")
            .group_by(m.Asset.id).order_by(pw.fn.COUNT(m.Movement.id).desc(), m.Asset.id)
            .first())
    devices.select_id(busy.id)
    shoot("03-devices")

    stock = page("stock")
    transit = m.Location.get(m.Location.kind == "in_transit")
    moving = (m.StockLevel.select().where((m.StockLevel.location == transit.id)
                                          & (m.StockLevel.quantity > 0))
              .order_by(m.StockLevel.quantity.desc()).first())
    stock.select_id(moving.product_id)
    shoot("04-spares-and-stock")

    licenses = page("licenses")
    licenses.select_id(m.License.select().where(m.License.license_type == "per_user")
                       .order_by(m.License.seats.desc(), m.License.id).first().id)
    shoot("05-licenses")

    locations = page("locations")
    locations.select_id(m.Location.get(m.Location.kind == "3pl").id)
    shoot("06-locations-and-3pl")

    people = page("people")
    holder = (m.Person.select().join(m.Asset, on=(m.Asset.holder == m.Person.id))
              .where(m.Person.active).group_by(m.Person.id)
              .order_by(pw.fn.COUNT(m.Asset.id).desc()).first())
    people.select_id(holder.id)
    shoot("07-people")

    orders = page("orders")
    if orders.model.ids():
        orders.select_id(orders.model.ids()[0])
    shoot("08-purchase-orders")

    reorder = page("reorder")
    shoot("09-reorder")
    whatif = getattr(reorder, "whatif", None)
    if whatif is not None:
        reorder.tabs.setCurrentWidget(whatif)
        whatif.run()
        settle(app, ctx.runner, 0.5)
        shoot("09b-reorder-what-if")
        reorder.tabs.setCurrentIndex(0)

    history = page("history")
    settle(app, ctx.runner, 0.5)
    history.table.selectRow(0)
    shoot("10-history")

    page("settings")
    shoot("11-settings")

    devices = page("devices")
    devices.search.setText(in_stock.tag)
    devices.search.flush()
    devices.select_id(in_stock.id)
    settle(app, ctx.runner)
    if devices.act_out.isEnabled():
        devices.act_out.trigger()
        dialog = devices.dialog
        dialog.person.set_code(deployed_to.employee_id)
        shoot("12-check-out-dialog", dialog)
        dialog.reject()


def shoot_showback(app, ctx, window, page, shoot, out: Path) -> list[Path]:
    """Showback with a cost centre's items, at both sizes; the dashboard's Business tab;
    one page of the statements PDF."""
    from ui.showback.statements import read_items, statement_image

    showback = page("showback")
    settle(app, ctx.runner, 0.5)
    shoot("16-showback")  # the lines and the stacked bar per cost centre
    size = window.size()
    window.resize(1024, 700)
    settle(app, ctx.runner, 0.5)
    shoot("16c-showback-1024x700")  # the lines and the chart at the smallest size
    showback.select("CC-300")
    settle(app, ctx.runner, 0.5)
    shoot("16b-showback-items-1024x700")  # the items behind one line, at the smallest size
    window.resize(size)
    showback.open_settings()
    settle(app, ctx.runner, 0.5)
    if showback.dialog is not None:  # budgets, rates and depreciation, edited in the window
        shoot("16d-cost-settings", showback.dialog)
        showback.dialog.tabs.setCurrentIndex(1)
        shoot("16e-cost-settings-rates", showback.dialog)
        showback.dialog.reject()
    dashboard = page("dashboard")
    dashboard.tabs.setCurrentWidget(dashboard.business)
    settle(app, ctx.runner, 1.0)
    shoot("17-dashboard-business")
    window.resize(1024, 700)
    settle(app, ctx.runner, 0.5)
    shoot("17b-dashboard-business-1024x700")
    window.resize(size)
    dashboard.tabs.setCurrentIndex(0)
    sb = showback.sb
    line = sb.line("CC-300")
    image = statement_image(sb, line, read_items(ctx.db, sb)["CC-300"])
    path = out / "18-statement-pdf-page.png"
    image.save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return [path]


SHOP_SIZES = ((1024, 700), (1440, 900))


def shoot_shop(app, ctx, window, page, shoot, m, Scan) -> None:  # noqa: N803
    """The service desk's shop at the smallest and the usual window size: the Requests
    page with a waiting request selected, and the loan calendar of the pool's model."""
    from inventory.queries.bookings import pool_models
    from ui.dialogs.requests import LoanCalendarDialog

    for w, h in SHOP_SIZES:
        window.resize(w, h)
        settle(app, ctx.runner)
        requests = page("requests")
        waiting = (m.Request.select().where(m.Request.state == "reserved")
                   .order_by(m.Request.id).first())
        if waiting is not None:
            requests.select_id(waiting.id)
        shoot(f"13-requests-{w}x{h}")
        station = page("scan")
        ready = (m.Request.select().join(m.CatalogItem).where(
            (m.Request.state == "reserved") & (m.CatalogItem.kind == "kit"))
            .order_by(m.Request.id.desc()).first())
        if ready is not None and hasattr(station, "set_mode"):
            station.set_mode("kit")
            station.handle_scan(Scan(ready.person.employee_id, "code128", "usb",
                                     datetime.now()))
            held = (m.Reservation.select().where((m.Reservation.request == ready.id)
                                                 & m.Reservation.asset.is_null(False))
                    .order_by(m.Reservation.id).first())
            if held is not None:
                station._last = ("", "", 0.0)
                station.handle_scan(Scan(held.asset.tag, "code128", "usb", datetime.now()))
            if hasattr(station, "wait"):
                station.wait()
            shoot(f"15-kit-at-the-scan-station-{w}x{h}")
            station.cancel()
            station.set_mode("checkout")
            if hasattr(station, "wait"):
                station.wait()
        models = pool_models()
        if models:
            dialog = LoanCalendarDialog(ctx, models[0], window)
            dialog.resize(min(w - 40, 1000), min(h - 80, 480))
            dialog.show()
            settle(app, ctx.runner, 0.5)
            shoot(f"14-loan-calendar-{w}x{h}", dialog)
            dialog.close()
    window.resize(*SIZE)
    settle(app, ctx.runner)


if __name__ == "__main__":
    sys.exit(main())
