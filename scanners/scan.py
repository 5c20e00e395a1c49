"""The one shape every scan takes, whatever device it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SOURCES = ("usb", "serial", "camera", "manual")

SYMBOLOGIES = (
    "code128",
    "code39",
    "ean13",
    "ean8",
    "upca",
    "upce",
    "qr",
    "datamatrix",
    "gs1-128",
    "gs1-datamatrix",
    "gs1-qr",
    "itf",
    "unknown",
)

GS1_SYMBOLOGIES = frozenset({"gs1-128", "gs1-datamatrix", "gs1-qr"})

# AIM symbology identifiers (ISO/IEC 15424) a scanner may put before the data.
# Keyed by the three characters "]" + code letter + modifier.
_AIM_IDS = {
    "]C0": "code128",
    "]C1": "gs1-128",
    "]A0": "code39",
    "]A1": "code39",
    "]A3": "code39",
    "]A4": "code39",
    "]A7": "code39",
    "]E0": "ean13",
    "]E3": "ean13",
    "]E4": "ean8",
    "]I0": "itf",
    "]I1": "itf",
    "]Q0": "qr",
    "]Q1": "qr",
    "]Q2": "qr",
    "]Q3": "gs1-qr",
    "]Q4": "gs1-qr",
    "]Q5": "qr",
    "]Q6": "qr",
    "]d0": "datamatrix",
    "]d1": "datamatrix",
    "]d2": "gs1-datamatrix",
    "]d3": "datamatrix",
    "]d4": "datamatrix",
    "]d5": "gs1-datamatrix",
    "]d6": "datamatrix",
}


@dataclass(frozen=True)
class Scan:
    """One code read by a device or typed by hand.

    ``text`` is what the device sent, AIM identifier and GS separators
    (``\\x1d``) included; ``symbology`` is one of ``SYMBOLOGIES``; ``source``
    one of ``SOURCES``; ``at`` when it was seen.
    """

    text: str
    symbology: str
    source: str
    at: datetime


def symbology_from_aim(text: str) -> str:
    """The symbology named by an AIM identifier at the start of ``text``, else "unknown"."""
    return _AIM_IDS.get(text[:3], "unknown") if text.startswith("]") else "unknown"


def strip_aim(text: str) -> str:
    """``text`` without a leading AIM identifier (``]C1``, ``]d2``, ...)."""
    if len(text) >= 3 and text[0] == "]" and text[1].isalpha() and text[2].isalnum():
        return text[3:]
    return text
