"""One place for 'now', so tests and the demo can agree on time."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Naive UTC, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return datetime.now().date()
