"""Approval keyboards: pure builders of the ``apv`` buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import gettext as _
from handlers.approval.texts import REASON_CODES, reason_text
from handlers.callbacks import encode

AREA = "apv"


def decide_keyboard(school_id: int, booking_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("✅ Confirm"), callback_data=encode(AREA, "y", school_id, booking_id)
                ),
                InlineKeyboardButton(
                    _("✖ Decline"), callback_data=encode(AREA, "n", school_id, booking_id)
                ),
            ]
        ]
    )


def reason_keyboard(school_id: int, booking_id: int) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                reason_text(code) or "",
                callback_data=encode(AREA, "d", school_id, booking_id, code),
            )
        ]
        for code in REASON_CODES
    ]
    rows.append(
        [
            InlineKeyboardButton(
                _("Decline without a reason"),
                callback_data=encode(AREA, "d", school_id, booking_id, 0),
            )
        ]
    )
    rows.append(
        [InlineKeyboardButton(_("« Back"), callback_data=encode(AREA, "b", school_id, booking_id))]
    )
    return InlineKeyboardMarkup(rows)
