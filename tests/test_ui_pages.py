"""The other table views: detail panes show the right data, actions change the database."""

from __future__ import annotations

from inventory import models as m
from inventory.db import unwrap
from inventory.services.verify import verify
from ui.views.history import HistoryPage
from ui.views.licenses import LicensesPage
from ui.views.locations import LocationsPage
from ui.views.orders import OrdersPage
from ui.views.people import PeoplePage
from ui.views.stock import StockPage

from .ui_support import IGNORE_OFFSCREEN, detail_text, settle, show_page, table_texts

pytestmark = IGNORE_OFFSCREEN


def select(qtbot, page, item_id: int) -> None:
    assert page.select_id(item_id)
    qtbot.waitUntil(lambda: page.detail.title_text != "", timeout=2000)


def test_spare_detail_shows_stock_per_location_with_3pl_and_in_transit(qtbot, ctx):
    page = show_page(qtbot, ctx, StockPage)
    transit = m.Location.get(m.Location.kind == "in_transit")
    line = (m.StockLevel.select().where((m.StockLevel.location == transit.id)
                                        & (m.StockLevel.quantity > 0)).first())
    product = line.product
    select(qtbot, page, product.id)
    assert page.detail.title_text == product.name
    shown = detail_text(page)
    for level in m.StockLevel.select().where((m.StockLevel.product == product.id)
                                             & (m.StockLevel.quantity != 0)):
        assert level.location.name in shown
        assert str(level.quantity) in shown
    assert "Northwind Logistics (3PL)" in shown and "In transit" in shown
    row = page.model.row_of(product.id)
    cell = page.model.index(row, page.model.column_of("transit"))
    qtbot.waitUntil(lambda: cell.data() not in (None, ""), timeout=5000)  # fetched on demand
    assert cell.data() == str(line.quantity)
    # The in-transit filter holds exactly the products with stock on the way.
    page.set_filter_value("special", "transit")
    settle(page)
    on_the_way = {sl.product_id for sl in m.StockLevel.select().where(
        (m.StockLevel.location == transit.id) & (m.StockLevel.quantity > 0))}
    assert set(page.model.ids()) == on_the_way


def test_issue_a_spare_from_the_selection(qtbot, ctx):
    page = show_page(qtbot, ctx, StockPage)
    hq = m.Location.get(m.Location.code == "LOC-HQ-SR")
    level = (m.StockLevel.select().where((m.StockLevel.location == hq.id)
                                         & (m.StockLevel.quantity >= 3)).first())
    person = m.Person.select().where(m.Person.active).first()
    select(qtbot, page, level.product_id)
    page.act_issue.trigger()
    dialog = page.dialog
    dialog.person.set_code(person.employee_id)
    dialog.quantity.setValue(2)
    dialog.source.set_code("LOC-HQ-SR")
    dialog.click_ok()
    assert not dialog.form_error.text(), dialog.form_error.text()
    assert not dialog.field_error("person") and not dialog.field_error("quantity")
    ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    after = m.StockLevel.get_by_id(level.id).quantity
    assert after == level.quantity - 2
    assert "Issued 2" in page.messages.text()
    assert verify(unwrap(ctx.db)).ok


def test_license_detail_shows_seats_assignments_and_renewal(qtbot, ctx):
    page = show_page(qtbot, ctx, LicensesPage)
    lic = (m.License.select().where(m.License.license_type == "per_user")
           .order_by(m.License.id).first())
    select(qtbot, page, lic.id)
    shown = detail_text(page)
    def seats():
        return m.LicenseSeat.select().where((m.LicenseSeat.license == lic.id)
                                            & m.LicenseSeat.released_at.is_null())

    used = seats().count()
    assert f"{used} of {lic.seats} seats used" in shown
    assert f"Assignments ({used})" in shown
    assert seats().first().person.name in shown
    assert "Renew by" in shown
    # Assign one more seat from the selection.
    holders = {s.person_id for s in seats()}
    person = m.Person.select().where(m.Person.active & m.Person.id.not_in(holders)).first()
    page.act_assign.trigger()
    page.dialog.person.set_code(person.employee_id)
    page.dialog.click_ok()
    page.dialog.ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    assert seats().count() == used + 1
    assert m.LicenseSeat.select().where((m.LicenseSeat.license == lic.id)
                                        & (m.LicenseSeat.person == person.id)).exists()
    row = page.model.row_of(lic.id)
    assert page.model.index(row, page.model.column_of("used")).data() == str(used + 1)


