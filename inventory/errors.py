"""Domain errors: each message says what is wrong and what to do about it."""


class InventoryError(Exception):
    """A rule was broken; nothing was changed. The message is for a person."""


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
