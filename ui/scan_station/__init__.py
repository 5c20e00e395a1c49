"""The scan station (issue 4): check-out, check-in, receive, transfer, count, issue spare."""

from .page import ScanStationPage

__all__ = ["ScanStationPage"]
