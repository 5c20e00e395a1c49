"""Mark someone as left: nothing more is issued to them, their open requests are
cancelled, and what they still hold stays on their return list (the dashboard lists it)."""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit, QLabel

from inventory import clock
from inventory.commands import Command
from inventory.queries.requests import return_list
from inventory.shop_commands import MarkLeft

from ..models.format import date_edit_format
from .fields import pydate, qdate
from .form import FormDialog


class MarkLeftDialog(FormDialog):
    heading = "Mark as left"
    ok_text = "Mark as left"
    field_names = {"on": "on", "person": "on"}

    def __init__(self, ctx, employee_id: str, parent=None) -> None:
        self._employee_id = employee_id
        self._list = return_list(employee_id)
        self.heading = f"Mark {self._list.person} as left"
        super().__init__(ctx, parent)

    def build(self) -> None:
        rl = self._list
        day = rl.leaves_on if rl.leaves_on and rl.leaves_on <= clock.today() else clock.today()
        self.on = self.add_field("on", "Left on", QDateEdit(qdate(day)))
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat(date_edit_format())
        self.on.setMaximumDate(qdate(clock.today()))
        items = "\n".join(f"• {it.describe()}" for it in rl.items) or "Nothing: all returned."
        text = QLabel(f"Still to return ({len(rl.items)}):\n{items}")
        text.setWordWrap(True)
        self.add_row(text)

    def commands(self) -> list[Command]:
        return [MarkLeft(self._employee_id, pydate(self.on.date()))]

    def done_text(self, result) -> str:
        rl = result.view[0]
        left = f"; {len(rl.items)} items stay on the return list" if rl.items else ""
        return f"{rl.person} is marked as left{left}."


class JoinerDialog(FormDialog):
    """Someone starts on a date with the kit of their role: the kit is requested ahead
    of the start (the joiners' lead time) so it is reserved and ready."""

    heading = "New joiner"
    ok_text = "Add joiner"
    field_names = {"starts_on": "starts", "kit": "kit", "item": "kit", "person": "person"}

    def __init__(self, ctx, employee_id: str, name: str, parent=None) -> None:
        self._employee_id = employee_id
        self.heading = f"{name} joins"
        super().__init__(ctx, parent)

    def build(self) -> None:
        from datetime import timedelta

        from PySide6.QtWidgets import QLineEdit

        from inventory.queries.requests import item_choices

        from .fields import ChoiceCombo

        self.starts = self.add_field("starts", "Starts on", QDateEdit(
            qdate(clock.today() + timedelta(days=14))))
        self.starts.setCalendarPopup(True)
        self.starts.setDisplayFormat(date_edit_format())
        self.starts.setMinimumDate(qdate(clock.today()))
        self.kit = self.add_field("kit", "Kit", ChoiceCombo(item_choices(("kit",)),
                                                            none_text="Pick their role's kit"))
        self.role = self.add_field("role", "Job role", QLineEdit())
        self.role.setMaxLength(200)

    def validate(self) -> dict[str, str]:
        return {} if self.kit.code() else {"kit": "Pick the kit for their role."}

    def commands(self) -> list[Command]:
        from inventory.shop_commands import AddJoiner, RequestJoinerKits

        # the request is made now when the start is already within the lead time
        return [AddJoiner(self._employee_id, pydate(self.starts.date()), self.kit.code(),
                          job_role=self.role.text()), RequestJoinerKits()]

    def done_text(self, result) -> str:
        made = result.view[1]
        extra = f"; {made[0].number} requested now" if made else \
            "; the kit is requested ahead of the start"
        return f"{result.view[0]}{extra}."
