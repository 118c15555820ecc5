"""Families the bot cannot reach in chat: what "⚠ unreachable" means, the parents' phones
from the school file, and an Invite button (a forwardable invite, as /invite sends); the
school-wide list of families not linked yet (``ad:nl:<school>``). Texts and keyboards pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.i18n import N_
from core.i18n import gettext as _
from core.identities import Identity
from core.refs import FamilySummary
from handlers.admin.dashboard import admin_in, admin_step, args_of, say
from handlers.admin.keyboards import ad
from handlers.context import Context, services_of
from handlers.formatting import esc

MEANING = N_(
    "⚠ unreachable: no parent of that family has linked Telegram yet (or every one blocked "
    "the bot), so reminders can't reach them. Call them, or send them an invite:"
)
INVITES_SHOWN = 10  # invite buttons on one screen; the /invite command reaches any family


def contact_line(family: FamilySummary) -> str:
    """'Brown family: Bob Brown +61 400 111 001' (or 'no phone in the school file')."""
    people = [
        f"{esc(p.name)} {esc(p.phone)}"
        if p.phone
        else _("{name} (no phone in the file)").format(name=esc(p.name))
        for p in family.parents
    ] or [_("no parents in the school file")]
    return f"• {esc(family.name)}: " + ", ".join(people)


def unreachable_note(families: Sequence[FamilySummary]) -> str:
    """Said under a list with ⚠ marks: what it means and whom to call."""
    if not families:
        return ""
    return "\n".join([_(MEANING), *(contact_line(f) for f in families)])


def not_linked_text(school_name: str, families: Sequence[FamilySummary]) -> str:
    head = _("<b>{school}</b> · families not linked yet ({n})").format(
        school=esc(school_name), n=len(families)
    )
    if not families:
        return head + "\n" + _("Every family has a parent linked in Telegram.")
    return "\n".join(
        [
            head,
            _(
                "The bot can't message them until a parent opens an invite link "
                "(/invite FAMILY sends one family's links to forward)."
            ),
            "",
        ]
        + [contact_line(f) for f in families]
    )


def invite_rows(
    school_id: int, families: Iterable[FamilySummary]
) -> list[list[InlineKeyboardButton]]:
    """An '✉ Invite Brown family' button per family (at most INVITES_SHOWN)."""
    return [
        [
            InlineKeyboardButton(
                _("✉ Invite {family}").format(family=f.name),
                callback_data=ad("inv", school_id, f.id),
            )
        ]
        for f in list(families)[:INVITES_SHOWN]
    ]


def with_rows(
    markup: InlineKeyboardMarkup, rows: list[list[InlineKeyboardButton]], first: bool = False
) -> InlineKeyboardMarkup:
    """The keyboard with more rows (before its own when ``first``)."""
    own = [list(row) for row in markup.inline_keyboard]
    return InlineKeyboardMarkup([*rows, *own] if first else [*own, *rows])


def not_linked_picker(schools: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A bare /invite from an admin of several schools: which school's list."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(name, callback_data=ad("nl", sid))] for sid, name in schools]
    )


async def unreachable_families(
    context: Context, school_id: int, family_ids: Iterable[int]
) -> list[FamilySummary]:
    wanted = set(family_ids)
    if not wanted:
        return []
    return [f for f in await services_of(context).directory.families(school_id) if f.id in wanted]


@admin_step
async def not_linked(update: Update, context: Context) -> None:
    """ad:nl — every family of the school with no parent linked, phones and invite buttons."""
    (school_id,) = args_of(update)
    identity = await admin_in(update, context, school_id)
    if identity is not None:
        await show_not_linked(update, context, identity)


async def show_not_linked(update: Update, context: Context, identity: Identity) -> None:
    school_id = identity.school.id
    families = [f for f in await services_of(context).directory.families(school_id) if not f.linked]
    rows = invite_rows(school_id, families)
    rows.append([InlineKeyboardButton(_("⬅ All lessons"), callback_data=ad("home", school_id))])
    await say(
        update, context, not_linked_text(identity.school.name, families), InlineKeyboardMarkup(rows)
    )
