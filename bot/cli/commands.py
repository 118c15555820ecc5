"""What each `musicbot` command does, acting as the school (the 24-hour rule is not applied)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.cli import approval as cli_approval
from bot.cli import listing
from bot.cli import term as cli_term
from bot.cli import waitlist as cli_waitlist
from bot.cli.api_keys import api_key_command
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from core.db.models import BookingStatus
from core.schedule import DAYS, parse_hhmm
from core.school_file.term_shift import next_monday, shift_terms
from core.views import Actor, BookingView, LessonStats

CLI_ACTOR = Actor.system("cli")


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str, ensure_ascii=False)
    sys.stdout.write("\n")


def booking_json(b: BookingView) -> dict[str, Any]:
    return {
        "id": b.id,
        "lesson": b.lesson_key,
        "lesson_name": b.lesson_name,
        "student": b.student_key,
        "student_name": b.student_name,
        "family": b.family_name,
        "teacher": b.teacher_name,
        "week": b.week,
        "date": b.local_start.date().isoformat(),
        "start": b.local_start.strftime("%H:%M"),
        "end": b.local_end.strftime("%H:%M"),
        "start_at": b.start_at.isoformat(),
        "end_at": b.end_at.isoformat(),
        "timezone": b.timezone,
        "status": b.status.value,
        "booked_by": b.booked_by,
        "updated_by": b.updated_by,
        "cancelled_by": b.cancelled_by,
        "cancel_reason": b.cancel_reason,
        "confirmed_at": b.confirmed_at.isoformat() if b.confirmed_at else None,
        "confirmed_by": b.confirmed_by,
        "location": b.location_name,
        "room": b.room_name,
    }


def booking_line(b: BookingView) -> str:
    return (
        f"#{b.id}  {b.local_start:%a %d %b %Y %H:%M}-{b.local_end:%H:%M}  week {b.week}  "
        f"{b.lesson_key}  {b.student_name} ({b.family_name})  {b.status.value}"
    )


def stats_json(s: LessonStats, student_keys: dict[int, str] | None = None) -> dict[str, Any]:
    """The stats; each student not booked by key (``student``) and name (``student_name``).

    ``pending`` and ``to_book`` count what can still be booked (a past week, every slot of
    which has started, is left out; its students without a booking are in
    ``not_booked_past``); ``completion_rate`` is booked / (booked + to_book)."""
    keys = student_keys or {}
    return {
        "lesson": s.lesson_key,
        "lesson_name": s.lesson_name,
        "bookings_open": s.bookings_open,
        "enrolled": s.enrolled,
        "individual_weeks": list(s.individual_weeks),
        "expected": s.expected,
        "booked": s.booked,
        "completed": s.completed,
        "pending": s.pending,
        "completion_rate": round(s.completion_rate, 4),
        "to_book": s.pending,
        "attended": s.attended,
        "no_show": s.no_show,
        "past_weeks": list(s.past_weeks),
        "not_booked_past": s.not_booked_past,
        "weeks": [
            {
                "week": w.week,
                "booked": w.booked,
                "expected": w.expected,
                "past": w.past,
                "to_book": w.to_book,
                "not_booked_count": w.not_booked,
                "attended": w.attended,
                "no_show": w.no_show,
                "not_booked": [
                    {
                        "student": keys.get(m.student_id, str(m.student_id)),
                        "student_name": m.student_name,
                        "family": m.family_name,
                        "unreachable": m.unreachable,
                    }
                    for m in w.missing
                ],
            }
            for w in s.weeks
        ],
    }


def _day(value: str | None) -> int | None:
    if value is None:
        return None
    name = value.strip().upper()
    if name not in DAYS:
        raise ValueError(f"--day must be one of {', '.join(DAYS)}")
    return DAYS.index(name)


def read_school_file(args: argparse.Namespace) -> None:
    """Read (and optionally move) the school file before the event loop starts."""
    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    text = path.read_text(encoding="utf-8")
    if args.term_starts:
        text = shift_terms(text, _term_start(args.term_starts))
    args.import_text = text


def _term_start(value: str) -> date:
    if value == "next-monday":
        return next_monday(date.today())
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError("--term-starts must be a date like 2027-02-01 or next-monday") from None
    if day.weekday() != 0:
        raise ValueError(f"--term-starts {value} is not a Monday")
    return day


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.app import run_polling

        return await run_polling(settings)
    if args.command == "demo":
        from bot.demo import run_demo

        return await run_demo(settings, user_id=args.user, school_file=args.file)
    async with open_runtime(settings, pool_size=2) as runtime:
        if args.command == "migrate":
            print("database is up to date")
            return 0
        if args.command == "import":
            return await _import(runtime, args.import_text, args)
        return await _school_command(runtime, args, settings)


async def _import(runtime: Runtime, text: str, args: argparse.Namespace) -> int:
    from core.school_file.importer import import_school

    result = await import_school(runtime.services.sessions, text, clock=runtime.services.clock)
    if args.format == "json":
        _print_json(result.as_dict() if hasattr(result, "as_dict") else result.__dict__)
    else:
        print(result.summary() if hasattr(result, "summary") else str(result))
    return 0


async def _school_command(runtime: Runtime, args: argparse.Namespace, settings: Settings) -> int:
    services = runtime.services
    school = await services.directory.school(args.school)
    handler = {
        "invite": _invite,
        "feed": _feed,
        "slots": _slots,
        "book": _book,
        "reschedule": _reschedule,
        "cancel": _cancel,
        "bookings": _bookings,
        "stats": _stats,
        "open": _open_close,
        "close": _open_close,
        "api-key": api_key_command,
        "lessons": listing.lessons,
        "families": listing.families,
        "export": cli_term.export,
        "attendance": cli_term.attendance,
        "approve": cli_approval.decide,
        "decline": cli_approval.decide,
        "waitlist": cli_waitlist.waitlist,
    }[args.command]
    return await handler(runtime, school.id, args, settings)


async def _invite(
    runtime: Runtime, school_id: int, args: argparse.Namespace, settings: Settings
) -> int:
    if args.days < 1:
        raise ValueError("--days must be at least 1")
    services = runtime.services
    family_id = await services.directory.family_id(school_id, args.family)
    username = await bot_username(settings)
    issued = await services.invites.issue(school_id, family_id, timedelta(days=args.days))
    if args.format == "json":
        _print_json(
            [
                {"parent": i.parent_name, "link": i.link(username), "valid_days": args.days}
                for i in issued
            ]
        )
    else:
        for invite in issued:
            print(f"{invite.parent_name}: {invite.link(username)}")
    return 0


async def _feed(
    runtime: Runtime, school_id: int, args: argparse.Namespace, settings: Settings
) -> int:
    """The feed URL of a family or teacher (idempotent), or its revocation."""
    from core.calendar.feeds import FeedOwner, feed_url

    directory = runtime.services.directory
    if args.family:
        owner = FeedOwner(school_id, family_id=await directory.family_id(school_id, args.family))
        whose = f"family {args.family}"
    else:
        owner = FeedOwner(school_id, teacher_id=await directory.teacher_id(school_id, args.teacher))
        whose = f"teacher {args.teacher}"
    feeds = runtime.services.feeds
    if args.revoke:
        revoked = await feeds.revoke(owner)
        if args.format == "json":
            _print_json({"owner": whose, "revoked": revoked})
        else:
            print(f"calendar feed of {whose} " + ("revoked" if revoked else "had no live URL"))
        return 0
    url = feed_url(settings.base_url, await feeds.token(owner))
    if args.format == "json":
        _print_json({"owner": whose, "url": url})
    else:
        print(url)
    return 0


async def bot_username(settings: Settings) -> str:
    """The bot's @username for invite links: from the settings, else asked of Telegram."""
    if settings.telegram_bot_username:
        return settings.telegram_bot_username.lstrip("@")
    if settings.telegram_bot_token:
        from telegram import Bot
        from telegram.error import TelegramError

        try:
            async with Bot(
                settings.telegram_bot_token,
                base_url=settings.telegram_api_base_url,
                base_file_url=settings.telegram_file_base_url,
            ) as bot:
                return bot.username
        except TelegramError as exc:
            raise ValueError(
                f"could not ask Telegram for the bot's username ({exc}); set TELEGRAM_BOT_USERNAME"
            ) from exc
    raise ValueError("set TELEGRAM_BOT_USERNAME (or TELEGRAM_BOT_TOKEN) to make invite links")


