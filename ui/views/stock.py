"""Spares & stock: quantities per product at sites, 3PL / MSP and in transit."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from inventory.queries import lookups
from inventory.queries import stock as q
from inventory.queries.common import TableQuery
from inventory.queries.offers import for_product

from ..dialogs.offers import OfferDialog, confirm_remove, lead_days, remove_command
from ..dialogs.stock import (
    AdjustDialog,
    IssueDialog,
    ProductDialog,
    StockTransferDialog,
)
from ..models.format import fmt_int, fmt_money, movement_entry
from ..style import kind_label
from .base import FilterDef, TablePage

PARTNER = ("3pl", "msp")
SITES = ("site", "stockroom")


def _kind_choices():
    return [("Spares & consumables", None), ("Spares", "spare"), ("Consumables", "consumable")]


def _category_choices():
    return [("All categories", None)] + [(c, c) for c in q.categories()]


def _location_choices():
    return [("Everywhere", None)] + [(c.label, c.id) for c in lookups.locations(
        ("site", "stockroom", "3pl", "msp", "in_transit"))]


def _special_choices():
    return [("Everything", None), ("At or below reorder point", "low"),
            ("In transit", "transit")]


class StockPage(TablePage):
    key = "stock"
    title = "Spares & stock"
    subtitle = "Chargers, cables, toner… counted by quantity, on site and at partners"
    search_placeholder = "Search product, part number, GTIN, category"
    noun = ("product", "products")
    stretch_column = "name"
    hide_order = ("part_number", "category", "kind", "unit_cost", "reorder_point", "transit",
                  "partner", "value")
    detail_placeholder = "Select a product to see its stock at every location."
    kinds = ("stock", "movements", "locations", "orders")
    filters = (
        FilterDef("kind", "Kind", _kind_choices, 150),
        FilterDef("category", "Category", _category_choices, 130),
        FilterDef("location", "Location", _location_choices, 160),
        FilterDef("special", "Show", _special_choices, 150),
    )

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.load_reorder_figures()

    def make_query(self) -> TableQuery:
        return q.StockTable()

    def load_reorder_figures(self, then=None) -> None:
        """Reorder points take a moment on a big ledger: work them out on the worker."""
        def done(figures) -> None:
            self.model.query.set_reorder_figures(figures)
            self.model.forget_rows()
            if then is not None:
                then()
            self._detail_timer.start()

        self.ctx.runner.run(q.reorder_figures, done=done, key="stock-reorder")

    def refresh(self) -> None:
        self.model.query.invalidate()
        super().refresh()
        self.load_reorder_figures()

    def _on_filter(self, name: str) -> None:
        value = self._combos[name].currentData()
        if name == "special" and value == "low" and not self.model.query.has_reorder_figures():
            self.count_label.setText("Working out reorder points…")
            self.load_reorder_figures(lambda: self.model.set_filter("special", "low"))
            return
        super()._on_filter(name)

    def primary_actions(self):
        self.act_new = self.action("New product…", "plus", self.new_product, "Ctrl+N",
                                   primary=True)
        return [self.act_new]

    def make_actions(self):
        self.act_issue = self.action("Issue…", "user", self.issue, "Ctrl+O",
                                     "Hand spares to a person")
        self.act_transfer = self.action("Transfer…", "truck", self.transfer, "Ctrl+T",
                                        "Move stock between sites and the 3PL / MSP")
        self.act_adjust = self.action("Adjust…", "settings", self.adjust, "",
                                      "Correct the book to what is on the shelf")
        self.act_edit = self.action("Edit product…", "settings", self.edit, "Ctrl+E")
        self.act_offer = self.action("Add supplier offer…", "plus", self.add_offer, "",
                                     "A supplier's price and lead time: gives a reorder point")
        return [self.act_issue, self.act_transfer, self.act_adjust, self.act_edit,
                self.act_offer]

    def overflow_actions(self):
        return [self.act_adjust, self.act_edit, self.act_offer]

    def update_actions(self) -> None:
        one = len(self.selected_ids()) == 1
        self.set_enabled(self.act_issue, one, "select one product", "check_out")
        self.set_enabled(self.act_transfer, one, "select one product", "receive")
        self.set_enabled(self.act_adjust, one, "select one product", "adjust")
        self.set_enabled(self.act_edit, one, "select one product", "catalog")
        self.set_enabled(self.act_offer, one, "select one product", "catalog")
        self.set_enabled(self.act_new, True, "", "catalog")

    def _detail(self):
        item = self.current_id()
        return q.detail(item, self.model.query.reorder_points()) if item is not None else None

    def issue(self) -> None:
        if (d := self._detail()) is not None:
            self.open_dialog(IssueDialog(self.ctx, d, self), self.after_dialog)

    def transfer(self) -> None:
        if (d := self._detail()) is not None:
            self.open_dialog(StockTransferDialog(self.ctx, d, self), self.after_dialog)

    def adjust(self) -> None:
        if (d := self._detail()) is not None:
            self.open_dialog(AdjustDialog(self.ctx, d, self), self.after_dialog)

    def edit(self) -> None:
        if (d := self._detail()) is not None:
            values = {"name": d.name, "kind": d.kind, "manufacturer": d.manufacturer,
                      "category": d.category, "part_number": d.part_number, "gtin": d.gtin,
                      "unit_cost": d.unit_cost, "min_quantity": d.min_quantity}
            self.open_dialog(ProductDialog(self.ctx, d.kind, d.id, values, self),
                             self.after_dialog)

    def add_offer(self) -> None:
        if (d := self._detail()) is not None:
            self.open_dialog(OfferDialog(self.ctx, d.code, d.name, has_offers=bool(d.offers),
                                         unit_cost=d.unit_cost, parent=self),
                             self.after_dialog)

    def edit_offer(self, d, offer) -> None:
        self.open_dialog(OfferDialog(self.ctx, d.code, d.name, offer, parent=self),
                         self.after_dialog)

    def remove_offer(self, d, offer, confirm=confirm_remove) -> None:
        if confirm(self, offer, d.name):
            self.write(remove_command(offer, d.code),
                       success=f"{offer.supplier} no longer offers {d.name}.")

    def new_product(self) -> None:
        self.open_dialog(ProductDialog(self.ctx, "spare", parent=self), self._after_new)

    def _after_new(self, dialog) -> None:
        self.after_dialog(dialog)
        if dialog.result_value and not self.select_id(dialog.result_value):
            self.search.setText(dialog.name.text().strip())
            self.search.flush()
            self.select_id(dialog.result_value)

    def activated(self) -> None:
        self.issue()

    def apply_link(self, filters: dict) -> None:
        for name in ("kind", "category", "location", "special"):
            if name in filters:
                self.set_filter_value(name, filters[name])
        if "search" in filters:
            self.search.setText(filters["search"])
            self.search.flush()
        if "id" in filters:
            self.select_id(filters["id"])

    def _offer_buttons(self, d, rows, table) -> None:
        add = QPushButton("Add…")
        add.setToolTip("Add a supplier's offer: price, pack size, minimum order, lead time")
        add.setObjectName("offerAdd")
        add.clicked.connect(self.add_offer)
        buttons = [add]
        if table is not None:
            edit, remove = QPushButton("Edit…"), QPushButton("Remove")
            edit.setToolTip("Change the selected offer")
            remove.setToolTip("Stop buying from the selected supplier")
            edit.setObjectName("offerEdit")
            remove.setObjectName("offerRemove")

            def chosen():
                r = table.currentRow()
                return rows[r] if 0 <= r < len(rows) and table.selectedItems() else None

            def enable() -> None:
                edit.setEnabled(chosen() is not None)
                remove.setEnabled(chosen() is not None)

            table.itemSelectionChanged.connect(enable)
            def on(act):
                def run() -> None:
                    if (o := chosen()) is not None:
                        act(d, o)
                return run

            edit.clicked.connect(on(self.edit_offer))
            remove.clicked.connect(on(self.remove_offer))
            if len(rows) == 1:
                table.selectRow(0)
            enable()
            buttons += [edit, remove]
        self.detail.buttons(buttons)

    def show_detail(self, item_id: int) -> None:
        d = q.detail(item_id, self.model.query.reorder_points())
        if d is None:
            self.detail.clear("This product no longer exists.")
            return
        p = self.detail
        site, partner, transit = d.total(SITES), d.total(PARTNER), d.total(("in_transit",))
        position = site + partner + transit + d.on_order
        ready = self.model.query.has_reorder_figures()
        standing = d.standing(position)
        low = standing.low
        tags = dict.fromkeys(x for x in (kind_label(d.kind), d.category, d.manufacturer) if x)
        p.begin(d.name, " · ".join(tags), standing.status, standing.badge)
        p.field("Part number", d.part_number)
        p.field("GTIN", d.gtin)
        p.field("Unit cost", fmt_money(d.unit_cost))
        p.field("Reorder point", standing.reorder_point if ready else "…",
                "danger" if low else "warning" if ready and (
                    d.reorder_point is None or not d.offers) else None)
        p.field("Position", f"{fmt_int(position)} = {fmt_int(site)} at sites + "
                            f"{fmt_int(partner)} at 3PL / MSP + {fmt_int(transit)} in transit + "
                            f"{fmt_int(d.on_order)} on order")
        p.section("Stock by location")
        rows = [(s.location, kind_label(s.kind), fmt_int(s.quantity)) for s in d.levels]
        p.table(["Location", "Kind", "On hand"], rows, numeric=(2,),
                empty="None in stock anywhere.", stretch=0)
        p.section("Suppliers")
        known = for_product(d.id)
        offers = [(o.supplier + (" ★" if o.preferred else ""), fmt_money(o.unit_price),
                   f"{o.pack_size} / {o.min_order}", lead_days(o.lead_time_days))
                  for o in known]
        table = p.table(["Supplier", "Price", "Pack / min", "Lead"], offers,
                        numeric=(1, 2, 3), empty="No supplier offers yet.", stretch=0)
        if self.ctx.may("catalog"):
            self._offer_buttons(d, known, table)
        p.section("Recent movements")
        p.timeline([movement_entry(mv) for mv in d.movements[:15]], empty="No movements yet.")
        p.finish()