def test_renewal_filter_matches_the_dashboard_count(qtbot, ctx):
    from inventory.queries.dashboard import counts

    page = show_page(qtbot, ctx, LicensesPage)
    page.set_filter_value("special", "renewal")
    settle(page)
    assert page.model.rowCount() == counts().renewals_due > 0
    assert set(table_texts(page, "state")) <= {"Renewal due", "Expired", "Over-used"}


def test_person_detail_lists_what_they_hold(qtbot, ctx):
    page = show_page(qtbot, ctx, PeoplePage)
    holder = (m.Person.select().join(m.Asset, on=(m.Asset.holder == m.Person.id))
              .where(m.Person.active).first())
    select(qtbot, page, holder.id)
    shown = detail_text(page)
    for a in m.Asset.select().where(m.Asset.holder == holder.id):
        assert a.tag in shown
    assert f"Devices held ({m.Asset.select().where(m.Asset.holder == holder.id).count()})" \
        in shown
    # "Devices" jumps to the Devices view filtered to this person.
    targets = []
    page.navigate.connect(lambda key, filters: targets.append((key, filters)))
    page.act_devices.trigger()
    assert targets == [("devices", {"search": holder.employee_id, "status": None})]


def test_location_detail_and_confirming_a_shipment(qtbot, ctx):
    page = show_page(qtbot, ctx, LocationsPage)
    tpl = m.Location.get(m.Location.kind == "3pl")
    select(qtbot, page, tpl.id)
    shown = detail_text(page)
    ship = (m.Shipment.select().where(m.Shipment.status == "in_transit")
            .order_by(m.Shipment.shipped_at).first())
    assert ship.number in shown
    assert "Transfer lead times" in shown
    page.confirm(ship.number)
    ctx.ops.wait()
    assert m.Shipment.get_by_id(ship.id).status == "arrived"
    assert "arrived" in page.messages.text()
    assert verify(unwrap(ctx.db)).ok


def test_orders_place_and_cancel(qtbot, ctx, monkeypatch):
    from inventory.services import purchasing
    from ui.views import orders

    asked = []  # Place asks first (a message box): answered yes here
    monkeypatch.setattr(orders, "ask_place", lambda *args: asked.append(args) or True)

    supplier = m.Supplier.select().first()
    product = m.Product.select().where(m.Product.kind == "spare").first()
    draft = purchasing.create_order(unwrap(ctx.db), ctx.operator, supplier.name, "LOC-3PL-NW",
                                    [(product.part_number, 5)])
    page = show_page(qtbot, ctx, OrdersPage)
    po = m.PurchaseOrder.get(m.PurchaseOrder.number == draft.number)
    select(qtbot, page, po.id)
    assert draft.number in detail_text(page) and product.name in detail_text(page)
    assert page.act_place.isEnabled()
    page.act_place.trigger()
    ctx.ops.wait()
    assert len(asked) == 1 and draft.number in asked[0][1]
    assert m.PurchaseOrder.get_by_id(po.id).status == "ordered"
    # The list reloads after the change notice (on the worker); select the order again
    # once the reloaded row is in.
    settle(page)
    qtbot.waitUntil(lambda: page.select_id(po.id) and page.act_cancel.isEnabled(),
                    timeout=10_000)
    page.act_cancel.trigger()
    ctx.ops.wait()
    assert m.PurchaseOrder.get_by_id(po.id).status == "cancelled"
    # A cancelled order is no longer open: it leaves the default view.
    assert page.model.row_of(po.id) is None


def test_history_search_and_movement_detail(qtbot, ctx):
    page = show_page(qtbot, ctx, HistoryPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    a = m.Asset.select().where(m.Asset.status == "deployed").first()
    page.search.setText(a.tag)
    page.search.flush()
    qtbot.waitUntil(lambda: not page.model.is_loading() and page.model.total() is not None,
                    timeout=5000)
    expected = m.Movement.select().where(m.Movement.asset == a.id).count()
    assert page.model.rowCount() == expected
    assert set(table_texts(page, "asset")) == {a.tag}
    assert expected >= 2  # received, then checked out
    assert page.count_label.text() == f"{expected} movements"
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.title_text != "", timeout=2000)
    assert a.tag in detail_text(page)


