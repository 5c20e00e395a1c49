"""Domain errors: each message says what is wrong and what to do about it."""


class InventoryError(Exception):
    """A rule was broken; nothing was changed. The message is for a person.

    `field` names the input the error is about ("person", "due", "serial", "location",
    "product", "order", "quantity", "reason", ...), so a form puts the message beside that
    field without reading the text; None when it is about the whole request.
    """

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.basket_index: int | None = None  # set by operations.execute_all


class NotFound(InventoryError):
    """An asset tag, person, product, location... that does not exist."""


class InvalidState(InventoryError):
    """The thing exists but is not in a state that allows this action."""


class InsufficientStock(InventoryError):
    """Taking more than is on hand."""


class Duplicate(InventoryError):
    """A tag, serial or code that must be unique is already used."""


class PermissionDenied(InventoryError):
    """The operator's role does not allow this action."""


class ValidationError(InventoryError):
    """Input that cannot be accepted as it is (missing reason, zero quantity...)."""


class Conflict(InventoryError):
    """Someone else changed the same record at the same moment."""


class StorageError(InventoryError):
    """The database cannot be used: busy, read-only, disk full, unreachable."""
