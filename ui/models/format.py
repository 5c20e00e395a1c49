"""How values look in tables and detail panes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from inventory.queries.common import as_date
from inventory.queries.history import KIND_LABELS as MOVEMENT_LABELS

from .. import style


def local(dt: datetime) -> datetime:
    """The database keeps naive UTC; people read local time."""
    return dt.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def fmt_date(d: date | datetime | str | None) -> str:
    d = as_date(d)
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = local(d).date()
    return f"{d.day} {d:%b %Y}"


def fmt_datetime(dt: datetime | str | None) -> str:
    dt = as_date(dt)
    if dt is None:
        return ""
    if not isinstance(dt, datetime):
        return fmt_date(dt)
    dt = local(dt)
    return f"{dt.day} {dt:%b %Y %H:%M}"


def fmt_money(v: Decimal | float | int | None) -> str:
    if v is None:
        return ""
    return f"{Decimal(str(v)):,.2f}"


def fmt_int(v: int | None) -> str:
    return "" if v is None else f"{int(v):,}"


def fmt_kind(v: str | None) -> str:
    if not v:
        return ""
    return MOVEMENT_LABELS.get(v) or style.kind_label(v)


def display(kind: str, value: object) -> str:
    """The text of one cell of a column of `kind`."""
    if value is None:
        return ""
    if kind == "date":
        return fmt_date(value)  # type: ignore[arg-type]
    if kind == "datetime":
        return fmt_datetime(value)  # type: ignore[arg-type]
    if kind == "money":
        return fmt_money(value)  # type: ignore[arg-type]
    if kind == "int":
        return fmt_int(value)  # type: ignore[arg-type]
    if kind == "status":
        return style.status_label(str(value))
    if kind == "kind":
        return fmt_kind(str(value))
    return str(value)


def days_phrase(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} ago"


def movement_entry(mv) -> tuple[str, str, str]:
    """A ledger row as a timeline entry: (headline, when, details)."""
    head = mv.kind_label
    if mv.asset_tag is None and mv.quantity and mv.kind not in ("license_assign",
                                                                 "license_release"):
        head += f" × {mv.quantity}"
    bits = [mv.where] if mv.where else []
    if mv.person:
        bits.append(mv.person)
    if mv.reference:
        bits.append(mv.reference)
    if mv.note:
        bits.append(f"“{mv.note}”")
    bits.append(f"by {mv.operator}")
    return head, fmt_datetime(mv.at), " · ".join(bits)
