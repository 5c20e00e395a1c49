"""One change notice that every screen listens to (Anki's `operation_did_execute`).

The operation runner publishes one merged `Changes` per result (a basket of ten scans is
one notice, not ten); each page says which kinds it shows and refreshes when they are
touched: at once when visible, else the next time it is shown.
"""

from PySide6.QtCore import QObject, Signal

from inventory.changes import Changes


class ChangeBus(QObject):
    """`changed(Changes)` after any write."""

    changed = Signal(object)

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)

    def everything(self) -> None:
        """After a restore, an import or a demo load: every page reads again."""
        self.changed.emit(Changes.everything())
