"""Render each main view of the desktop app on the demo database to docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out DIR] [--database FILE]
                                                          [--size 1440x900 ...]

Builds a fresh scale-1 demo database in a temporary folder (unless --database is given),
opens the main window with throw-away settings at each size (1440 × 900 and 1024 × 700 by
default: the largest and smallest the window is made for), shows each page with a typical
row selected, and saves one PNG per page into `DIR/<width>x<height>/`, plus the first-run
welcome page and the dialogs that finish a job: check-out, a draft purchase order being
edited, a product's supplier offers, a license renewal, editing a device, the F1 list of
shortcuts, and the operators in Settings. The
demo gets one draft order and two more operators for them (written as the window writes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = ((1440, 900), (1024, 700))


def settle(app, runner, seconds: float = 0.3) -> None:
    """Let the worker and the event loop finish what the page started: at least `seconds`
    of turns of the loop after the worker went idle (a loaded machine makes the worker
    slow, and the pages' timers run only between its results)."""
    end = time.monotonic() + seconds
    while True:
        runner.wait_idle(5000)
        app.processEvents()
        if time.monotonic() >= end:
            break
        time.sleep(0.02)
    for _ in range(5):  # (timers due by now)
        time.sleep(0.04)
        app.processEvents()
        runner.wait_idle(5000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--database", help="an existing demo database (default: build one)")
    parser.add_argument("--size", action="append", metavar="WxH",
                        help="a window size (repeatable; default 1440x900 and 1024x700)")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.lower().split("x")) for s in args.size] if args.size \
        else list(SIZES)
    tmp = Path(tempfile.mkdtemp(prefix="stockroom-shots-"))
    try:
        return render(args, sizes, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the demo database and the settings


def render(args, sizes, tmp: Path) -> int:
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
    url = args.database or str(tmp / "demo.sqlite")
    db = open_store(url)
    if not m.Product.select().exists():
        print("building the demo database…")
        load_demo(db, os_operator(db))
    draft_order(db, os_operator(db), m)
    colleagues(db, os_operator(db), m)
    db.close()
    empty_url = str(tmp / "empty.sqlite")
    saved: list[Path] = []

    def save(widget, path: Path) -> None:
        widget.grab().save(str(path))
        saved.append(path)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    for width, height in sizes:
        db = open_store(url)
        op = os_operator(db)
        folder = out / f"{width}x{height}"
        folder.mkdir(parents=True, exist_ok=True)
        # Fresh settings for each size: no column widths or splitters carried over.
        settings = Settings.in_file(str(tmp / f"settings-{width}x{height}.ini"))
        ctx = AppContext(db, op, ChangeBus(), settings, TaskRunner(db), url)
        window = MainWindow(ctx)
        window.resize(width, height)
        window.show()

        def shoot(name: str, widget=None, window=window, ctx=ctx, folder=folder) -> None:
            settle(app, ctx.runner)
            if not name.startswith("02"):
                window.status.clearMessage()  # the scan station's last message
            save(widget or window, folder / f"{name}.png")

        def page(key: str, window=window, ctx=ctx):
            p = window.show_page(key)
            settle(app, ctx.runner)
            return p

        try:
            shoot_views(app, ctx, window, page, shoot, m, pw, Scan)
            shoot_shop(app, ctx, window, page, shoot, m, Scan)
            shoot_finishing(app, ctx, window, page, shoot, m, pw)
            shoot_showback(app, ctx, page, shoot, folder, save)
        finally:
            window.close()
            db.close()

        # The first run: an empty database opens on the welcome page.
        empty = open_store(empty_url)
        ctx2 = AppContext(empty, os_operator(empty), ChangeBus(), settings,
                          TaskRunner(empty), empty_url)
        first = MainWindow(ctx2)
        first.resize(width, height)
        first.show()
        try:
            settle(app, ctx2.runner)
            save(first, folder / "00-welcome.png")
        finally:
            first.close()
            empty.close()
    print(f"{len(saved)} screenshots in {out}")
    return 0


def draft_order(db, op, m) -> None:  # noqa: N803
    """A draft purchase order of three lines, to show the order editor (the demo's orders
    are all placed): written as the window writes, one command through the operations."""
    from inventory import operations
    from inventory.commands import CreateOrder
    from inventory.uow import UnitOfWork

    if m.PurchaseOrder.select().where(m.PurchaseOrder.status == "draft").exists():
        return
    offer = (m.SupplierOffer.select().join(m.Product).where(m.Product.kind == "spare")
             .order_by(m.SupplierOffer.id).first())
    if offer is None:
        return
    products = [o.product for o in m.SupplierOffer.select().where(
        m.SupplierOffer.supplier == offer.supplier_id).order_by(m.SupplierOffer.id).limit(3)]
    ship_to = m.Location.select().where(m.Location.kind == "stockroom").order_by(
        m.Location.id).first()
    lines = tuple((p.part_number or p.name, 5 * (i + 1)) for i, p in enumerate(products))
    with UnitOfWork(db, op) as uow:
        operations.run(uow, CreateOrder(offer.supplier.name, ship_to.code, lines))


def colleagues(db, op, m) -> None:  # noqa: N803
    """Two more operators (a service-desk agent and a buyer, one disabled), so Settings
    shows what an admin manages."""
    from inventory import operations
    from inventory.commands import AddOperator, SetPassword
    from inventory.commands_admin import DisableOperator
    from inventory.uow import UnitOfWork

    if m.Operator.select().count() > 1:
        return
    with UnitOfWork(db, op) as uow:
        operations.run(uow, SetPassword(op.username, "demo-password-0"))
        operations.run(uow, AddOperator("amira", "service_desk", "demo-password-1",
                                        name="Amira Haddad"))
        operations.run(uow, AddOperator("jonas", "supply_chain", "demo-password-2",
                                        name="Jonas Berg"))
        operations.run(uow, DisableOperator("jonas"))


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


def shoot_showback(app, ctx, page, shoot, folder: Path, save) -> None:
    """Showback (the lines and the stacked bar, then a cost centre's items), its
    budgets and rate card in the window, the dashboard's Business tab and one page of
    the statements PDF, at the window's size."""
    from ui.showback.statements import read_items, statement_image

    showback = page("showback")
    settle(app, ctx.runner, 0.5)
    shoot("30-showback")  # the lines and the stacked bar per cost centre
    showback.open_settings()
    settle(app, ctx.runner, 0.5)
    if showback.dialog is not None:  # budgets, rates and depreciation, edited in the window
        shoot("30c-cost-settings", showback.dialog)
        showback.dialog.tabs.setCurrentIndex(1)
        shoot("30d-cost-settings-rates", showback.dialog)
        showback.dialog.reject()
        settle(app, ctx.runner)
    showback.select("CC-300")
    settle(app, ctx.runner, 0.5)
    shoot("30b-showback-items")  # the items behind one line
    dashboard = page("dashboard")
    dashboard.tabs.setCurrentWidget(dashboard.business)
    settle(app, ctx.runner, 1.0)
    shoot("31-dashboard-business")
    dashboard.tabs.setCurrentIndex(0)
    sb = showback.sb
    line = sb.line("CC-300")
    image = statement_image(sb, line, read_items(ctx.db, sb)["CC-300"])
    path = folder / "32-statement-pdf-page.png"
    image.save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def shoot_shop(app, ctx, window, page, shoot, m, Scan) -> None:  # noqa: N803
    """The service desk's shop (at the window's size): the Requests page with a waiting
    request selected, a kit handed out at the scan station, and the loan calendar of the
    pool's model."""
    from inventory.queries.bookings import pool_models
    from ui.dialogs.requests import LoanCalendarDialog

    requests = page("requests")
    waiting = (m.Request.select().where(m.Request.state == "reserved")
               .order_by(m.Request.id).first())
    if waiting is not None:
        requests.select_id(waiting.id)
    shoot("13-requests")
    station = page("scan")
    ready = (m.Request.select().join(m.CatalogItem).where(
        (m.Request.state == "reserved") & (m.CatalogItem.kind == "kit"))
        .order_by(m.Request.id.desc()).first())
    if ready is not None and hasattr(station, "set_mode"):
        station.set_mode("kit")
        station.handle_scan(Scan(ready.person.employee_id, "code128", "usb", datetime.now()))
        held = (m.Reservation.select().where((m.Reservation.request == ready.id)
                                             & m.Reservation.asset.is_null(False))
                .order_by(m.Reservation.id).first())
        if held is not None:
            station._last = ("", "", 0.0)
            station.handle_scan(Scan(held.asset.tag, "code128", "usb", datetime.now()))
        if hasattr(station, "wait"):
            station.wait()
        shoot("15-kit-at-the-scan-station")
        station.cancel()
        station.set_mode("checkout")
        if hasattr(station, "wait"):
            station.wait()
    models = pool_models()
    if models:
        w, h = window.width(), window.height()
        dialog = LoanCalendarDialog(ctx, models[0], window)
        dialog.resize(min(w - 40, 1000), min(h - 80, 480))
        dialog.show()
        settle(app, ctx.runner, 0.5)
        shoot("14-loan-calendar", dialog)
        dialog.close()


def shoot_dialog(app, ctx, page, action, shoot, name: str) -> None:
    """The dialog `action` opens on the page's selection, pictured, then closed unsaved."""
    settle(app, ctx.runner)
    if action.isEnabled():
        action.trigger()
        dialog = page.dialog
        if dialog is not None:
            shoot(name, dialog)
            dialog.reject()


def shoot_finishing(app, ctx, window, page, shoot, m, pw) -> None:  # noqa: N803
    """Finishing the job in the window: a draft purchase order being edited, a product's
    supplier offers, a license renewal, and the operators in Settings."""
    orders = page("orders")
    draft = (m.PurchaseOrder.select().where(m.PurchaseOrder.status == "draft")
             .order_by(m.PurchaseOrder.id).first())
    if draft is not None:
        orders.select_id(draft.id)
        shoot_dialog(app, ctx, orders, orders.act_edit, shoot, "16-purchase-order-editor")

    stock = page("stock")
    offered = (m.Product.select().join(m.SupplierOffer, on=(
        m.SupplierOffer.product == m.Product.id)).where(m.Product.kind == "spare")
               .group_by(m.Product.id).order_by(pw.fn.COUNT(m.SupplierOffer.id).desc(),
                                                m.Product.id).first())
    if offered is not None:
        stock.select_id(offered.id)
        shoot_dialog(app, ctx, stock, stock.act_edit, shoot, "17-product-offers")

    licenses = page("licenses")
    licenses.select_id(m.License.select().where(m.License.retired_on.is_null())
                       .order_by(m.License.seats.desc(), m.License.id).first().id)
    shoot_dialog(app, ctx, licenses, licenses.act_renew, shoot, "18-license-renewal")

    devices = page("devices")
    spare = (m.Asset.select().where(m.Asset.status == "in_stock").order_by(m.Asset.id).first())
    if spare is not None:
        devices.search.setText(spare.tag)
        devices.search.flush()
        devices.select_id(spare.id)
        shoot_dialog(app, ctx, devices, devices.act_edit, shoot, "19-edit-device")
        devices.search.clear()
        devices.search.flush()

    if hasattr(window, "show_shortcuts"):
        window.show_shortcuts()  # F1
        dialog = getattr(window, "shortcuts_dialog", None)
        if dialog is not None:
            shoot("20-shortcuts-f1", dialog)
            dialog.reject()

    settings = page("settings")
    box = getattr(settings, "operators", None)
    if box is not None:
        from PySide6.QtWidgets import QScrollArea

        scroll = settings.findChild(QScrollArea)
        box.select("amira")
        scroll.ensureWidgetVisible(box, 0, 20)
        settle(app, ctx.runner)
        shoot("11b-settings-operators")
        scroll.verticalScrollBar().setValue(0)


if __name__ == "__main__":
    sys.exit(main())
