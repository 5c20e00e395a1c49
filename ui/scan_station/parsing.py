"""Scan parsing as the station uses it: `scanners.parse` takes a scan apart (commands come
out as "checkout", "checkin", "receive", "transfer", "count", "issue", "done", "undo",
"cancel" and "quantity")."""

from __future__ import annotations

from scanners.parse import ParsedScan, parse_scan
from scanners.scan import Scan

Parsed = ParsedScan


def parse(scan: Scan) -> ParsedScan:
    """`scanners.parse.parse_scan`, which never raises for odd input."""
    return parse_scan(scan)
