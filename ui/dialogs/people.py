"""People: create or edit someone who can hold devices and seats."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from inventory.commands import Command, CreatePerson, EditPerson
from inventory.queries import lookups
from inventory.queries.people import PersonDetail, departments

from .fields import location_combo
from .form import FormDialog


class PersonDialog(FormDialog):

    def __init__(self, ctx, detail: PersonDetail | None = None, parent=None) -> None:
        self.d = detail
        self.heading = "Edit person" if detail else "New person"
        self.ok_text = "Save" if detail else "Create"
        super().__init__(ctx, parent)

    def build(self) -> None:
        d = self.d
        self.name = self.add_field("name", "Name", QLineEdit(d.name if d else ""))
        self.employee_id = self.add_field("employee_id", "Employee id",
                                          QLineEdit(d.employee_id if d else ""),
                                          hint="The number on their badge (scan it).")
        self.email = self.add_field("email", "Email", QLineEdit(d.email if d else ""))
        self.department = self.add_field("department", "Department", QComboBox())
        self.department.setEditable(True)
        self.department.addItems(departments())
        self.department.setCurrentText(d.department if d else "")
        self.cost_centre = self.add_field("cost_centre", "Cost centre",
                                          QLineEdit(d.cost_centre if d else ""))
        self.site = self.add_field("site", "Site", location_combo(("site",), none_text="None"))
        if d and d.site_id:
            self.site.set_code(lookups.location_code(d.site_id))

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.name.text().strip():
            errors["name"] = "Type the person's name."
        eid = self.employee_id.text().strip()
        if not eid:
            errors["employee_id"] = "An employee id is needed: it is what their badge scans."
        elif " " in eid:
            errors["employee_id"] = "An employee id has no spaces."
        email = self.email.text().strip()
        if email and ("@" not in email or email.startswith("@") or email.endswith("@")
                      or " " in email):
            errors["email"] = "That is not an email address (name@example.com)."
        return errors

    def commands(self) -> list[Command]:
        values = dict(name=self.name.text().strip(), email=self.email.text().strip(),
                      department=self.department.currentText().strip(),
                      cost_centre=self.cost_centre.text().strip())
        site = self.site.code() or None
        eid = self.employee_id.text().strip()
        if self.d is None:
            return [CreatePerson(eid, site=site, **values)]
        return [EditPerson(self.d.id, tuple(dict(employee_id=eid, site=site,
                                                  clear_site=site is None, **values).items()))]

    def done_text(self, result) -> str:
        self.result_value = result.view[0]
        name, eid = self.name.text().strip(), self.employee_id.text().strip()
        return f"{name} ({eid}) added." if self.d is None else f"{name} saved."

    def accept_scan(self, scan) -> bool:
        self.employee_id.setText(scan.text.strip())
        return True
