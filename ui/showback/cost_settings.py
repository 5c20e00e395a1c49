"""Budgets, the rate card and depreciation, edited in the window (managers).

One dialog with a tab each. Edits are kept until Save, which writes them all as one unit
of work through the operation runner (`SetBudget`, `SetRate`, `SetDepreciation`: the
same commands as the command line, role-checked there); a refusal is shown in the dialog
and nothing is written. Without the role to change costs the dialog shows the settings
read-only and says why.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inventory.commands import Command
from inventory.costing.commands import SetBudget, SetDepreciation, SetRate
from inventory.costing.settings import UNITS, CostSettings, RateView, RuleView, cost_settings
from inventory.costing.tables import OTHER

RATE_KINDS = (("device", "Device, per month"), ("license", "License seat, per month"),
              ("spares", "Spares, mark-up %"))


def read_settings(db, year: int) -> CostSettings:
    return cost_settings(db, year)


def amount(text: str, what: str, *, empty_ok: bool = True) -> Decimal | None:
    """A typed amount ('' is None where allowed); ValueError says what is wrong."""
    t = text.replace(",", "").strip()
    if not t:
        if empty_ok:
            return None
        raise ValueError(f"Type {what}.")
    try:
        value = Decimal(t)
    except InvalidOperation:
        raise ValueError(f"{what.capitalize()}: '{text}' is not a number (e.g. 1250.00).") \
            from None
    if value < 0:
        raise ValueError(f"{what.capitalize()} cannot be negative.")
    return value


def _rate_label(line: RateView) -> str:
    return {"category": f"Category: {line.key}", "product": f"Model: {line.key}",
            "all": "All spares"}.get(line.scope, line.key)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(28)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for c in range(1, len(headers)):
        t.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    return t


def _fixed(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _number(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class CostSettingsDialog(QDialog):
    """Budgets per cost centre and year, the rate card, useful lives and residuals."""

    def __init__(self, ctx, settings: CostSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self.may = ctx.may("costs")
        self.setWindowTitle("Budgets, rates and depreciation")
        self.setMinimumSize(800, 520)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 14)
        intro = QLabel("What showback charges and measures against. Changes are written "
                       "together when you save." if self.may else
                       ctx.refusal("costs") + " The settings are shown as they are.")
        intro.setObjectName("Muted")
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._budgets_tab(), "Budgets")
        self.tabs.addTab(self._rates_tab(), "Rate card")
        self.tabs.addTab(self._rules_tab(), "Depreciation")
        outer.addWidget(self.tabs, 1)
        self.error = QLabel()
        self.error.setObjectName("FormError")
        self.error.setWordWrap(True)
        self.error.hide()
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(self.may)
        if not self.may:
            save.setToolTip(ctx.refusal("costs"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.result_message = ""

    # -- budgets -----------------------------------------------------------------------

    def _budgets_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(f"Budgets for {self.settings.year}, per cost centre. Leave a "
                             "budget empty to remove it."))
        bar.addStretch(1)
        lay.addLayout(bar)
        self.budget_table = _table(["Cost centre", f"Budget {self.settings.year}"])
        self.budget_table.setAccessibleName("Budgets")
        names = list(dict.fromkeys([*self.settings.cost_centres, *self.settings.budgets]))
        for cc in names:
            value = self.settings.budgets.get(cc)
            self._budget_row(cc, "" if value is None else f"{value:.2f}")
        lay.addWidget(self.budget_table, 1)
        row = QHBoxLayout()
        self.new_cc = QLineEdit()
        self.new_cc.setPlaceholderText("Another cost centre, e.g. CC-700")
        self.new_cc.setMaxLength(100)
        add = QPushButton("Add cost centre")
        add.clicked.connect(self.add_cost_centre)
        row.addWidget(self.new_cc, 1)
        row.addWidget(add)
        lay.addLayout(row)
        for w in (self.new_cc, add):
            w.setEnabled(self.may)
        return page

    def _budget_row(self, cc: str, text: str) -> None:
        t = self.budget_table
        r = t.rowCount()
        t.insertRow(r)
        t.setItem(r, 0, _fixed(cc))
        item = _number(text)
        if not self.may:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        t.setItem(r, 1, item)

    def add_cost_centre(self) -> None:
        cc = self.new_cc.text().strip()
        if not cc:
            return
        for r in range(self.budget_table.rowCount()):
            if self.budget_table.item(r, 0).text() == cc:
                self.budget_table.setCurrentCell(r, 1)
                return
        self._budget_row(cc, "")
        self.budget_table.setCurrentCell(self.budget_table.rowCount() - 1, 1)
        self.new_cc.clear()

    def set_budget(self, cost_centre: str, text: str) -> None:
        """Type a budget into a cost centre's row (the row is added if new)."""
        for r in range(self.budget_table.rowCount()):
            if self.budget_table.item(r, 0).text() == cost_centre:
                self.budget_table.item(r, 1).setText(text)
                return
        self._budget_row(cost_centre, text)

    def _budget_commands(self) -> list[Command]:
        out: list[Command] = []
        for r in range(self.budget_table.rowCount()):
            cc = self.budget_table.item(r, 0).text()
            new = amount(self.budget_table.item(r, 1).text(), f"the budget of {cc}")
            old = self.settings.budgets.get(cc)
            if new != old and not (new is None and old is None):
                out.append(SetBudget(cc, self.settings.year, new))
        return out

    # -- rate card ---------------------------------------------------------------------

    def _rates_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        note = QLabel("The price IT charges where it sets one; showback on the price basis "
                      "uses it, and the cost elsewhere. Edit an amount, or remove a line.")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.rate_table = _table(["For", "Kind", "Amount", "Unit"])
        self.rate_table.setAccessibleName("Rate card")
        self.rate_lines: list[RateView | None] = []  # None: added in this dialog
        self.rate_new: list[tuple[str, dict[str, str | None]]] = []
        self.rate_removed: list[RateView] = []
        for line in self.settings.rates:
            self._rate_row(_rate_label(line), line.kind, f"{line.amount:.2f}", line.unit)
            self.rate_lines.append(line)
        lay.addWidget(self.rate_table, 1)
        row = QHBoxLayout()
        self.rate_kind = QComboBox()
        self.rate_kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for kind, label in RATE_KINDS:
            self.rate_kind.addItem(label, kind)
        self.rate_for = QComboBox()
        self.rate_for.setMinimumContentsLength(18)
        self.rate_for.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rate_amount = QLineEdit()
        self.rate_amount.setPlaceholderText("Amount")
        self.rate_amount.setFixedWidth(100)
        add = QPushButton("Add rate")
        remove = QPushButton("Remove selected")
        self.rate_kind.currentIndexChanged.connect(self._rate_targets)
        add.clicked.connect(self.add_rate_from_fields)
        remove.clicked.connect(self.remove_rate)
        for w in (self.rate_kind, self.rate_for, self.rate_amount):
            row.addWidget(w)
        row.addWidget(add)
        row.addStretch(1)
        row.addWidget(remove)
        lay.addLayout(row)
        for w in (self.rate_kind, self.rate_for, self.rate_amount, add, remove):
            w.setEnabled(self.may)
        self._rate_targets()
        return page

    def _rate_targets(self) -> None:
        kind = self.rate_kind.currentData()
        self.rate_for.clear()
        s = self.settings
        if kind == "device":
            for c in s.categories:
                self.rate_for.addItem(f"Category: {c}", ("category", c))
            for n in s.devices:
                self.rate_for.addItem(f"Model: {n}", ("product", n))
        elif kind == "license":
            for number, name in s.licenses:
                self.rate_for.addItem(name, ("license", number))
        else:
            self.rate_for.addItem("All spares", ("all", ""))
            for c in s.categories:
                self.rate_for.addItem(f"Category: {c}", ("category", c))

    def _rate_row(self, key: str, kind: str, text: str, unit: str) -> None:
        t = self.rate_table
        r = t.rowCount()
        t.insertRow(r)
        t.setItem(r, 0, _fixed(key))
        t.setItem(r, 1, _fixed(kind))
        item = _number(text)
        if not self.may:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        t.setItem(r, 2, item)
        t.setItem(r, 3, _fixed(unit))

    def add_rate(self, kind: str, scope: str, ref: str, text: str) -> None:
        """Add a rate card line (kept until Save)."""
        args = {"product": ref if scope == "product" else None,
                "category": ref if scope == "category" else None,
                "license": ref if scope == "license" else None}
        label = next((self.rate_for.itemText(i) for i in range(self.rate_for.count())
                      if self.rate_for.itemData(i) == (scope, ref)), ref or "All spares")
        self._rate_row(label, kind, text, UNITS[kind])
        self.rate_lines.append(None)
        self.rate_new.append((kind, args))

    def add_rate_from_fields(self) -> None:
        data = self.rate_for.currentData()
        if data is None:
            self._show("Pick what the rate is for.")
            return
        self.add_rate(self.rate_kind.currentData(), data[0], data[1], self.rate_amount.text())
        self.rate_amount.clear()

    def remove_rate(self) -> None:
        r = self.rate_table.currentRow()
        if r < 0:
            return
        line = self.rate_lines.pop(r)
        if line is None:
            new_index = sum(1 for x in self.rate_lines[:r] if x is None)
            self.rate_new.pop(new_index)
        else:
            self.rate_removed.append(line)
        self.rate_table.removeRow(r)

    def _rate_commands(self) -> list[Command]:
        out: list[Command] = [SetRate(line.kind, amount=None, **line.command_args())
                              for line in self.rate_removed]
        new = iter(self.rate_new)
        for r, line in enumerate(self.rate_lines):
            text = self.rate_table.item(r, 2).text()
            if line is None:
                kind, args = next(new)
                value = amount(text, f"the rate for {self.rate_table.item(r, 0).text()}",
                               empty_ok=False)
                out.append(SetRate(kind, amount=value, **args))
            else:
                value = amount(text, f"the rate for {line.key}", empty_ok=False)
                if value != line.amount:
                    out.append(SetRate(line.kind, amount=value, **line.command_args()))
        return out

    # -- depreciation ------------------------------------------------------------------

    def _rules_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        note = QLabel("Devices depreciate straight-line from their purchase month: (cost − "
                      "residual) ÷ life each month. A model's rule wins over its category's; "
                      f"'{OTHER}' covers every category without one.")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.rule_table = _table(["Applies to", "Life (months)", "Residual %"])
        self.rule_table.setAccessibleName("Depreciation rules")
        self.rules: list[RuleView | None] = []
        self.rule_new: list[tuple[str, str]] = []  # (scope, key) added here
        self.rule_removed: list[RuleView] = []
        for rule in self.settings.rules:
            label = (f"Model: {rule.key}" if rule.scope == "product" else
                     f"Category: {rule.key}")
            self._rule_row(label, str(rule.life_months), f"{rule.residual_pct:g}")
            self.rules.append(rule)
        lay.addWidget(self.rule_table, 1)
        row = QHBoxLayout()
        self.rule_for = QComboBox()
        self.rule_for.setMinimumContentsLength(18)
        self.rule_for.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for c in self.settings.categories:
            self.rule_for.addItem(f"Category: {c}", ("category", c))
        for n in self.settings.devices:
            self.rule_for.addItem(f"Model: {n}", ("product", n))
        self.rule_life = QSpinBox()
        self.rule_life.setRange(1, 600)
        self.rule_life.setValue(36)
        self.rule_life.setSuffix(" months")
        add = QPushButton("Add rule")
        remove = QPushButton("Remove selected")
        add.clicked.connect(self.add_rule_from_fields)
        remove.clicked.connect(self.remove_rule)
        row.addWidget(self.rule_for, 1)
        row.addWidget(self.rule_life)
        row.addWidget(add)
        row.addStretch(1)
        row.addWidget(remove)
        lay.addLayout(row)
        for w in (self.rule_for, self.rule_life, add, remove):
            w.setEnabled(self.may)
        return page

    def _rule_row(self, label: str, life: str, residual: str) -> None:
        t = self.rule_table
        r = t.rowCount()
        t.insertRow(r)
        t.setItem(r, 0, _fixed(label))
        for c, text in ((1, life), (2, residual)):
            item = _number(text)
            if not self.may:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            t.setItem(r, c, item)

    def add_rule(self, scope: str, key: str, life: int, residual: str = "0") -> None:
        label = f"Model: {key}" if scope == "product" else f"Category: {key}"
        self._rule_row(label, str(life), residual)
        self.rules.append(None)
        self.rule_new.append((scope, key))

    def add_rule_from_fields(self) -> None:
        data = self.rule_for.currentData()
        if data is not None:
            self.add_rule(data[0], data[1], self.rule_life.value())

    def remove_rule(self) -> None:
        r = self.rule_table.currentRow()
        if r < 0:
            return
        rule = self.rules[r]
        if rule is not None and rule.scope == "category" and rule.key == OTHER:
            self._show(f"The rule for '{OTHER}' is the fallback for every category: change "
                       "its life instead of removing it.")
            return
        self.rules.pop(r)
        if rule is None:
            self.rule_new.pop(sum(1 for x in self.rules[:r] if x is None))
        else:
            self.rule_removed.append(rule)
        self.rule_table.removeRow(r)

    def _rule_commands(self) -> list[Command]:
        out: list[Command] = [
            SetDepreciation(product=rule.key, remove=True) if rule.scope == "product" else
            SetDepreciation(category=rule.key, remove=True) for rule in self.rule_removed]
        new = iter(self.rule_new)
        for r, rule in enumerate(self.rules):
            label = self.rule_table.item(r, 0).text()
            life_text = self.rule_table.item(r, 1).text().strip()
            if not life_text.isdigit() or not 1 <= int(life_text) <= 600:
                raise ValueError(f"{label}: the life is a whole number of months, 1 to 600.")
            residual = amount(self.rule_table.item(r, 2).text(), f"the residual of {label}",
                              empty_ok=False) or Decimal(0)
            if rule is None:
                scope, key = next(new)
            elif int(life_text) == rule.life_months and residual == rule.residual_pct:
                continue
            else:
                scope, key = rule.scope, rule.key
            where = {"product": key} if scope == "product" else {"category": key}
            out.append(SetDepreciation(life_months=int(life_text), residual_pct=residual,
                                       **where))  # type: ignore[arg-type]
        return out

    # -- saving ------------------------------------------------------------------------

    def _show(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def commands(self) -> list[Command]:
        """What Save writes; ValueError says what to fix first."""
        return self._budget_commands() + self._rate_commands() + self._rule_commands()

    def save(self) -> None:
        try:
            commands = self.commands()
        except ValueError as exc:
            self._show(str(exc))
            return
        if not commands:
            self.accept()
            return
        self._show("")
        n = len(commands)

        def done(_result) -> None:
            self.result_message = f"Saved {n} change{'s' if n != 1 else ''} to budgets, " \
                                  "rates and depreciation."
            self.accept()

        self.ctx.ops.run(commands, done=done, failed=lambda exc: self._show(str(exc)),
                         label="Saving the cost settings…", parent=self)

