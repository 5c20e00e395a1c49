"""What can be imported (kinds), the fields of each, and the presets that map a file's
column headers onto those fields: the generic template shipped in resources/templates,
and Snipe-IT's asset export."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ValidationError


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # the template's column header; shown in the mapping step
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers that mean this field
    help: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    fields: tuple[Field, ...]
    key: str  # what makes a row the same record on re-import
    example: tuple[tuple[str, ...], ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


F = Field
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("assets", "Devices (assets)", (
        F("tag", "Asset tag", aliases=("tag", "asset", "asset no", "asset number", "asset id",
                                       "inventory number", "barcode")),
        F("serial", "Serial number", aliases=("serial", "serial no", "sn", "s/n", "serialnumber")),
        F("model", "Model", aliases=("product", "model name", "device", "item", "description")),
        F("model_number", "Model number", aliases=("part number", "mpn", "model no",
                                                   "part no", "sku")),
        F("manufacturer", "Manufacturer", aliases=("maker", "brand", "vendor")),
        F("category", "Category", aliases=("type", "device type")),
        F("status", "Status", aliases=("state",)),
        F("location", "Location", aliases=("site", "stockroom", "room", "location code")),
        F("holder", "Checked out to", aliases=("assigned to", "user", "holder", "owner",
                                               "person")),
        F("holder_id", "Employee id", aliases=("employee no", "employee number", "badge",
                                              "employee", "user id")),
        F("purchase_date", "Purchase date", aliases=("purchased", "bought", "order date")),
        F("purchase_cost", "Purchase cost", aliases=("cost", "price", "unit price")),
        F("warranty_end", "Warranty end", aliases=("warranty expires", "warranty until",
                                                   "warranty end date", "warranty")),
        F("warranty_months", "Warranty months", aliases=("warranty (months)",)),
        F("due_date", "Due back", aliases=("expected checkin", "due date", "return date")),
        F("supplier", "Supplier"),
        F("order_number", "Order number", aliases=("po", "po number", "purchase order")),
        F("notes", "Notes", aliases=("comment", "comments", "remarks")),
    ), key="asset tag, else serial number", example=(
        ("IT-900101", "5CG1234XYZ", "HP EliteBook 840 G10", "818N0EA", "HP", "Laptop",
         "in_stock", "LOC-HQ-SR", "", "", "2024-03-05", "1350.00", "2027-03-05", "", "",
         "CDW", "PO-2024-0012", ""),
        ("IT-900102", "C02XK1ABJG5H", "Apple MacBook Air 13 M3", "MRXN3", "Apple", "Laptop",
         "deployed", "SITE-HQ", "Ann Lee", "E10001", "2024-03-05", "1299.00", "",
         "12", "", "CDW", "PO-2024-0012", "new hire"),
    )),
    Kind("stock", "Spares and consumables (quantities per location)", (
        F("product", "Product", True, ("product name", "item", "name", "description",
                                       "product code", "code")),
        F("location", "Location", True, ("site", "stockroom", "bin", "warehouse",
                                         "location code")),
        F("quantity", "Quantity", True, ("qty", "on hand", "count", "quantity on hand",
                                         "stock")),
        F("part_number", "Part number", aliases=("mpn", "sku", "model number")),
        F("gtin", "GTIN", aliases=("ean", "upc", "barcode", "ean/upc")),
        F("kind", "Kind", aliases=("type",), help="spare or consumable (for new products)"),
        F("manufacturer", "Manufacturer", aliases=("maker", "brand")),
        F("category", "Category"),
        F("unit_cost", "Unit cost", aliases=("cost", "price", "unit price")),
    ), key="product and location", example=(
        ("USB-C charger 65 W", "LOC-HQ-SR", "24", "CHG-65W", "", "spare", "Dell", "Charger",
         "39.00"),
        ("Toner HP 26A", "LOC-HQ-SR", "6", "CF226A", "", "consumable", "HP", "Toner",
         "89.90"),
    )),
    Kind("people", "People", (
        F("employee_id", "Employee id", True, ("employee no", "employee number", "badge",
                                               "id", "staff id", "user id")),
        F("name", "Name", aliases=("full name", "display name")),
        F("first_name", "First name", aliases=("given name", "firstname")),
        F("last_name", "Last name", aliases=("surname", "family name", "lastname")),
        F("email", "Email", aliases=("e-mail", "mail", "email address")),
        F("department", "Department", aliases=("dept", "team")),
        F("cost_centre", "Cost centre", aliases=("cost center", "cc")),
        F("site", "Site", aliases=("location", "office")),
        F("active", "Active", aliases=("enabled",)),
        F("left_on", "Left on", aliases=("leaving date", "end date", "termination date")),
    ), key="employee id", example=(
        ("E10001", "Ann Lee", "", "", "ann.lee@example.com", "Finance", "CC-100", "SITE-HQ",
         "yes", ""),
    )),
    Kind("locations", "Locations", (
        F("code", "Code", aliases=("location code", "barcode", "label")),
        F("name", "Name", aliases=("location", "location name")),
        F("kind", "Kind", aliases=("type",),
          help="site, stockroom, 3pl, msp, repair, in_transit or disposal"),
        F("parent", "Parent", aliases=("parent code", "parent location", "in")),
        F("partner", "Partner", aliases=("company", "3pl", "provider")),
    ), key="code", example=(
        ("SITE-HQ", "Head office", "site", "", ""),
        ("LOC-HQ-SR", "HQ stockroom", "stockroom", "SITE-HQ", ""),
        ("LOC-3PL-NW", "Northwind Logistics", "3pl", "", "Northwind Logistics"),
    )),
    Kind("suppliers", "Suppliers", (
        F("name", "Name", True, ("supplier", "supplier name", "vendor", "company")),
        F("email", "Email", aliases=("e-mail", "order email")),
        F("lead_time_days", "Lead time days", aliases=("lead time", "lead time (days)")),
    ), key="name", example=(("CDW", "orders@cdw.example", "7"),)),
    Kind("offers", "Supplier offers", (
        F("product", "Product", True, ("product name", "item", "name", "description",
                                       "part number", "mpn", "gtin")),
        F("supplier", "Supplier", True, ("vendor", "supplier name", "reseller")),
        F("unit_price", "Unit price", aliases=("price", "cost", "unit cost", "net price")),
        F("pack_size", "Pack size", aliases=("pack", "pack qty", "units per pack")),
        F("min_order", "Minimum order", aliases=("moq", "min order", "minimum order quantity",
                                                 "min qty")),
        F("lead_time_days", "Lead time days", aliases=("lead time", "lead time (days)",
                                                       "delivery days")),
        F("supplier_part", "Supplier part number", aliases=("supplier part", "supplier sku",
                                                            "vendor part", "vendor sku")),
        F("preferred", "Preferred", aliases=("preferred supplier", "default"),
          help="yes for the supplier to buy from first"),
    ), key="supplier and product", example=(
        ("USB-C charger 65 W", "CDW", "35.00", "10", "20", "5", "CDW-4471", "yes"),
        ("Toner HP 26A", "Insight", "84.50", "1", "2", "3", "INS-CF226A", ""),
    )),
    Kind("licenses", "Licenses", (
        F("product", "Product", True, ("license", "software", "name", "title")),
        F("seats", "Seats", True, ("quantity", "qty", "licenses", "entitlement")),
        F("starts_on", "Starts on", aliases=("start date", "purchase date", "start")),
        F("ends_on", "Ends on", aliases=("end date", "expiration date", "expires",
                                         "renewal date")),
        F("license_type", "Type", aliases=("license type",),
          help="per_user, per_device, site or subscription"),
        F("vendor", "Vendor", aliases=("supplier", "reseller")),
        F("cost_per_seat", "Cost per seat", aliases=("unit cost", "price per seat", "cost")),
        F("term_months", "Term months", aliases=("term",)),
        F("renewal_lead_days", "Renewal lead days", aliases=("renewal lead time",)),
        F("reference", "Reference", aliases=("order number", "contract", "agreement",
                                             "license key", "po")),
    ), key="reference, else product and start date", example=(
        ("Microsoft 365 E3", "250", "2024-01-01", "2024-12-31", "subscription", "CDW",
         "33.60", "12", "45", "EA-2024-001"),
    )),
    Kind("budgets", "Budgets (per cost centre per year)", (
        F("cost_centre", "Cost centre", True, ("cost center", "cc", "department")),
        F("year", "Year", True, ("fiscal year", "budget year")),
        F("amount", "Amount", True, ("budget", "annual budget", "total")),
    ), key="cost centre and year", example=(("CC-100", "2026", "250000"),
                                            ("CC-200", "2026", "180000"))),
)}

KIND_ALIASES = {"devices": "assets", "asset": "assets", "device": "assets", "spares": "stock",
                "consumables": "stock", "person": "people", "users": "people",
                "location": "locations", "supplier": "suppliers", "license": "licenses",
                "offer": "offers", "supplier offers": "offers", "prices": "offers",
                "software": "licenses", "budget": "budgets"}

# Snipe-IT's asset export (Admin > Reports / Assets > Export): the columns it writes.
SNIPEIT_ASSETS: dict[str, tuple[str, ...]] = {
    "tag": ("Asset Tag",),
    "serial": ("Serial",),
    "model": ("Model", "Asset Model"),
    "model_number": ("Model No.", "Model Number", "Model No"),
    "category": ("Category",),
    "manufacturer": ("Manufacturer",),
    "status": ("Status", "Status Label"),
    "location": ("Location", "Default Location", "Current Location"),
    "holder": ("Checked Out To", "Assigned To", "Checked out to: Name", "Full Name"),
    "holder_id": ("Employee No.", "Employee Number", "Checked out to: Employee No."),
    "purchase_date": ("Purchase Date", "Purchased"),
    "purchase_cost": ("Purchase Cost", "Cost"),
    "warranty_end": ("Warranty Expires", "Warranty Expiration"),
    "warranty_months": ("Warranty", "Warranty Months"),
    "due_date": ("Expected Checkin", "Expected Check-in"),
    "supplier": ("Supplier",),
    "order_number": ("Order Number",),
    "notes": ("Notes",),
}

PRESETS = ("generic", "snipeit")
PRESET_LABELS = {"generic": "Stockroom template / any spreadsheet",
                 "snipeit": "Snipe-IT asset export"}


def normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", header.lower())


def resolve_kind(name: str) -> str:
    key = name.strip().lower()
    key = KIND_ALIASES.get(key, key)
    if key not in KINDS:
        raise ValidationError(f"Unknown kind '{name}'. Import one of: {', '.join(KINDS)}.")
    return key


def map_fields(headers: list[str], fields: tuple[Field, ...],
               preset_names: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Field -> column header, for every field a header names. Each header maps once.

    A field's own label and its preset names win over the looser aliases of any field.
    """
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise(h), h)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for rank in (0, 1):
        for f in fields:
            if f.name in mapping:
                continue
            if rank == 0:
                pool = [*(preset_names or {}).get(f.name, ()), f.label, f.name.replace("_", " ")]
            else:
                pool = list(f.aliases)
            for name in pool:
                hit = by_norm.get(normalise(name))
                if hit is not None and hit not in used:
                    mapping[f.name] = hit
                    used.add(hit)
                    break
    return mapping