def test_a_spare_with_nothing_on_hand_and_no_offer_says_what_is_missing(qtbot, ctx):
    from inventory.services import catalog
    from ui.dialogs.offers import OfferDialog
    from ui.widgets.pill import Pill

    catalog.create_product(unwrap(ctx.db), ctx.operator, "HDMI dongle", "spare",
                           part_number="HDMI-9")
    product = m.Product.get(m.Product.part_number == "HDMI-9")
    page = show_page(qtbot, ctx, StockPage)
    qtbot.waitUntil(page.model.query.has_reorder_figures, timeout=10000)
    page.search.setText("HDMI-9")
    page.search.flush()
    settle(page)
    select(qtbot, page, product.id)
    shown = detail_text(page)
    assert "No supplier offer: add one to get a reorder point" in shown
    assert "None" not in shown.replace("None in stock", "")
    (pill,) = page.detail.widget().findChildren(Pill)
    assert pill.text() == "None in stock"  # not "Stocked" with nothing on hand
    assert page.act_offer.isEnabled()

    page.act_offer.trigger()
    dialog = page.dialog
    assert isinstance(dialog, OfferDialog)
    dialog.supplier.setCurrentIndex(1)
    dialog.price.setText("12.50")
    dialog.lead.setValue(9)
    dialog.click_ok()
    ctx.ops.wait()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=2000)
    offer = m.SupplierOffer.get(m.SupplierOffer.product == product.id)
    assert (float(offer.unit_price), offer.lead_time_days) == (12.5, 9)
    settle(page)
    qtbot.waitUntil(lambda: "no demand recorded" in detail_text(page), timeout=10000)
    assert "Set a minimum" in detail_text(page)


def test_reconcile_a_partial_statement_in_the_window(qtbot, ctx, tmp_path):
    from ui.reconcile_dialog import ReconcileDialog

    page = show_page(qtbot, ctx, LocationsPage)
    tpl = m.Location.get(m.Location.code == "LOC-3PL-NW")
    select(qtbot, page, tpl.id)
    assert page.act_reconcile.isEnabled()
    page.act_reconcile.trigger()
    dialog = page.dialog
    assert isinstance(dialog, ReconcileDialog) and dialog.location.code() == "LOC-3PL-NW"
    levels = list(m.StockLevel.select().where((m.StockLevel.location == tpl.id)
                                              & (m.StockLevel.quantity > 0)))
    first, others = levels[0], levels[1:]
    assert others
    empty = tmp_path / "empty.csv"
    empty.write_text("SKU,Qty on hand\n", encoding="utf-8")
    dialog.path.setText(str(empty))
    dialog.compare()
    settle(page)
    assert "lists nothing" in dialog.summary.text() and not dialog.approve_button.isEnabled()

    path = tmp_path / "statement.csv"
    path.write_text(f"SKU,Qty on hand\n{first.product.part_number},{first.quantity + 2}\n",
                    encoding="utf-8")
    dialog.path.setText(str(path))
    dialog.compare()
    settle(page)
    assert f"{len(others)} not on the statement" in dialog.summary.text()
    assert dialog.approve_button.isEnabled()
    dialog.approve()
    ctx.ops.wait()
    assert "1 adjustments posted" in dialog.summary.text()
    for level in others:  # left as booked
        assert m.StockLevel.get_by_id(level.id).quantity == level.quantity
    assert m.StockLevel.get_by_id(first.id).quantity == first.quantity + 2

    dialog.complete.setChecked(True)  # compares again: now the rest counts to zero
    settle(page)
    assert "not on the statement" not in dialog.summary.text()
    devices = m.Asset.select().where((m.Asset.location == tpl.id)
                                     & (m.Asset.status == "in_stock")).count()
    assert f"{len(others) + devices} shortage" in dialog.summary.text()
    assert dialog.approve_button.isEnabled()
    dialog.reject()
    assert verify(unwrap(ctx.db)).ok
