"""A reorder line in plain words, for the Reorder pane (the statistics are one click away)."""

from __future__ import annotations

from inventory.replenishment.engine import BUY, TRANSFER, ReorderLine

from ..models.format import fmt_date, fmt_money, fmt_number

PATTERNS = {
    "smooth": "steady",
    "erratic": "uneven from month to month",
    "intermittent": "now and then",
    "lumpy": "now and then, sometimes in large amounts",
    "none": "no recent demand",
}


def how_many(value: float) -> str:
    """"about 13", "about 0.4", "none"."""
    if value <= 0:
        return "none"
    return f"about {fmt_number(value, 0 if value >= 1.5 else 1)}"


def plain_reasons(ln: ReorderLine, source_name: str = "") -> list[str]:
    """The line explained without statistics words, one fact per entry."""
    source = source_name or ln.source
    pattern = PATTERNS.get(ln.demand_class, ln.demand_class)
    out = [f"Used: {how_many(ln.demand_per_month)} a month, {pattern}."
           if ln.demand_per_month > 0 else "Used: no demand recorded lately."]
    days = round(ln.lead_time_days)
    via = f"transfer from {source}" if ln.action == TRANSFER and source else \
        f"from {ln.supplier}" if ln.supplier else ""
    out.append(f"Arrives {days} day{'s' if days != 1 else ''} after ordering"
               + (f" ({via})." if via else "."))
    out.append(f"Reorder when the stock counted below falls to {fmt_number(ln.reorder_point)}: "
               f"that covers the wait with {fmt_number(ln.service_level * 100)} % confidence "
               f"({ln.target_text}).")
    parts = [f"{fmt_number(ln.on_hand)} on hand"]
    if ln.on_order:
        parts.append(f"{fmt_number(ln.on_order)} on order")
    if ln.in_transit:
        parts.append(f"{fmt_number(ln.in_transit)} on the way")
    if ln.reserved:
        parts.append(f"less {fmt_number(ln.reserved)} reserved")
    out.append(f"Counted now: {fmt_number(ln.position)} ({', '.join(parts)}).")
    if ln.action == BUY:
        out.append(f"Buy {ln.quantity} from {source}: {fmt_money(ln.cost)}." if source else
                   "No supplier offer yet: add one under Spares & stock to buy it.")
    elif ln.action == TRANSFER:
        out.append(f"Transfer {ln.quantity} from {source}.")
    else:
        out.append(f"Wait for {source}" + (f": {ln.note}" if ln.note else "."))
    if ln.order_by:
        out.append(f"Order by {fmt_date(ln.order_by)}.")
    if ln.days_of_cover is not None and ln.stockout is not None:
        out.append(f"Enough for {fmt_number(ln.days_of_cover)} days: runs out around "
                   f"{fmt_date(ln.stockout)}.")
    return out
