"""Lead times, quiet hours, agendas and digests: the pure rules and the school file keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import yaml

from core.reminders.rules import agenda_days, digest_due, lead_due, quiet_now, school_rules
from core.school_file.loader import parse_school_file, school_file_problems
from tests.support.school_files import base

BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
LEADS = (24 * H, 2 * H)


def problems(reminders: dict[str, object]) -> list[str]:
    data = base()
    data["school"]["reminders"] = reminders
    return school_file_problems(yaml.safe_dump(data))


def test_each_lead_time_is_due_until_the_next_shorter_one() -> None:
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert lead_due(start - 25 * H, start, LEADS) is None
    assert lead_due(start - 24 * H, start, LEADS) == 24 * H
    assert lead_due(start - 3 * H, start, LEADS) == 24 * H  # late, still before the 2h one
    assert lead_due(start - 2 * H, start, LEADS) == 2 * H  # never the 24h one any more
    assert lead_due(start, start, LEADS) is None


def test_lead_times_are_absolute_time_across_the_spring_change() -> None:
    start = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 CEST, just after the change
    due_at = datetime(2027, 3, 27, 23, 30, tzinfo=UTC)
    assert due_at.astimezone(BERLIN).strftime("%H:%M %Z") == "00:30 CET"
    assert lead_due(due_at - timedelta(seconds=1), start, LEADS) == 24 * H
    assert lead_due(due_at, start, LEADS) == 2 * H


def test_quiet_hours_follow_the_wall_clock_on_both_changes() -> None:
    quiet = (time(21), time(8))
    spring_end = datetime(2027, 3, 28, 6, 0, tzinfo=UTC)  # 08:00 CEST
    assert quiet_now(spring_end - timedelta(minutes=1), BERLIN, quiet)
    assert not quiet_now(spring_end, BERLIN, quiet)
    autumn_end = datetime(2027, 10, 31, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert quiet_now(autumn_end - timedelta(minutes=1), BERLIN, quiet)
    assert not quiet_now(autumn_end, BERLIN, quiet)
    assert not quiet_now(spring_end - H, BERLIN, None)


def test_agenda_days_and_digest_instants() -> None:
    evening = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # 18:00 CET
    assert agenda_days(evening, BERLIN, time(18)) == [date(2027, 3, 1), date(2027, 3, 2)]
    assert agenda_days(evening - timedelta(minutes=1), BERLIN, time(18)) == [date(2027, 3, 1)]
    assert agenda_days(evening, BERLIN, None) == []
    opened = datetime(2027, 3, 1, tzinfo=UTC)
    assert not digest_due(opened + timedelta(days=3, seconds=-1), opened, 3)
    assert digest_due(opened + timedelta(days=3), opened, 3)
    assert not digest_due(opened + timedelta(days=30), opened, None)


def test_existing_schools_keep_one_24_hour_reminder_and_nothing_else() -> None:
    rules = school_rules({"not_booked": {}, "session": {"enabled": True, "hours_before": 24}})
    assert rules.lead_times() == (24 * H,)
    assert rules.teacher_agenda is None and rules.admin_digest_after_days is None
    assert rules.quiet_hours is None
    assert school_rules({"session": {"hours_before": 6}}).lead_times() == (6 * H,)
    assert (
        school_rules({"session": {"enabled": False}, "before_session": ["2h"]}).lead_times() == ()
    )


def test_the_school_file_keys_are_read_and_stored() -> None:
    data = base()
    data["school"]["reminders"] = {
        "before_session": ["2h", "24h", "30m"],
        "teacher_agenda": "18:00",
        "admin_digest_after_days": 3,
        "quiet_hours": "21:00-08:00",
    }
    reminders = parse_school_file(yaml.safe_dump(data)).school.reminders
    assert reminders.lead_times() == (24 * H, 2 * H, timedelta(minutes=30))
    stored = reminders.as_dict()
    assert stored["before_session"] == ["2h", "24h", "30m"]
    assert stored["teacher_agenda"] == "18:00" and stored["quiet_hours"] == "21:00-08:00"
    assert school_rules(stored) == reminders
    text = yaml.safe_dump(data).replace("teacher_agenda: '18:00'", "teacher_agenda: off")
    assert parse_school_file(text).school.reminders.teacher_agenda is None


def test_bad_reminder_keys_are_refused_in_plain_words() -> None:
    path = "school.reminders.before_session"
    assert problems({"before_session": ["24h", "1d"]}) == [
        f"{path}[1]: the same lead time as {path}[0] (24h)"
    ]
    assert problems({"before_session": ["0m"]}) == [
        f"{path}[0]: '0m': a lead time must be more than 0"
    ]
    assert problems({"before_session": [24]}) == [
        f'{path}[0]: 24 is not a lead time: write it like "30m", "2h" or "1d"'
    ]
    assert problems({"before_session": ["1h", "2h", "3h", "4h", "5h"]}) == [
        f"{path}: at most 4 lead times, got 5"
    ]
    assert problems({"before_session": ["2h"], "session": {"hours_before": 3}}) == [
        f"{path}: give either before_session or session.hours_before, not both"
    ]
    assert problems({"quiet_hours": "21:00"}) == [
        "school.reminders.quiet_hours: '21:00' is not quiet hours: write them like \"21:00-08:00\""
    ]
    assert problems({"teacher_agenda": "22:00", "quiet_hours": "21:00-08:00"}) == [
        "school.reminders.teacher_agenda: 22:00 is inside quiet_hours 21:00-08:00: "
        "the agenda would wait for the morning"
    ]
    assert problems({"admin_digest_after_days": 0}) == [
        "school.reminders.admin_digest_after_days: must be more than 0, got 0"
    ]
