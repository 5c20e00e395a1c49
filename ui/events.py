"""One 'something changed' notification that every screen listens to (Anki's shape)."""

from PySide6.QtCore import QObject, Signal


class ChangeBus(QObject):
    """Emit `changed(topic)` after any write; views refresh themselves from it.

    Topics: "assets", "stock", "licenses", "people", "locations", "orders", "movements",
    or "all".
    """

    changed = Signal(str)
