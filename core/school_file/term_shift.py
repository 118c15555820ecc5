"""Moving a school file's dates so that its first term starts on a given Monday.

Used by the demo and `musicbot import --term-starts`: the example school is then always
bookable, whatever today's date. Weekdays are kept (the shift is a whole number of weeks).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import yaml


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _shift_datetime(value: Any, delta: timedelta) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment + delta).strftime("%Y-%m-%dT%H:%M")


def shift_terms(text: str, first_monday: date) -> str:
    """The same school file with every term and event moved by whole weeks."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not data.get("terms"):
        return text
    terms = data["terms"]
    try:
        first = min(_as_date(t["start_date"]) for t in terms)
    except (KeyError, TypeError, ValueError):
        return text  # let the validator report the broken file
    weeks = round((first_monday - first).days / 7)
    delta = timedelta(weeks=weeks)
    for term in terms:
        term["start_date"] = (_as_date(term["start_date"]) + delta).isoformat()
    for event in data.get("events") or []:
        for field in ("start", "end"):
            if field in event:
                event[field] = _shift_datetime(event[field], delta)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
