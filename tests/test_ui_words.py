"""One style of dates, money and words in the window: the locale's dates ("1 Dec 2026"),
money with its currency (a setting, by default the locale's), counts without "(s)"."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ui.models import format as fmt

UI = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def locale_style():
    yield fmt.configure
    fmt.configure("en_GB", "")


@pytest.mark.parametrize(("locale", "day", "money"), [
    ("en_GB", "1 Dec 2026", "£1,234.50"),
    ("en_US", "Dec 1, 2026", "$1,234.50"),
    ("de_DE", "01.12.2026", "1.234,50\xa0€"),
])
def test_dates_and_money_follow_the_locale(locale_style, locale, day, money):
    locale_style(locale)
    assert fmt.fmt_date(date(2026, 12, 1)) == day
    assert fmt.fmt_money(Decimal("1234.5")) == money


def test_the_currency_setting_wins_and_amounts_are_not_changed(locale_style):
    locale_style("en_GB", "usd")
    assert fmt.current_currency() == "USD"
    assert fmt.fmt_money(Decimal("99.9")) == "US$99.90"
    locale_style("en_GB", "")
    assert fmt.fmt_money(Decimal("99.9")) == "£99.90"


def test_a_date_edit_shows_the_same_style(locale_style):
    locale_style("en_US")
    assert fmt.date_edit_format() == "MMM d, yyyy"
    locale_style("en_GB")
    assert fmt.date_edit_format() == "d MMM yyyy"
    assert fmt.fmt_local(datetime(2026, 12, 1, 9, 5)) == "1 Dec 2026 09:05"


@pytest.mark.parametrize("locale", ["en_GB", "en_US", "de_DE", "ar_EG", "fa_IR", "hi_IN",
                                    "ja_JP"])
def test_a_time_in_a_table_reads_as_babel_writes_it(locale_style, locale):
    """A table's date and time is put together from the day's kept text and the time;
    it must read exactly as babel's own "medium" date and "HH:mm" time would."""
    from babel.dates import format_date, format_time

    locale_style(locale)
    for moment in (datetime(2026, 12, 1, 9, 5), datetime(2027, 3, 14, 23, 59, 30),
                   datetime(2026, 1, 2, 0, 0)):
        assert fmt.fmt_local(moment) == (f"{format_date(moment, 'medium', locale=locale)} "
                                         f"{format_time(moment, 'HH:mm', locale=locale)}")


def test_counts_say_one_or_many():
    assert fmt.count(1, "item") == "1 item"
    assert fmt.count(3, "item") == "3 items"
    assert fmt.count(1200, "movement") == "1,200 movements"


def test_the_window_writes_no_iso_dates_plain_amounts_or_item_s():
    """Texts of ui/ go through ui/models/format.py: no ISO date, no bare 2-decimal amount,
    no "(s)" plural, in any string the window shows."""
    problems = []
    pattern = re.compile(r"""isoformat\(\)|:%Y-%m-%d|:,\.2f|[a-z]\(s\)[^"'\n()]*["']""")
    for path in UI.rglob("*.py"):
        if path.name == "format.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                problems.append(f"{path.relative_to(UI.parent)}:{n}: {line.strip()}")
    assert not problems, "\n".join(problems)


def test_a_currency_chosen_in_settings_shows_in_the_tables(qtbot, window):
    settings_page = window.show_page("settings")
    combo = settings_page.currency
    combo.setCurrentIndex(combo.findData("USD"))
    try:
        stock = window.show_page("stock")
        assert window.ctx.runner.wait_idle(10_000)
        col = stock.model.column_of("value")
        texts = [stock.model.index(r, col).data() for r in range(3)]
        assert all(t.startswith("US$") for t in texts if t), texts
    finally:
        combo.setCurrentIndex(0)
        fmt.configure("en_GB", "")
