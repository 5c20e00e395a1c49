"""What a scan says: a command, a GS1 element string, a URL or JSON label, or a plain code.

This decides the *shape* of a scan only; which asset, product, person or
location a code belongs to is for ``inventory`` to resolve against the data.

GS1 parsing (with ``biip``) happens only when the scan says it is GS1: a GS1
symbology, a GS1 AIM identifier (``]C1``, ``]d2``, ``]Q3``, ...) or a group
separator in the data. A plain 8-digit asset tag is never read as a GTIN.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

from scanners.checks import gtin14, has_valid_check_digit
from scanners.scan import GS1_SYMBOLOGIES, Scan, strip_aim, symbology_from_aim

COMMAND_PREFIX = "CMD:"

_COMMANDS = {
    "CHECKOUT": "Check out",
    "CHECKIN": "Check in",
    "RECEIVE": "Receive",
    "COUNT": "Count",
    "TRANSFER": "Transfer",
    "ISSUE": "Issue",
    "DONE": "Done",
    "UNDO": "Undo",
    "CANCEL": "Cancel",
}

# Code text -> label, in the order a command sheet prints them.
COMMAND_CODES: dict[str, str] = {
    **{f"{COMMAND_PREFIX}{name}": label for name, label in _COMMANDS.items()},
    **{f"{COMMAND_PREFIX}QTY:{n}": f"Quantity {n}" for n in range(1, 11)},
}

# Keys a JSON label may carry the asset tag under, most specific first.
_JSON_CODE_KEYS = ("asset_tag", "assetTag", "tag", "asset", "code", "id", "serial", "sn")
_URL_CODE_PARAMS = ("asset_tag", "tag", "asset", "code", "id")
_GS1_DIGITAL_LINK = re.compile(r"/01/(\d{14})(?:/|$)")


@dataclass(frozen=True)
class ParsedScan:
    """A scan taken apart.

    ``kind`` is "command", "gs1", "url", "json" or "plain". ``code`` is the one
    value to look up: the plain text, the asset tag in a URL or JSON label, the
    GTIN (14 digits) of a GS1 string, or the SSCC when there is no GTIN.
    ``problem`` says why a scan that claimed to be GS1 could not be read as such.
    """

    kind: str
    code: str
    human_readable: str
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    sscc: str | None = None
    command: str | None = None
    quantity: int | None = None
    problem: str | None = None


def parse_scan(scan: Scan) -> ParsedScan:
    """Take ``scan`` apart; never raises for odd input (it becomes a plain code)."""
    raw = scan.text
    aim_symbology = symbology_from_aim(raw)
    body = strip_aim(raw) if aim_symbology != "unknown" else raw
    body = body.strip("\r\n")
    symbology = scan.symbology if scan.symbology != "unknown" else aim_symbology

    command = _command(body)
    if command is not None:
        return command
    if symbology in GS1_SYMBOLOGIES or aim_symbology in GS1_SYMBOLOGIES or "\x1d" in body:
        return _gs1(body)
    stripped = body.strip()
    if re.match(r"(?i)https?://", stripped):
        return _url(stripped)
    if stripped.startswith("{"):
        parsed = _json(stripped)
        if parsed is not None:
            return parsed
    return ParsedScan("plain", stripped, stripped, gtin=gtin14(stripped, symbology))


def human_readable(text: str, symbology: str) -> str:
    """How to show a decoded code to a person: GS1 in (AI)value form, others as they are."""
    if symbology in GS1_SYMBOLOGIES or symbology_from_aim(text) in GS1_SYMBOLOGIES:
        return _gs1(strip_aim(text)).human_readable
    return text


def _command(body: str) -> ParsedScan | None:
    text = body.strip().upper()
    if not text.startswith(COMMAND_PREFIX):
        return None
    label = COMMAND_CODES.get(text)
    if label is None:
        return None
    name = text[len(COMMAND_PREFIX):]
    if name.startswith("QTY:"):
        return ParsedScan("command", text, label, command="quantity", quantity=int(name[4:]))
    return ParsedScan("command", text, label, command=name.lower())


def _gs1(body: str) -> ParsedScan:
    from biip import ParseError
    from biip.gs1_messages import GS1Message

    data = body.lstrip("\x1d")
    try:
        message = GS1Message.parse(data)
    except ParseError as exc:
        plain = data.replace("\x1d", " ").strip()
        return ParsedScan("plain", plain, plain, problem=f"not a valid GS1 code: {exc}")
    fields: dict[str, object] = {}
    for element in message.element_strings:
        problem = element.gtin_error or element.sscc_error or element.gln_error
        if problem:
            plain = data.replace("\x1d", " ").strip()
            return ParsedScan("plain", plain, message.as_hri(), problem=problem)
        ai = element.ai.ai
        if ai in ("01", "02") and "gtin" not in fields:
            fields["gtin"] = element.value
        elif ai == "21":
            fields["serial"] = element.value
        elif ai == "10":
            fields["lot"] = element.value
        elif ai == "17":
            fields["expiry"] = element.date
        elif ai == "00":
            fields["sscc"] = element.value
    hri = message.as_hri()
    code = str(fields.get("gtin") or fields.get("sscc") or hri)
    return ParsedScan("gs1", code, hri, **fields)  # type: ignore[arg-type]


def _url(url: str) -> ParsedScan:
    parts = urlsplit(url)
    link = _GS1_DIGITAL_LINK.search(parts.path)
    if link and has_valid_check_digit(link.group(1)):
        # A GS1 Digital Link: https://id.example.com/01/<GTIN>/21/<serial>
        segments = [unquote(s) for s in parts.path.split("/") if s]
        pairs = dict(zip(segments[::2], segments[1::2], strict=False))
        return ParsedScan("gs1", link.group(1), url, gtin=link.group(1),
                          serial=pairs.get("21"), lot=pairs.get("10"))
    query = parse_qs(parts.query)
    for key in _URL_CODE_PARAMS:
        if query.get(key):
            return ParsedScan("url", query[key][0].strip(), url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    code = segments[-1].strip() if segments else ""
    return ParsedScan("url", code, url)


def _json(text: str) -> ParsedScan | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    lowered = {str(k).lower(): v for k, v in data.items()}
    code = next((str(lowered[k.lower()]).strip() for k in _JSON_CODE_KEYS
                 if k.lower() in lowered and lowered[k.lower()] not in (None, "")), text)
    serial = lowered.get("serial") or lowered.get("sn")
    return ParsedScan("json", code, text, serial=str(serial) if serial else None)