async def _slots(runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings) -> int:
    services = runtime.services
    lesson_id = await services.directory.lesson_id(school_id, args.lesson)
    school = await services.directory.school_by_id(school_id)
    slots = await services.booking.available_slots(school_id, lesson_id, args.week, CLI_ACTOR)
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(school.timezone)
    rows = [
        {
            "date": s.start_at.astimezone(tz).date().isoformat(),
            "day": f"{s.start_at.astimezone(tz):%A}".upper(),
            "start": f"{s.start_at.astimezone(tz):%H:%M}",
            "end": f"{s.end_at.astimezone(tz):%H:%M}",
            "start_at": s.start_at.isoformat(),
        }
        for s in slots
    ]
    if args.format == "json":
        _print_json(rows)
    elif not rows:
        print(f"no free slots in week {args.week}")
    else:
        for row in rows:
            print(f"{row['date']} {row['day'][:3].title()} {row['start']}-{row['end']}")
    return 0


def _show_booking(b: BookingView, fmt: str, verb: str) -> None:
    if fmt == "json":
        _print_json(booking_json(b))
    else:
        print(f"{verb} {booking_line(b)}")


async def _book(runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings) -> int:
    services = runtime.services
    lesson_id = await services.directory.lesson_id(school_id, args.lesson)
    student_id = await services.directory.student_id(school_id, args.student)
    start_at = await services.booking.slot_at(
        school_id, lesson_id, args.week, parse_hhmm(args.at), _day(args.day)
    )
    booking = await services.booking.create_booking(
        school_id, CLI_ACTOR, lesson_id, student_id, args.week, start_at
    )
    _show_booking(booking, args.format, "booked")
    return 0