def auto_map(headers: list[str], kind: str, preset: str = "generic") -> dict[str, str]:
    """Field -> column header for `kind`, using the preset's column names."""
    if preset not in PRESETS:
        raise ValidationError(f"Unknown preset '{preset}'. Use one of: {', '.join(PRESETS)}.")
    spec = KINDS[resolve_kind(kind)]
    names = SNIPEIT_ASSETS if preset == "snipeit" and spec.name == "assets" else None
    return map_fields(headers, spec.fields, names)


def detect_kind(headers: list[str], preset: str = "generic") -> str:
    """The kind whose fields the headers cover best (ties: the order of KINDS)."""
    if preset == "snipeit":
        return "assets"
    best, best_score = None, (0, 0)
    for name, spec in KINDS.items():
        mapping = auto_map(headers, name, preset)
        if not all(r in mapping for r in spec.required):
            continue
        if name == "assets" and not ({"tag", "serial"} & set(mapping)):
            continue
        score = (len(mapping), -len(spec.fields))
        if score > best_score:
            best, best_score = name, score
    if best is None:
        raise ValidationError("Cannot tell what this file holds from its headers. Choose the "
                              f"kind ({', '.join(KINDS)}) and map the columns.")
    return best


def check_mapping(kind: str, mapping: dict[str, str], headers: list[str]) -> None:
    """Every required field mapped, every mapped header present."""
    spec = KINDS[kind]
    unknown = [f for f in mapping if f not in {x.name for x in spec.fields}]
    if unknown:
        raise ValidationError(f"{spec.label} have no field {', '.join(unknown)}.")
    missing_cols = [h for h in mapping.values() if h not in headers]
    if missing_cols:
        raise ValidationError(f"The file has no column {', '.join(missing_cols)}. Check the "
                              "mapping.")
    missing = [spec.field(r).label for r in spec.required if r not in mapping]
    if kind == "assets" and not ({"tag", "serial"} & set(mapping)):
        missing.append("Asset tag or Serial number")
    if missing:
        raise ValidationError(f"Map a column to {', '.join(missing)} to import "
                              f"{spec.label.lower()}.")
