"""Reading cell values the way spreadsheets write them: dates in ISO and local forms,
amounts with currency signs and either decimal separator, yes/no words.

Every parser takes what a CSV (text) or an XLSX (text, numbers, datetimes) holds and
raises ``ValueError`` with a message a person can act on.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from .export import FORMULA_STARTS

MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], 1) for name in names}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[ t,].*)?$")
_NAMED_DMY = re.compile(r"^(\d{1,2})[ \-./]+([a-z]+)\.?[ \-./,]+(\d{2}|\d{4})\b")
_NAMED_MDY = re.compile(r"^([a-z]+)\.?[ \-./]+(\d{1,2})(?:st|nd|rd|th)?[ ,\-./]+(\d{2}|\d{4})\b")
_EXCEL_EPOCH = date(1899, 12, 30)

TRUE_WORDS = {"1", "y", "yes", "true", "t", "x", "ja", "oui", "si", "active", "on"}
FALSE_WORDS = {"0", "n", "no", "false", "f", "nein", "non", "inactive", "off", "left"}


def restore_neutralised(value: object) -> object:
    """A text cell as it was before export made it formula-safe. The exporter puts one
    apostrophe before text a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, TAB,
    CR first, after any apostrophes already there); exactly that one is dropped again, so
    export → import is lossless."""
    if isinstance(value, str) and value[:1] == "'" and value.lstrip("'")[:1] in FORMULA_STARTS:
        return value[1:]
    return value


def text(value: object) -> str:
    """A cell as clean text: whole numbers from spreadsheets lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def _year(y: str) -> int:
    n = int(y)
    return n + (2000 if n < 70 else 1900) if len(y) == 2 else n


def slash_parts(value: object) -> tuple[int, int] | None:
    """The first two numbers of a local date such as 03/04/2023, to guess the day order."""
    if not isinstance(value, str):
        return None
    found = _NUMERIC.match(value.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def parse_date(value: object, *, day_first: bool = True) -> date | None:
    """A date from ISO (2024-03-05), local (05/03/2024, 05.03.24), named (5 Mar 2024,
    March 5, 2024) or spreadsheet forms; ``None`` for an empty cell.

    ``day_first`` decides 03/04/2024 (3 April when true, March 4 when false).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):  # an Excel serial day number
        if 1 <= value < 200_000:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"{value} is not a date")
    s = str(value).strip().lower()
    if not s:
        return None
    try:
        if found := _ISO.match(s):
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _NUMERIC.match(s):
            a, b, y = int(found.group(1)), int(found.group(2)), _year(found.group(3))
            if a > 12 and b <= 12:
                return date(y, b, a)
            if b > 12 and a <= 12:
                return date(y, a, b)
            return date(y, b, a) if day_first else date(y, a, b)
        if (found := _NAMED_DMY.match(s)) and found.group(2) in MONTHS:
            return date(_year(found.group(3)), MONTHS[found.group(2)], int(found.group(1)))
        if (found := _NAMED_MDY.match(s)) and found.group(1) in MONTHS:
            return date(_year(found.group(3)), MONTHS[found.group(1)], int(found.group(2)))
        if s.isdigit() and 20_000 <= int(s) < 80_000:  # a serial day number pasted as text
            return _EXCEL_EPOCH + timedelta(days=int(s))
    except ValueError:
        pass  # 31/02/2024 and friends fall through to the message below
    raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD (or DD/MM/YYYY)")


_MONEY_NOISE = re.compile(r"[\s\u00a0\u202f'’$€£¥₹]|(?i:usd|eur|gbp|chf|cad|aud|jpy|sek|nok|dkk)")


def parse_decimal(value: object, *, decimal_comma: bool = False) -> Decimal | None:
    """An amount: 1299, 1,299.00, 1.299,00, $1 299, (12.50) for -12.50, 1299,5 €.

    With ``decimal_comma`` (files separated by semicolons) '1,299' means 1.299, else 1299.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an amount")
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    raw = str(value).strip()
    s = _MONEY_NOISE.sub("", raw)
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    if s.startswith("-"):
        negative, s = True, s[1:]
    if not s:
        if raw:
            raise ValueError(f"'{raw}' is not an amount; write it as 1234.50")
        return None
    if "," in s and "." in s:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal_sep == "," else ",", "").replace(",", ".")
    elif "," in s:
        head, _, tail = s.rpartition(",")
        if s.count(",") > 1 or (len(tail) == 3 and not decimal_comma):
            s = s.replace(",", "")
        else:
            s = head + "." + tail
    elif s.count(".") > 1 or (decimal_comma and len(s.rpartition(".")[2]) == 3):
        s = s.replace(".", "")
    try:
        amount = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not an amount; write it as 1234.50") from None
    if not amount.is_finite():
        raise ValueError(f"'{raw}' is not an amount; write it as 1234.50")
    return -amount if negative else amount


def parse_int(value: object) -> int | None:
    """A whole number ('12', 12.0, '1,200'); ``None`` for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value != int(value):
            raise ValueError(f"{value} is not a whole number")
        return int(value)
    s = re.sub(r"[\s\u00a0,']", "", str(value))
    if not s:
        return None
    if s.endswith(".0"):
        s = s[:-2]
    try:
        return int(s)
    except ValueError:
        raise ValueError(f"'{value}' is not a whole number") from None


def parse_float(value: object) -> float | None:
    amount = parse_decimal(value)
    return None if amount is None else float(amount)


def parse_bool(value: object) -> bool | None:
    """Yes/no words in a few languages, 1/0, x; ``None`` for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    s = text(value).lower()
    if not s:
        return None
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise ValueError(f"'{value}' is not yes or no")


def parse_months(value: object) -> int | None:
    """A warranty or term length such as '36', '36 months', '3 years'."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return parse_int(value)
    found = re.match(r"^\s*(\d+)\s*(m|mo|mos|month|months|y|yr|yrs|year|years)?\s*$",
                     str(value).lower())
    if not found:
        raise ValueError(f"'{value}' is not a number of months")
    n = int(found.group(1))
    return n * 12 if (found.group(2) or "").startswith("y") else n


def add_months(start: date, months: int) -> date:
    y, mo = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, mo + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {start}")


def slug(name: str, prefix: str = "") -> str:
    """A code made from a name: 'Head Office 2' -> 'LOC-HEAD-OFFICE-2'."""
    body = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-") or "X"
    return f"{prefix}{body}"[:60]