async def _reschedule(
    runtime: Runtime, school_id: int, args: argparse.Namespace, settings: Settings
) -> int:
    services = runtime.services
    current = await services.booking.get_booking(school_id, args.booking)
    start_at = await services.booking.slot_at(
        school_id, current.lesson_id, args.week, parse_hhmm(args.at), _day(args.day)
    )
    booking = await services.booking.reschedule_booking(
        school_id, CLI_ACTOR, args.booking, args.week, start_at
    )
    await cli_approval.show_change(settings, services, booking, args, booking.awaiting_confirmation)
    return 0


async def _cancel(runtime: Runtime, school_id: int, args: argparse.Namespace, cfg: Settings) -> int:
    services = runtime.services
    if args.reason is not None and len(args.reason.strip()) > cli_approval.MAX_REASON:
        raise ValueError(f"--reason is at most {cli_approval.MAX_REASON} characters")  # as decline
    before = await services.booking.get_booking(school_id, args.booking)
    booking = await services.booking.cancel_booking(school_id, CLI_ACTOR, args.booking, args.reason)
    await cli_approval.show_change(cfg, services, booking, args, before.awaiting_confirmation)
    return 0


async def _bookings(runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings) -> int:
    services = runtime.services
    lesson_id = await services.directory.lesson_id(school_id, args.lesson) if args.lesson else None
    if args.week is not None:
        await listing.check_week(runtime, school_id, lesson_id, args.week)
    status = BookingStatus(args.status.upper()) if args.status else None
    rows = await services.booking.school_bookings(
        school_id, lesson_id=lesson_id, week=args.week, include_cancelled=args.all, status=status
    )
    if args.format == "json":
        _print_json([booking_json(b) for b in rows])
    elif not rows:
        print("no bookings")
    else:
        for b in rows:
            print(booking_line(b))
    return 0


async def _stats(runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings) -> int:
    services = runtime.services
    lesson_id = await services.directory.lesson_id(school_id, args.lesson)
    stats = await services.booking.lesson_stats(school_id, lesson_id)
    if args.format == "json":
        _print_json(stats_json(stats, await services.directory.student_keys(school_id)))
        return 0
    print(f"{stats.lesson_name} ({stats.lesson_key})")
    print(f"  bookings: {'open' if stats.bookings_open else 'closed'}")
    print(f"  enrolled: {stats.enrolled}   individual weeks: {list(stats.individual_weeks)}")
    print(
        f"  booked {stats.booked} of {stats.expected} expected "
        f"({stats.completion_rate:.0%}), {stats.pending} still to book, "
        f"{stats.completed} completed, {stats.no_show} no-show"
        + (f", {stats.not_booked_past} not booked in past weeks" if stats.not_booked_past else "")
    )
    for week in stats.weeks:
        missing = ", ".join(
            f"{m.student_name} ({m.family_name}{', unreachable' if m.unreachable else ''})"
            for m in week.missing
        )
        print(
            f"  week {week.week}: {week.booked}/{week.expected} booked"
            + (" (past)" if week.past else "")
            + f", {week.attended} attended, {week.no_show} no-show"
            + (f"; not booked: {missing}" if missing else "")
        )
    return 0


async def _open_close(
    runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings
) -> int:
    services = runtime.services
    lesson_id = await services.directory.lesson_id(school_id, args.lesson)
    is_open = args.command == "open"
    changed = await services.booking.set_bookings_open(school_id, lesson_id, is_open, CLI_ACTOR)
    state = "open" if is_open else "closed"
    if args.format == "json":
        _print_json({"lesson": args.lesson, "bookings_open": is_open, "changed": changed})
    else:
        print(f"bookings for {args.lesson} are {state}" + ("" if changed else " (no change)"))
    return 0
