"""Who may do what. The README prints this matrix."""

from __future__ import annotations

from .errors import PermissionDenied

ACTIONS: dict[str, str] = {
    "view": "look up anything, run reports and exports",
    "check_out": "check assets out and in, issue spares, assign license seats",
    "request": "make, reserve, fulfil and cancel requests; book loan devices",
    "approve": "approve or reject requests",
    "receive": "receive deliveries, transfer stock, count, manage purchase orders",
    "adjust": "adjust stock, approve counts and 3PL statements, import stock quantities, "
              "retire / dispose / mark lost assets (and bring them back)",
    "catalog": "create and edit products, locations, people, suppliers, licenses, import",
    "costs": "set depreciation, the rate card and budgets, import cloud bills",
    "backup": "take backups on demand",
    "admin": "manage operators and restore backups",
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view"}),
    "service_desk": frozenset({"view", "check_out", "request"}),
    "supply_chain": frozenset({"view", "check_out", "request", "receive", "catalog"}),
    "manager": frozenset({"view", "check_out", "request", "approve", "receive", "adjust",
                          "catalog", "costs", "backup"}),
    "admin": frozenset(ACTIONS),
}

ROLE_LABELS = {
    "viewer": "Viewer",
    "service_desk": "Service desk",
    "supply_chain": "Supply chain",
    "manager": "Manager",
    "admin": "Admin",
}


# The action a change of an asset's status needs, whichever path makes it (the services,
# an import's Status column): what the matching service requires.
END_OF_LIFE = ("retired", "disposed", "lost")
STATUS_ACTIONS = {"retired": "adjust", "disposed": "adjust", "lost": "adjust",
                  "deployed": "check_out", "in_stock": "check_out", "in_repair": "check_out",
                  "in_transit": "receive"}


def status_action(old: str | None, new: str) -> str | None:
    """The action needed to take an asset from status `old` (None: a new asset) to `new`;
    None when nothing changes."""
    if old == new:
        return None
    if old in END_OF_LIFE:
        return "adjust"  # un-retiring / un-disposing is an adjustment too
    if old is None and new == "in_stock":
        return None  # a new asset on the shelf: the import's own role covers it
    return STATUS_ACTIONS.get(new, "adjust")


def allowed(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


def require(role: str, action: str) -> None:
    if not allowed(role, action):
        raise PermissionDenied(
            f"Your role ({ROLE_LABELS.get(role, role)}) may not {ACTIONS[action]}. "
            "Ask a manager or an admin to do it, or to change your role."
        )


def matrix_markdown() -> str:
    roles = list(ROLE_ACTIONS)
    head = "| action | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |"
    sep = "|---|" + "---|" * len(roles)
    rows = [
        f"| {desc} | " + " | ".join("yes" if allowed(r, a) else "—" for r in roles) + " |"
        for a, desc in ACTIONS.items()
    ]
    return "\n".join([head, sep, *rows])
