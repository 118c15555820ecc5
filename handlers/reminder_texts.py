"""What reminders say, and their buttons (pure; HTML parse mode), in the recipient's language
(``Reminder.language``, core.languages)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.db.models import BookingStatus
from core.i18n import gettext as _
from core.i18n import ngettext, use_language
from core.reminders.digest import digest_part
from core.reminders.notices import AdminDigestNotice, AgendaNotice, DigestNotice
from core.reminders.service import NotBookedNotice, Reminder, SessionNotice
from core.waitlist.notice import WaitlistOfferNotice
from handlers.callbacks import encode
from handlers.formatting import MAX_MESSAGE, booking_when, clock, day_date, esc, fit, long_date
from handlers.parent import waitlist_texts

DIGEST_FAMILIES = 40  # families named in one digest; the rest are counted

Buttons = list[list[tuple[str, str]]]


def not_booked_text(notice: NotBookedNotice) -> str:
    headline = _("{lesson}: please book an individual slot").format(lesson=esc(notice.lesson_name))
    lines = [
        f"<b>{headline}</b>",
        _("{family}, these individual weeks still need a booking:").format(
            family=esc(notice.family_name)
        ),
    ]
    lines += [
        "• "
        + _("{child} – week {week} (from {monday})").format(
            child=esc(item.student_name), week=item.week, monday=day_date(item.week_monday)
        )
        for item in notice.items
    ]
    lines += [
        "",
        _("Tap a button to pick a time. A slot can be booked until 24 hours before it starts."),
    ]
    return "\n".join(lines)


def not_booked_buttons(notice: NotBookedNotice) -> Buttons:
    """One "Book now" button per child and week, opening the slot step of the booking flow."""
    return [
        [
            (
                _("Book {child} – week {week}").format(child=item.student_name, week=item.week),
                encode("bk", "s", notice.school_id, item.student_id, notice.lesson_id, item.week),
            )
        ]
        for item in notice.items
    ]


def session_text(notice: SessionNotice) -> str:
    booking = notice.booking
    return "\n".join(
        [
            "<b>" + _("Reminder: {lesson}").format(lesson=esc(booking.lesson_name)) + "</b>",
            f"{esc(booking.student_name)} – {booking_when(booking)}",
            _("Teacher: {teacher}").format(teacher=esc(booking.teacher_name)),
            _("Room: {room}").format(room=esc(booking.place)),
            "",
            _("/mybookings shows all your bookings."),
        ]
    )


def agenda_text(notice: AgendaNotice) -> str:
    """A teacher's booked sessions of one day, in order."""
    tz = ZoneInfo(notice.timezone)
    lines = ["<b>" + esc(_("Your sessions on {day}").format(day=long_date(notice.day))) + "</b>"]
    for view in notice.sessions:
        where = f" · {esc(view.place)}" if view.place else ""
        pending = (
            " " + esc(_("(waiting for confirmation)"))
            if view.status == BookingStatus.PENDING
            else ""
        )
        lines.append(
            f"{clock(view.start_at, tz)}–{clock(view.end_at, tz)} {esc(view.student_name)}"
            f" · {esc(view.lesson_name)}{where}{pending}"
        )
    lines += ["", esc(_("/agenda off stops these evening messages."))]
    return fit("\n".join(lines))


