"""The station's side of scan parsing: `scanners.parse` takes a scan apart; this names the
commands the station acts on."""

from __future__ import annotations

from scanners.parse import ParsedScan, parse_scan
from scanners.scan import Scan

MODES = ("checkout", "checkin", "receive", "transfer", "count", "issue")
ACTIONS = ("done", "undo", "cancel", "quantity")

Parsed = ParsedScan


def parse(scan: Scan) -> ParsedScan:
    """`scanners.parse.parse_scan`, which never raises for odd input."""
    return parse_scan(scan)
