"""Find the demo record a test needs by its state, never by a fixed tag or id: the demo is
built for the day the test runs on, so which asset is in stock differs from day to day."""

from __future__ import annotations

from inventory import models as m
from inventory.storage import open_store


def asset_tags(url: str, status: str, n: int = 1) -> list[str]:
    """Tags of `n` assets in `status` (lowest ids first), read from the database at `url`."""
    db = open_store(url)
    try:
        tags = [t for (t,) in m.Asset.select(m.Asset.tag).where(m.Asset.status == status)
                .order_by(m.Asset.id).limit(n).tuples()]
    finally:
        db.close()
    assert len(tags) == n, f"the demo has fewer than {n} assets {status}"
    return tags


def employee_ids(url: str, n: int = 1, active: bool = True) -> list[str]:
    """Badge ids of `n` people who work here (or, active=False, who have left)."""
    db = open_store(url)
    try:
        ids = [e for (e,) in m.Person.select(m.Person.employee_id)
               .where(m.Person.active == active).order_by(m.Person.id).limit(n).tuples()]
    finally:
        db.close()
    assert len(ids) == n, f"the demo has fewer than {n} such people"
    return ids
