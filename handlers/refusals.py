"""Refusals given as English strings, in the user's language.

The core's refusals (core.errors) put themselves together in the current language
(``DomainError.message``: the template through the catalog, dates in that language's
words), so a handler shows ``exc.message`` or hands the error to a text builder. This module
is for an English refusal held as a string (``str(exc)``, a message from elsewhere): one
whose words are in the catalog is shown translated; the ones with names in them ("Mia
already has a booking in week 4.") are matched by their shape.
"""

from __future__ import annotations

import re

from core.i18n import N_
from core.i18n import gettext as _

# the core's fixed messages a user of the chat or the Mini App meets
FIXED = (
    N_(
        "The booking system is temporarily unavailable. Nothing was changed. "
        "Please try again in a few minutes."
    ),
    N_("That slot has just been taken."),
    N_("That is less than 24 hours away, so it can't be changed here. Please contact the school."),
    N_("Bookings for this lesson are closed right now."),
    N_("That child is not in your family."),
    N_("This invite link is not valid. Please ask the school for a new one."),
    N_("This invite link has already been used. Please ask the school for a new one."),
    N_("This invite link has expired. Please ask the school for a new one."),
    N_("That is not one of the lesson's slots."),
    N_("The booking is already at that time."),
    N_("The teacher has another lesson at that time."),
    N_("The school's lessons are being updated; please try again."),
    N_("The booking was not made."),
    N_("That booking is not one of your family's."),
    N_("No such lesson in this school."),
    N_(
        "Bookings for this lesson are closed, so it can't be moved right now. "
        "You can still cancel it, or contact the school."
    ),
    # what an admin meets acting for a family
    N_("That session has already started or passed."),
    N_("The current booking has already started or passed."),
    N_("The new time has already started or passed."),
    N_("No such student in this school."),
    N_("No such family in this school."),
    N_("No such school."),
)
# the core's messages with names in them: (pattern, translatable text with the same names)
SHAPED: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?P<child>.+) already has a booking in week (?P<week>\d+)\."),
        N_("{child} already has a booking in week {week}."),
    ),
    (
        re.compile(
            r"(?P<child>.+) already has a booking for (?P<lesson>.+) in week (?P<week>\d+)\."
        ),
        N_("{child} already has a booking for {lesson} in week {week}."),
    ),
    (
        re.compile(r"(?P<child>.+) is not enrolled in (?P<lesson>.+)\."),
        N_("{child} is not enrolled in {lesson}."),
    ),
    (
        re.compile(r"No booking #(?P<id>\d+) in this school\."),
        N_("No booking #{id} in this school."),
    ),
    (
        re.compile(r"Booking #(?P<id>\d+) is already cancelled\."),
        N_("Booking #{id} is already cancelled."),
    ),
    (
        re.compile(
            r"(?P<child>.+)'s booking #(?P<id>\d+) was cancelled; there is nothing to mark\."
        ),
        N_("{child}'s booking #{id} was cancelled; there is nothing to mark."),
    ),
    (
        re.compile(r"Week (?P<week>\d+) is outside the term \(weeks 1 to (?P<weeks>\d+)\)\."),
        N_("Week {week} is outside the term (weeks 1 to {weeks})."),
    ),
    (
        re.compile(
            r"Week (?P<week>\d+) of (?P<lesson>.+) is a group week: no individual booking is needed\."
        ),
        N_("Week {week} of {lesson} is a group week: no individual booking is needed."),
    ),
)


def translated(message: str) -> str:
    """The refusal in the current language (as it is when we have no words for it)."""
    if message in FIXED:
        return _(message)
    for pattern, text in SHAPED:
        match = pattern.fullmatch(message)
        if match is not None:
            return _(text).format(**match.groupdict())
    return _(message)
