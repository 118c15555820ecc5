"""Admin area: the /admin dashboard, its buttons (``ad:``) and the one-line commands.

/lessons and /bookings serve teachers too (read-only, see handlers.teacher); the callback
data of every ``ad`` action is listed in handlers.admin.keyboards.
"""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from handlers.admin import actions as admin_actions
from handlers.admin import commands as admin_commands
from handlers.admin import dashboard as admin_dashboard
from handlers.admin import dashboard_back as admin_back
from handlers.admin import export as admin_export
from handlers.admin import reach as admin_reach
from handlers.admin import waitlist_view as admin_waitlist
from handlers.callbacks import fields_pattern
from handlers.common import register_text_step

# action -> (number of integer fields, callback)
BUTTONS = {
    "home": (1, admin_dashboard.home),
    "hp": (2, admin_dashboard.home),  # another page of the dashboard (older messages)
    "tm": (4, admin_dashboard.term_dashboard),  # a term's lessons, of a teacher, a page
    "tf": (2, admin_dashboard.teacher_filter),
    "l": (2, admin_dashboard.lesson_panel),
    "tog": (3, admin_dashboard.toggle),
    "wk": (4, admin_dashboard.week_bookings),
    "b": (2, admin_dashboard.booking_card),
    "nb": (3, admin_actions.new_booking_student),
    "np": (4, admin_actions.new_booking_student),  # another page of the students
    "ns": (4, admin_actions.new_booking_slot),
    "nd": (5, admin_actions.new_booking_slot),  # one day of a week too full for one screen
    "nk": (5, admin_actions.new_booking_card),  # check and confirm
    "ny": (5, admin_actions.new_booking_confirm),
    "rw": (2, admin_actions.move_week),
    "rs": (3, admin_actions.move_slot),
    "rd": (4, admin_actions.move_slot),
    "ry": (4, admin_actions.move_confirm),
    "cx": (2, admin_actions.cancel_ask),
    "cy": (3, admin_actions.cancel_with_reason),
    "ct": (2, admin_actions.cancel_type_reason),
    "at": (3, admin_actions.attendance),
    "inv": (2, admin_commands.invite_callback),
    "nl": (1, admin_reach.not_linked),
    "xp": (2, admin_export.export_term),
    "wl": (3, admin_waitlist.week_waitlist),  # who waits for a slot of a week
}

COMMANDS = {
    "admin": admin_commands.admin_command,
    "lessons": admin_commands.lessons_command,
    "bookings": admin_commands.bookings_command,
    "open": admin_commands.open_command,
    "close": admin_commands.close_command,
    "stats": admin_commands.stats_command,
    "invite": admin_commands.invite_command,
}


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the admin commands, the dashboard's buttons and the typed cancellation reason."""
    for command, callback in COMMANDS.items():
        application.add_handler(CommandHandler(command, callback))
    for action, (fields, callback) in BUTTONS.items():
        application.add_handler(
            CallbackQueryHandler(callback, pattern=fields_pattern("ad", action, fields))
        )
    for action, fields in admin_back.FIELDS.items():  # the same, with the way back (<back>)
        callback = BUTTONS[action][1]
        application.add_handler(
            CallbackQueryHandler(callback, pattern=fields_pattern("ad", action, fields + 1))
        )
    register_text_step(admin_actions.CANCEL_REASON_STEP, admin_actions.typed_reason)
