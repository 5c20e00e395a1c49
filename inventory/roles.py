"""Who may do what. The README prints this matrix."""

from __future__ import annotations

from .errors import PermissionDenied

ACTIONS: dict[str, str] = {
    "view": "look up anything, run reports and exports",
    "check_out": "check assets out and in, issue spares, assign license seats",
    "receive": "receive deliveries, transfer stock, count, manage purchase orders",
    "adjust": "adjust stock, approve counts and 3PL statements, retire / dispose assets",
    "catalog": "create and edit products, locations, people, suppliers, licenses, import",
    "admin": "manage operators and restore backups",
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view"}),
    "service_desk": frozenset({"view", "check_out"}),
    "supply_chain": frozenset({"view", "check_out", "receive", "catalog"}),
    "manager": frozenset({"view", "check_out", "receive", "adjust", "catalog"}),
    "admin": frozenset(ACTIONS),
}

ROLE_LABELS = {
    "viewer": "Viewer",
    "service_desk": "Service desk",
    "supply_chain": "Supply chain",
    "manager": "Manager",
    "admin": "Admin",
}


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
