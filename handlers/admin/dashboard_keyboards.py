"""Inline keyboards of the admin dashboard by term (pure).

Callback data (every id re-validated by the handler):

- ``ad:home:<school>`` the current term's lessons (``ad:hp:<school>:<page>``, from older
  messages: another page of them);
- ``ad:tm:<school>:<term>:<teacher>:<page>`` one term's lessons, of one teacher (0: all),
  a page of them; ◀ ▶ move to the term before or after;
- ``ad:tf:<school>:<term>`` which teacher's lessons to show in that term;
- ``ad:xp:<school>:0`` the export of a term (see handlers.admin.export).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.admin_view import TermRef
from core.i18n import gettext as _
from core.views import LessonStats
from handlers.admin import dashboard_texts as texts
from handlers.admin.keyboards import AREA, ad, pager


def term_view(school_id: int, term: TermRef | None, teacher_id: int = 0) -> str:
    """The dashboard of a term (and teacher); the current term when there is no term."""
    if term is None:
        return ad("home", school_id)
    return ad("tm", school_id, term.id, teacher_id, 0)


def dashboard(
    school_id: int,
    lessons: Sequence[LessonStats],
    page: int = 0,
    pages: int = 1,
    *,
    term: TermRef | None = None,
    earlier: TermRef | None = None,
    later: TermRef | None = None,
    teacher_id: int = 0,
    teacher_name: str | None = None,
    export: bool = False,
) -> InlineKeyboardMarkup:
    """A button per hybrid lesson of the page; paging; the terms before and after; the
    teacher filter; the term's export (if asked)."""
    rows = [
        [
            InlineKeyboardButton(
                texts.lesson_button_label(s), callback_data=ad("l", school_id, s.lesson_id)
            )
        ]
        for s in lessons
    ]
    if term is None:
        rows += pager(AREA, "hp", (school_id,), page, pages)
    else:
        rows += pager(AREA, "tm", (school_id, term.id, teacher_id), page, pages)
        terms = [
            InlineKeyboardButton(label, callback_data=ad("tm", school_id, other.id, teacher_id, 0))
            for other, label in (
                (earlier, texts.earlier_term_label(earlier) if earlier else ""),
                (later, texts.later_term_label(later) if later else ""),
            )
            if other is not None
        ]
        if terms:
            rows.append(terms)
        rows.append(
            [
                InlineKeyboardButton(
                    texts.teacher_filter_label(teacher_name),
                    callback_data=ad("tf", school_id, term.id),
                )
            ]
        )
    if export:  # the export asks which term (handlers.admin.export)
        rows.append(
            [InlineKeyboardButton(_("📤 Export term (xlsx)"), callback_data=ad("xp", school_id, 0))]
        )
    return InlineKeyboardMarkup(rows)


def teacher_picker(
    school_id: int, term: TermRef, teachers: Sequence[tuple[int, str]]
) -> InlineKeyboardMarkup:
    """'All teachers', then each teacher of the term's hybrid lessons, two a row."""
    buttons = [
        InlineKeyboardButton(
            name,
            callback_data=ad("tm", school_id, term.id, teacher_id, 0),
        )
        for teacher_id, name in [(0, texts.all_teachers_label()), *teachers]
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
