"""Months and days as the cost model counts them, and the SQL that counts them the same
way on SQLite and PostgreSQL (a day is its proleptic ordinal, `date.toordinal()`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

import peewee as pw

from ..errors import ValidationError

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.fullmatch(str(text).strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise ValidationError(f"'{text}' is not a month: write it as YYYY-MM, e.g. 2026-03.",
                                  field="month")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        """year * 12 + month - 1: consecutive months are consecutive numbers."""
        return self.year * 12 + self.month - 1

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The first day of the next month (exclusive)."""
        return Month.from_index(self.index + 1).first

    @property
    def days(self) -> int:
        return (self.end - self.first).days

    @property
    def start_day(self) -> int:
        return self.first.toordinal()

    @property
    def end_day(self) -> int:
        return self.end.toordinal()

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time())

    def shift(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def label(self) -> str:
        return self.first.strftime("%B %Y")


def is_pg(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def _parts_sqlite(column: str) -> tuple[str, str, str]:
    """Year, month and day of a DATE or TIMESTAMP column as SQLite stores them (ISO text,
    'YYYY-MM-DD...'): cutting the text is a quarter of the cost of strftime's parsing, and
    showback reads every stretch of every device."""
    return tuple(f"CAST(substr({column}, {a}, {n}) AS INTEGER)"  # type: ignore[return-value]
                 for a, n in ((1, 4), (6, 2), (9, 2)))


def _days_in_month_sqlite(y: str, m: str) -> str:
    leap = f"(CASE WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 THEN 1 ELSE 0 END)"
    return f"(CASE WHEN {m} = 2 THEN 28 + {leap} ELSE 30 + ({m} + {m} / 8) % 2 END)"


def day_sql(db: pw.Database, column: str) -> str:
    """The day number (`date.toordinal()`) of a DATE or TIMESTAMP column."""
    if is_pg(db):
        return f"(CAST({column} AS DATE) - DATE '0001-01-01' + 1)"
    return f"CAST(julianday(substr({column}, 1, 10)) - 1721424.5 AS INTEGER)"


def month_sql(db: pw.Database, column: str) -> str:
    """year * 12 + month - 1 of a DATE or TIMESTAMP column."""
    if is_pg(db):  # date_part, not EXTRACT: a double, not a numeric (a third faster)
        return (f"(CAST(date_part('year', {column}) AS INTEGER) * 12 "
                f"+ CAST(date_part('month', {column}) AS INTEGER) - 1)")
    y, m, _d = _parts_sqlite(column)
    return f"({y} * 12 + {m} - 1)"


def fmonth_sql(db: pw.Database, column: str) -> str:
    """The month position of a DATE or TIMESTAMP column's day, in months: year * 12 +
    month - 1 + (day of the month - 1) / days in the month. A month is 1 wide whatever its
    length, so a stretch of days from a to b is worth F(b) - F(a) months: the sum, day by
    day, of 1 / (days in that day's month). This turns "days held ÷ days in the month,
    for each month" into one subtraction over any range of months."""
    if is_pg(db):
        d = f"CAST({column} AS DATE)"
        return (f"(CAST(date_part('year', {d}) AS INTEGER) * 12 "
                f"+ CAST(date_part('month', {d}) AS INTEGER) - 1 "
                f"+ (date_part('day', {d}) - 1) / date_part('day', date_trunc('month', {d}) "
                f"+ INTERVAL '1 month' - INTERVAL '1 day'))")
    y, m, d = _parts_sqlite(column)
    return f"({y} * 12 + {m} - 1 + ({d} - 1) * 1.0 / {_days_in_month_sqlite(y, m)})"


def fmonth(day) -> float:
    """`fmonth_sql` in Python, for a date."""
    mo = Month.of(day)
    return mo.index + (day.day - 1) / mo.days


def month_of_day_sql(db: pw.Database, day: str) -> str:
    """year * 12 + month - 1 of a day number (`date.toordinal()`)."""
    if is_pg(db):
        return month_sql(db, f"(DATE '0001-01-01' + CAST({day} AS INTEGER) - 1)")
    return month_sql(db, f"date({day} + 1721424.5)")


def least(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"


def greatest(a: str, b: str) -> str:
    return f"(CASE WHEN {a} > {b} THEN {a} ELSE {b} END)"


def most(db: pw.Database, *exprs: str) -> str:
    """The greatest of the expressions (none of them NULL), each evaluated once: unlike
    `greatest`, nesting these never repeats an argument's SQL."""
    return f"{'GREATEST' if is_pg(db) else 'MAX'}({', '.join(exprs)})"


def fewest(db: pw.Database, *exprs: str) -> str:
    """The least of the expressions (none of them NULL), each evaluated once."""
    return f"{'LEAST' if is_pg(db) else 'MIN'}({', '.join(exprs)})"


def param(db: pw.Database) -> str:
    return "%s" if is_pg(db) else "?"


def months_values(db: pw.Database, months: list[Month]) -> tuple[str, list]:
    """A CTE body listing the months: (mi, ms, me, dim) — index, first and end day
    (ordinals, end exclusive), days in the month."""
    p = param(db)
    rows = " UNION ALL ".join(
        f"SELECT CAST({p} AS INTEGER) AS mi, CAST({p} AS INTEGER) AS ms, "
        f"CAST({p} AS INTEGER) AS me, CAST({p} AS INTEGER) AS dim" for _ in months)
    args: list = []
    for mo in months:
        args += [mo.index, mo.start_day, mo.end_day, mo.days]
    return rows, args
