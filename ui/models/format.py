"""How values look in the window: the one date, money and count style of `ui/`.

Dates read the way the user's locale writes them in its medium style ("1 Dec 2026" in
en_GB, "Dec 1, 2026" in en_US); money carries its currency (the Settings choice, by default
the locale's), with the stored amounts unchanged. Files keep ISO dates and plain numbers
(inventory/exchange). Babel holds the locale data (CLDR). `configure()` is called once at
start-up (ui/app.py) and whenever Settings change the currency; tests pin both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, get_territory_currencies
from PySide6.QtCore import QLocale

from inventory.queries.common import as_date
from inventory.queries.history import KIND_LABELS as MOVEMENT_LABELS

from .. import style

FALLBACK_LOCALE = "en_GB"  # when the system says only "C" / "POSIX"
FALLBACK_CURRENCY = "EUR"


def system_locale_name() -> str:
    """The desk's locale as Qt reads it from the system ("en_GB"), or the fallback."""
    name = QLocale.system().name()
    return FALLBACK_LOCALE if name in ("", "C", "POSIX") else name


def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name or FALLBACK_LOCALE)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK_LOCALE)


def locale_currency(name: str | None = None) -> str:
    """The currency of a locale's territory (en_GB → GBP, de_DE → EUR)."""
    loc = _locale(name or system_locale_name())
    found = get_territory_currencies(loc.territory) if loc.territory else []
    return found[0] if found else FALLBACK_CURRENCY


class _Style:
    locale: Locale = _locale(FALLBACK_LOCALE)
    currency: str = FALLBACK_CURRENCY


def configure(locale: str | None = None, currency: str | None = None) -> None:
    """Set the locale (default: the system's) and the currency (default: the locale's)."""
    name = locale or system_locale_name()
    _Style.locale = _locale(name)
    _Style.currency = (currency or "").strip().upper() or locale_currency(name)
    for cached in (_date_text, _money_text, _int_text, _number_text):
        cached.cache_clear()


# Babel formats a value in 30-70 µs; a table shows the same quantities, prices and dates
# over and over, and the window formats them on the UI thread as rows arrive. Each text
# is worked out once per style (`configure` forgets them), keyed by the value's type too
# (1, 1.0 and Decimal("1") are equal keys but need not read alike).
TEXT_CACHE = 8192


@lru_cache(maxsize=TEXT_CACHE)
def _date_text(d: date) -> str:
    return format_date(d, "medium", locale=_Style.locale)


@lru_cache(maxsize=TEXT_CACHE)
def _money_text(kind: type, v: Decimal | float | int) -> str:
    return format_currency(Decimal(str(v)), _Style.currency, locale=_Style.locale)


@lru_cache(maxsize=TEXT_CACHE)
def _int_text(v: int) -> str:
    return format_decimal(v, locale=_Style.locale)


@lru_cache(maxsize=TEXT_CACHE)
def _number_text(kind: type, v: float | Decimal, places: int) -> str:
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(v, format=pattern, locale=_Style.locale)


def current_currency() -> str:
    return _Style.currency


def local(dt: datetime) -> datetime:
    """The database keeps naive UTC; people read local time."""
    return dt.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def fmt_date(d: date | datetime | str | None) -> str:
    d = as_date(d)
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = local(d).date()
    if not isinstance(d, date):
        return str(d)
    return _date_text(d)


def fmt_datetime(dt: datetime | str | None) -> str:
    dt = as_date(dt)
    if dt is None:
        return ""
    if not isinstance(dt, datetime):
        return fmt_date(dt)
    return fmt_local(local(dt))


def fmt_local(dt: datetime) -> str:
    """A date and time already in local time (a file's time), the window's way: the
    date's text (kept per day) and the time as babel's "HH:mm" writes it in every
    locale (two Western digits each, a colon)."""
    return f"{_date_text(dt.date())} {dt.hour:02d}:{dt.minute:02d}"


def fmt_time(dt: datetime) -> str:
    """A time of day the locale's short way ("13:05", "1:05 PM"); `dt` as the clock gives it."""
    return format_time(dt, "short", locale=_Style.locale)


def fmt_month(d: date) -> str:
    """A month on a chart axis ("Dec")."""
    return format_date(d, "MMM", locale=_Style.locale)


def fmt_money(v: Decimal | float | int | None) -> str:
    """An amount with its currency ("£1,234.50")."""
    if v is None:
        return ""
    return _money_text(type(v), v)


def fmt_int(v: int | None) -> str:
    return "" if v is None else _int_text(int(v))


def fmt_number(v: float | Decimal | None, places: int = 0) -> str:
    """A figure rounded to `places` decimals, grouped the locale's way."""
    if v is None:
        return ""
    return _number_text(type(v), v, places)


def count(n: int, one: str, many: str | None = None) -> str:
    """"1 device", "3 devices": never "device(s)"."""
    return f"{fmt_int(n)} {one if n == 1 else (many or one + 's')}"


def fmt_kind(v: str | None) -> str:
    if not v:
        return ""
    return MOVEMENT_LABELS.get(v) or style.kind_label(v)


def display(kind: str, value: object) -> str:
    """The text of one cell of a column of `kind`."""
    if value is None:
        return ""
    if kind == "date":
        return fmt_date(value)  # type: ignore[arg-type]
    if kind == "datetime":
        return fmt_datetime(value)  # type: ignore[arg-type]
    if kind == "money":
        return fmt_money(value)  # type: ignore[arg-type]
    if kind == "int":
        return fmt_int(value)  # type: ignore[arg-type]
    if kind == "status":
        return style.status_label(str(value))
    if kind == "kind":
        return fmt_kind(str(value))
    return str(value)


def days_phrase(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} ago"


def movement_entry(mv) -> tuple[str, str, str]:
    """A ledger row as a timeline entry: (headline, when, details)."""
    head = mv.kind_label
    if mv.asset_tag is None and mv.quantity and mv.kind not in ("license_assign",
                                                                 "license_release"):
        head += f" × {mv.quantity}"
    bits = [mv.where] if mv.where else []
    if mv.person:
        bits.append(mv.person)
    if mv.reference:
        bits.append(mv.reference)
    if mv.note:
        bits.append(f"“{mv.note}”")
    bits.append(f"by {mv.operator}")
    return head, fmt_datetime(mv.at), " · ".join(bits)


def date_edit_format() -> str:
    """The medium date pattern of the locale in Qt's letters, for QDateEdit."""
    pattern = _Style.locale.date_formats["medium"].pattern
    out, i = [], 0
    while i < len(pattern):
        j = i
        while j < len(pattern) and pattern[j] == pattern[i]:
            j += 1
        run = pattern[i:j]
        out.append("yyyy" if run[0] == "y" and len(run) != 2 else
                   "ddd" if run[0] == "E" else run)
        i = j
    return "".join(out)
