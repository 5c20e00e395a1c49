"""The asset lifecycle: which status may go to which, by which action. The one table.

Services check a move with `require(status, action)` (or take `sources(action)` for the
guarded UPDATE); the window enables an action on a selection with `allows(statuses, action)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from .errors import InvalidState

# action -> (statuses it may start from, status it leads to; None = stays / depends)
LIFECYCLE = MappingProxyType({
    "check_out": (frozenset({"in_stock"}), "deployed"),
    "check_in": (frozenset({"deployed", "in_repair"}), "in_stock"),
    "check_in_damaged": (frozenset({"deployed"}), "in_repair"),
    "transfer": (frozenset({"in_stock"}), None),  # in_stock, or in_transit on a shipment
    "arrive": (frozenset({"in_transit"}), "in_stock"),
    "retire": (frozenset({"in_stock", "in_repair"}), "retired"),
    "lost": (frozenset({"in_stock", "deployed", "in_repair", "in_transit"}), "lost"),
    "dispose": (frozenset({"retired", "in_stock", "in_repair", "lost"}), "disposed"),
})

# Why an action is not offered, for the window's tooltips.
WHY_NOT = MappingProxyType({
    "check_out": "only devices in stock can be checked out",
    "check_in": "only checked-out or in-repair devices can be checked in",
    "transfer": "select devices in stock at one location",
    "retire": "check the devices in first",
    "lost": "devices already retired, lost or disposed cannot be marked lost",
    "dispose": "retire the devices first",
})


def sources(action: str) -> tuple[str, ...]:
    """The statuses `action` may start from, in a stable order (for SQL)."""
    return tuple(sorted(LIFECYCLE[action][0]))


def target(action: str) -> str | None:
    return LIFECYCLE[action][1]


def allows(statuses: Iterable[str], action: str) -> bool:
    """Whether every one of `statuses` may take `action` (and there is at least one)."""
    given = set(statuses)
    return bool(given) and given <= LIFECYCLE[action][0]


def check(tag: str, status: str, action: str) -> None:
    """Refuse the action for an asset in `status`, saying why."""
    if status not in LIFECYCLE[action][0]:
        verb = action.replace("_damaged", "").replace("_", " ")
        raise InvalidState(f"{tag} is {status.replace('_', ' ')}; it cannot be {verb} from "
                           "there.", field="asset")
