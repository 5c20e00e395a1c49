"""One place for 'now', so the app, the demo and the tests agree on the date.

Setting ``STOCKROOM_TODAY=YYYY-MM-DD`` runs the whole app (window, command line, demo) as if
it were that day: `today()` returns it and `utcnow()` returns it with the current time of
day, so records written in one session still come in order. Tests pin it; a trainer can use
it to show the demo as it was built.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import lru_cache

from .errors import ValidationError

ENV = "STOCKROOM_TODAY"


@lru_cache(maxsize=8)
def _parse(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{ENV}={text!r} is not a date: write it as YYYY-MM-DD, "
                              "or unset it to use the real date.") from None


def pinned_day() -> date | None:
    """The day set in STOCKROOM_TODAY, or None when the real calendar applies."""
    text = os.environ.get(ENV, "").strip()
    return _parse(text) if text else None


def utcnow() -> datetime:
    """Naive UTC, as stored in the database (on the pinned day when one is set)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    day = pinned_day()
    return now if day is None else datetime.combine(day, now.time())


def now() -> datetime:
    """Local wall-clock time, for display (on the pinned day when one is set)."""
    local = datetime.now().replace(microsecond=0)
    day = pinned_day()
    return local if day is None else datetime.combine(day, local.time())


def today() -> date:
    """The local date (the pinned day when one is set)."""
    return pinned_day() or datetime.now().date()