def _digest_lines(notice: DigestNotice, *, alone: bool = True) -> list[str]:
    """A lesson's digest, uncut: title, how long bookings have been open, the families
    (the first ``DIGEST_FAMILIES``), what to do; ``alone`` sets the last line apart."""
    count = len(notice.families)
    title = ngettext(
        "{lesson}: {n} family still to book",
        "{lesson}: {n} families still to book",
        count,
    ).format(lesson=notice.lesson_name, n=count)
    opened = ngettext(
        "Bookings have been open for {days} day.",
        "Bookings have been open for {days} days.",
        notice.open_days,
    ).format(days=notice.open_days)
    lines = [f"<b>{esc(title)}</b>", esc(opened)]
    for family in notice.families[:DIGEST_FAMILIES]:
        weeks = ", ".join(
            _("{child} (week {week})").format(child=item.student_name, week=item.week)
            for item in family.items
        )
        unreachable = " " + _("– not reachable in chat") if family.unreachable else ""
        lines.append(f"• {esc(family.family_name)}: {esc(weeks)}{esc(unreachable)}")
    if count > DIGEST_FAMILIES:
        lines.append(esc(_("… and {n} more families.").format(n=count - DIGEST_FAMILIES)))
    lines += [
        *([""] if alone else []),
        esc(
            _("/remind {lesson} reminds them now; /stats {lesson} shows every week.").format(
                lesson=notice.lesson_key
            )
        ),
    ]
    return lines


def digest_text(notice: DigestNotice) -> str:
    """An admin's digest of one lesson: who has not booked a lesson open for days."""
    return fit("\n".join(_digest_lines(notice)))


def _digests_title(lessons: int) -> str:
    title = ngettext(
        "Families still to book in {n} lesson",
        "Families still to book in {n} lessons",
        lessons,
    ).format(n=lessons)
    return f"<b>{esc(title)}</b>"


LESSON_GAP = "\n\n"  # between two lessons of one digest message


def _block(notice: DigestNotice) -> str:
    return "\n".join(_digest_lines(notice, alone=False))


def digests_text(notice: AdminDigestNotice) -> str:
    """An admin's digest message: one lesson as :func:`digest_text`, several under a title,
    a blank line between two lessons (:func:`split` keeps it under Telegram's limit)."""
    if len(notice.lessons) == 1:
        return digest_text(notice.lessons[0])
    blocks = [_digests_title(len(notice.lessons)), *(_block(lesson) for lesson in notice.lessons)]
    return fit(LESSON_GAP.join(blocks))


def digest_parts(sizes: list[int], limit: int = MAX_MESSAGE) -> list[tuple[int, int]]:
    """Lessons (their blocks' lengths, in order) packed into messages under ``limit``:
    the ``(start, stop)`` of each part, cut only between lessons. A lesson too long even
    alone is a part of its own (:func:`digest_text` cuts it at a line's end)."""
    parts: list[tuple[int, int]] = []
    start, size = 0, 0
    for i, block in enumerate(sizes):
        count = i - start + 1
        grown = size + len(LESSON_GAP) + block
        if count > 1 and len(_digests_title(count)) + grown > limit:
            parts.append((start, i))
            start, grown = i, len(LESSON_GAP) + block
        size = grown
    if sizes:
        parts.append((start, len(sizes)))
    return parts


def split(reminder: Reminder) -> list[Reminder]:
    """An admin's digest message in parts under Telegram's 4096 characters, cut between
    lessons, each part with its own lessons' keys (core.reminders.digest.digest_part); any
    other reminder as it is."""
    notice = reminder.notice
    if not isinstance(notice, AdminDigestNotice) or len(notice.lessons) < 2:
        return [reminder]
    with use_language(reminder.language):
        sizes = [len(_block(lesson)) for lesson in notice.lessons]
        parts = digest_parts(sizes)
    return [digest_part(reminder, start, stop) for start, stop in parts]


def render(reminder: Reminder) -> tuple[str, Buttons]:
    """The message text and buttons of a reminder, in its recipient's language."""
    notice = reminder.notice
    with use_language(reminder.language):
        if isinstance(notice, SessionNotice):
            return session_text(notice), []
        if isinstance(notice, WaitlistOfferNotice):  # the waitlist's offers (core.waitlist.offers)
            return waitlist_texts.offer_text(notice), waitlist_texts.offer_buttons(notice)
        if isinstance(notice, AgendaNotice):
            return agenda_text(notice), []
        if isinstance(notice, AdminDigestNotice):
            return digests_text(notice), []
        if isinstance(notice, DigestNotice):
            return digest_text(notice), []
        return not_booked_text(notice), not_booked_buttons(notice)
