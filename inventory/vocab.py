"""The words the data uses: kinds, statuses, roles, sources (no database here)."""

PRODUCT_KINDS = ("device", "spare", "consumable", "license")
QUANTITY_KINDS = ("spare", "consumable")
ASSET_STATUSES = ("in_stock", "deployed", "in_repair", "in_transit", "retired", "lost", "disposed")
LOCATION_KINDS = ("site", "stockroom", "3pl", "msp", "repair", "in_transit", "disposal")
STOCKING_KINDS = ("site", "stockroom", "3pl", "msp")
PARTNER_KINDS = ("3pl", "msp")
ROLES = ("viewer", "service_desk", "supply_chain", "manager", "admin")
PO_STATUSES = ("draft", "ordered", "partly_received", "received", "cancelled")
LICENSE_TYPES = ("per_user", "per_device", "site", "subscription")
MOVEMENT_KINDS = (
    "receive", "check_out", "check_in", "transfer", "ship", "arrive", "issue", "consume",
    "return", "adjust", "count", "retire", "dispose", "lost", "license_assign",
    "license_release",
)
SOURCES = ("usb", "serial", "camera", "manual", "import")
# The service desk's shop
CATALOG_ITEM_KINDS = ("product", "license", "kit")
REQUEST_STATES = ("requested", "approved", "reserved", "fulfilled", "rejected", "cancelled")
OPEN_REQUEST_STATES = ("requested", "approved", "reserved")
BOOKING_STATES = ("active", "cancelled", "done")
