"""What a new user reads says the right thing for their role (issue 11, items 6-9)."""

from __future__ import annotations

from datetime import date

from core.reminders.service import BookNow, NotBookedNotice
from handlers.common import help_text
from handlers.formatting import who_acted
from handlers.parent import texts as parent_texts
from handlers.reminder_texts import not_booked_text


def test_the_reminder_states_the_notice_rule_not_a_booking_horizon() -> None:
    items = (BookNow(4, "Emma Smith", 4, date(2027, 2, 22)),)
    text = not_booked_text(NotBookedNotice(1, 7, "Piano", "Smith", "Australia/Sydney", items))
    assert "up to 24 hours ahead" not in text
    assert "until 24 hours before it starts" in text


def test_only_a_parents_help_speaks_of_the_notice_rule() -> None:
    assert "24 hours' notice" in help_text(True, False, False, True)
    assert "24 hours" not in help_text(False, True, False, True)
    assert "24 hours" not in help_text(False, False, True, True)
    assert "24 hours" not in help_text(False, True, True, True)


def test_help_opens_with_a_line_per_role() -> None:
    teacher = help_text(False, True, False, True)
    assert "You teach here" in teacher and "You run" not in teacher and "You book" not in teacher
    both = help_text(True, False, True, True)
    assert "You book your children" in both and "You run the school" in both


def test_a_parents_command_tells_each_role_what_fits_it() -> None:
    admin = parent_texts.not_a_parent(True, True, False)
    assert "invite link" not in admin and "Book for a family" in admin
    teacher = parent_texts.not_a_parent(True, False, True)
    assert "invite link" not in teacher and "/bookings" in teacher
    assert "invite link" in parent_texts.not_a_parent(True, False, False)
    assert parent_texts.not_a_parent(False, False, False) == parent_texts.STRANGER


def test_who_acted_hides_the_internal_prefix() -> None:
    assert who_acted("admin:Alice Admin") == "Alice Admin (admin)"
    assert who_acted("parent:12 Jane Smith") == "Jane Smith (parent)"
    assert who_acted("parent:12") == "parent"
    assert who_acted("cli") == "the school (command line)"


def test_a_slot_gone_from_an_old_screen_is_not_said_to_be_just_taken() -> None:
    assert "has just been taken" in parent_texts.slot_taken("…", True)
    old = parent_texts.slot_taken("…", False)
    assert "just" not in old and "no longer free" in old
