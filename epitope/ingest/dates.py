"""Read the date formats sources use into timezone-aware datetimes (UTC when unstated).

A date is read as written, whatever its year: `outside_window` then tells the pipeline which
ones no item can have (before 1800, more than a day ahead, or beyond what a datetime holds once
in UTC), and the pipeline drops those with a note rather than lose the item.
"""

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
# The RFC 822 dates nearly every RSS feed writes ("Tue, 10 Jun 2003 04:00:00 GMT", "… +0200"),
# read in one match; anything else goes through the email module as before.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?"
    r"\s+(?:GMT|UTC?|Z|([+-])(\d{2})(\d{2}))"
)
_OFFSETS: dict[tuple[str, str, str], dt.tzinfo] = {}
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
EARLIEST = dt.datetime(1800, 1, 1, tzinfo=dt.timezone.utc)
AHEAD = dt.timedelta(days=1)  # clocks and time zones differ; an item from beyond tomorrow is wrong


def outside_window(value, now: dt.datetime | None = None) -> str | None:
    """Return why `value` cannot be an item's date (not 1800 to a day from now), or None if it can."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return f"not a date ({type(value).__name__})"
    try:
        utc = _aware(value).astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        return "out of range in UTC"
    if utc < EARLIEST:
        return "before 1800"
    if utc > (now or dt.datetime.now(dt.timezone.utc)) + AHEAD:
        return "more than a day ahead"
    return None


def _rfc822(text: str) -> dt.datetime | None:
    match = _RFC822.fullmatch(text)
    month = match and _MONTHS.get(match.group(2).lower())
    if not month:
        return None
    day, _m, year, hour, minute, second, sign, hh, mm = match.groups()
    try:  # out of range (31 Feb, +2400): the slow path decides, as it did
        tz = dt.timezone.utc
        if sign and (hh, mm) != ("00", "00"):
            tz = _OFFSETS.get((sign, hh, mm))
            if tz is None:
                minutes = int(hh) * 60 + int(mm)
                tz = dt.timezone(dt.timedelta(minutes=-minutes if sign == "-" else minutes))
                _OFFSETS[sign, hh, mm] = tz
        return dt.datetime(int(year), month, int(day), int(hour), int(minute), int(second or 0), tzinfo=tz)
    except ValueError:
        return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def parse_date(text: str | None) -> dt.datetime | None:
    """Return the datetime in an RFC 822, ISO 8601 or looser date string, or None."""
    if not text or not isinstance(text, str):  # a number or a list where a feed owes text
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
        fast = _rfc822(text)
        if fast is not None:
            return fast
        try:
            when = _aware(email.utils.parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
        else:
            # The email module reads a written "0001" as 2001: a year is what was written or nothing.
            written = _YEAR.search(text)
            return None if written and int(written.group()) != when.year else when
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
