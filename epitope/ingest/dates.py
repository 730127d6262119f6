"""Read the date formats sources use into timezone-aware datetimes (UTC when unstated)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from dateutil import parser as dateutil_parser

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def parse_date(text: str | None) -> dt.datetime | None:
    """Return the datetime in an RFC 822, ISO 8601 or looser date string, or None."""
    if not text:
        return None
    text = text.strip()
    if not text:
        return None
    if text[:4].isdigit():
        try:
            return _aware(dt.datetime.fromisoformat(text))
        except ValueError:
            pass
    else:
        try:
            return _aware(email.utils.parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    try:
        return _aware(dateutil_parser.parse(text))
    except (ValueError, OverflowError, TypeError):
        return None


def month_number(text: str | None) -> int | None:
    """Return 1-12 for a month given as a number, a name or a season; None if unreadable."""
    if not text:
        return None
    text = text.strip().lower()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text[:3]) or _SEASONS.get(text)


def from_parts(year: str | None, month: str | None = None, day: str | None = None) -> dt.datetime | None:
    """Return a UTC midnight datetime from year/month/day parts; missing parts count as 1."""
    if not year or not re.fullmatch(r"\d{4}", year.strip()):
        return None
    try:
        return dt.datetime(
            int(year), month_number(month) or 1, int(day) if day and day.strip().isdigit() else 1,
            tzinfo=dt.timezone.utc,
        )
    except ValueError:
        return None
