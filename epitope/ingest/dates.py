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
# The RFC 822 dates nearly every RSS feed writes ("Tue, 10 Jun 2003 04:00:00 GMT", "… +0200"),
# read in one match; anything else goes through the email module as before.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?"
    r"\s+(?:GMT|UTC?|Z|([+-])(\d{2})(\d{2}))"
)
_OFFSETS: dict[tuple[str, str, str], dt.tzinfo] = {}


def _rfc822(text: str) -> dt.datetime | None:
    match = _RFC822.fullmatch(text)
    month = match and _MONTHS.get(match.group(2).lower())
    if not month or match.group(3) < "0100":  # the email module reads years 0-99 as 19xx/20xx
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
        fast = _rfc822(text)
        if fast is not None:
            return fast
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
