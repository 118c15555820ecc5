"""Approval texts: pure functions of a booking view (every text through core.i18n)."""

from __future__ import annotations

from core.booking.approval import who_decided
from core.i18n import N_
from core.i18n import gettext as _
from core.views import BookingView
from handlers.formatting import booking_when, esc, tz_note

# decline reasons offered as buttons; 0 declines without one. A reason is kept in English
# with the booking (the command line shows it so) and translated where it is shown.
REASONS = {
    1: N_("The teacher is not available at that time."),
    2: N_("Please choose another time."),
    3: N_("Please contact the school about this session."),
}
REASON_CODES = tuple(REASONS)


def reason_kept(code: int) -> str | None:
    """The reason a button stands for, as kept with the booking (None: no reason)."""
    return REASONS.get(code)


def reason_text(code: int) -> str | None:
    """The reason a button stands for, in the current language (None: no reason)."""
    kept = reason_kept(code)
    return _(kept) if kept is not None else None


def reason_shown(reason: str) -> str:
    """A kept reason as shown: a listed one in the current language, any other as it is."""
    return _(reason) if reason in REASONS.values() else reason


def waiting_note() -> str:
    """After a PENDING booking in the parent's list."""
    return _("⏳ waiting for the teacher's confirmation")


def pending_headline() -> str:
    return _("Booked ⏳ waiting for the teacher's confirmation")


def pending_card_note() -> str:
    return _(
        "The slot is held for you. The teacher will confirm or decline it, and you will "
        "be told here."
    )


def _details(view: BookingView) -> list[str]:
    return [
        _("Child: {name} ({family})").format(
            name=esc(view.student_name), family=esc(view.family_name)
        ),
        _("Lesson: {lesson} (individual session, week {week})").format(
            lesson=esc(view.lesson_name), week=view.week
        ),
        _("When: {when}").format(when=booking_when(view)),
        _("Teacher: {name}").format(name=esc(view.teacher_name)),
    ]


def request_text(view: BookingView) -> str:
    """To the teacher and the admins: a booking waits for their decision."""
    return "\n".join(
        [
            "<b>" + _("🔔 A booking waits for your confirmation") + "</b>",
            "",
            *_details(view),
            _("Booked by: {who}").format(who=esc(who_decided(view.booked_by))),
            "",
            tz_note(view.timezone),
            _("The slot is held until it is confirmed or declined."),
        ]
    )


def reason_prompt(view: BookingView) -> str:
    return "\n".join(
        [
            "<b>" + _("Decline {name}'s booking?").format(name=esc(view.student_name)) + "</b>",
            "",
            *_details(view),
            "",
            _("Choose a reason to send to the family, or decline without one."),
        ]
    )


def decided_text(view: BookingView, confirmed: bool) -> str:
    """The approver's card once decided."""
    head = (
        _("✅ Confirmed by {who}").format(who=esc(who_decided(view.confirmed_by)))
        if confirmed
        else _("✖ Declined by {who}").format(who=esc(who_decided(view.cancelled_by)))
    )
    lines = [f"<b>{head}</b>", "", *_details(view)]
    if not confirmed:
        if view.cancel_reason:
            lines.append(_("Reason: {reason}").format(reason=esc(reason_shown(view.cancel_reason))))
        lines += ["", _("The family has been told, and the slot is free again.")]
    else:
        lines += ["", _("The family has been told.")]
    return "\n".join(lines)


def refused(message: str) -> str:
    return esc(message) + "\n" + _("Nothing was changed.")


def told_family_confirmed(view: BookingView) -> str:
    """To the family: the teacher confirmed."""
    return "\n".join(
        [
            "<b>" + _("✅ Booking confirmed") + "</b>",
            "",
            _("{teacher} confirmed {name}'s session of {lesson} on {when}.").format(
                teacher=esc(who_decided(view.confirmed_by)),
                name=esc(view.student_name),
                lesson=esc(view.lesson_name),
                when=booking_when(view),
            ),
            "",
            tz_note(view.timezone),
            _("/mybookings shows your bookings."),
        ]
    )


def told_family_declined(view: BookingView) -> str:
    """To the family: the booking was declined, in plain words."""
    lines = [
        "<b>" + _("Booking not accepted") + "</b>",
        "",
        _(
            "Sorry: {teacher} could not accept {name}'s session of {lesson} on {when}, "
            "so it is not booked."
        ).format(
            teacher=esc(who_decided(view.cancelled_by)),
            name=esc(view.student_name),
            lesson=esc(view.lesson_name),
            when=booking_when(view),
        ),
    ]
    if view.cancel_reason:
        lines.append(_("Reason: {reason}").format(reason=esc(reason_shown(view.cancel_reason))))
    lines += ["", _("Please choose another time with /book.")]
    return "\n".join(lines)


def _by_family(label: str | None) -> bool:
    return (label or "").startswith("parent:")


def cancelled_before_decision(view: BookingView) -> str:
    """To the deciders: a PENDING booking cancelled before anyone confirmed or declined it."""
    head = (
        _("↩ Cancelled by the family before a decision")
        if _by_family(view.cancelled_by)
        else _("↩ Cancelled by {who} before a decision").format(
            who=esc(who_decided(view.cancelled_by))
        )
    )
    lines = [f"<b>{head}</b>", "", *_details(view)]
    if view.cancel_reason:
        lines.append(_("Reason: {reason}").format(reason=esc(reason_shown(view.cancel_reason))))
    lines += ["", _("There is nothing to decide any more; the slot is free again.")]
    return "\n".join(lines)


def moved_before_decision(view: BookingView) -> str:
    """To the deciders: a PENDING booking moved to another time before a decision (a new
    request for the new time follows)."""
    head = (
        _("🔁 Moved by the family before a decision")
        if _by_family(view.updated_by)
        else _("🔁 Moved by {who} before a decision").format(who=esc(who_decided(view.updated_by)))
    )
    return "\n".join(
        [
            f"<b>{head}</b>",
            "",
            *_details(view),
            "",
            _("This request is closed: the new time waits for a decision in a new message."),
        ]
    )
