"""Check digits and other validity rules: a code that fails them is a misread."""

from __future__ import annotations

import re

from biip import ParseError
from biip.gs1_messages import GS1Message

from scanners.scan import GS1_SYMBOLOGIES, strip_aim

# biip reads its tables of application identifiers on first use (~0.1 s); do it
# now rather than on the first GS1 code a camera sees, which would drop frames.
GS1Message.parse("0109501101530003")

_CODE39 = re.compile(r"[0-9A-Z \-.$/+%]+")


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (all digits but the check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def has_valid_check_digit(digits: str) -> bool:
    """True when ``digits`` (GTIN-8/12/13/14, SSCC, ...) ends in its GS1 check digit."""
    return len(digits) >= 2 and digits.isdigit() and gs1_check_digit(digits[:-1]) == int(digits[-1])


def upce_to_upca(upce: str) -> str:
    """Expand an 8-digit UPC-E (number system, six digits, check) to its 12-digit UPC-A."""
    ns, d, check = upce[0], upce[1:7], upce[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return ns + body + check


def upca_to_upce(upca: str) -> str | None:
    """Compress a 12-digit UPC-A to its 8-digit UPC-E, or None when it has no UPC-E form."""
    ns, m, p, check = upca[0], upca[1:6], upca[6:11], upca[11]
    if ns not in "01":
        return None
    if m[2] in "012" and m[3:] == "00" and p[:2] == "00":
        six = m[:2] + p[2:] + m[2]
    elif m[3:] == "00" and p[:3] == "000":
        six = m[:3] + p[3:] + "3"
    elif m[3:] != "00" and m[4] == "0" and p[:4] == "0000":
        six = m[:4] + p[4] + "4"
    elif m[4] != "0" and p[:4] == "0000" and p[4] in "56789":
        six = m + p[4]
    else:
        return None
    upce = ns + six + check
    return upce if upce_to_upca(upce) == upca else None


def gtin14(text: str, symbology: str) -> str | None:
    """The 14-digit GTIN of an EAN/UPC/ITF-14 code, or None when it is not one."""
    if symbology == "upce" and len(text) == 8 and text.isdigit():
        text = upce_to_upca(text)
    if symbology in {"ean13", "ean8", "upca", "upce", "itf"} and text.isdigit():
        if len(text) in (8, 12, 13, 14) and has_valid_check_digit(text):
            return text.zfill(14)
    return None


def gs1_problem(text: str) -> str | None:
    """Why a GS1 element string is not valid (bad check digit, date, ...), or None."""
    try:
        message = GS1Message.parse(strip_aim(text))
    except ParseError as exc:
        return str(exc)
    for element in message.element_strings:
        for problem in (element.gtin_error, element.sscc_error, element.gln_error):
            if problem:
                return problem
    return None


def is_valid(text: str, symbology: str) -> bool:
    """True when ``text`` is a well-formed code of ``symbology`` (check digits included)."""
    if not text:
        return False
    if symbology in ("ean13", "ean8", "upca"):
        length = {"ean13": 13, "ean8": 8, "upca": 12}[symbology]
        return len(text) == length and has_valid_check_digit(text)
    if symbology == "upce":
        return (len(text) == 8 and text.isdigit() and text[0] in "01"
                and has_valid_check_digit(upce_to_upca(text)))
    if symbology == "itf":
        # Only ITF-14 (a GTIN on cartons): Interleaved 2 of 5 has no check character
        # of its own and a partial read of a longer code is still well-formed.
        return len(text) == 14 and has_valid_check_digit(text)
    if symbology in GS1_SYMBOLOGIES:
        return gs1_problem(text) is None
    if symbology == "code39":
        return _CODE39.fullmatch(text) is not None
    return True
