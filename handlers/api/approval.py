"""The approval area of the JSON API: confirm or decline a PENDING booking.

`POST /api/hybrid-bookings/{id}/confirm` and `POST /api/hybrid-bookings/{id}/decline` `{reason?}`,
for the lesson's teacher (a Mini App user) and the school (its admins, its API key). The
rules are core.booking.approval's, as for the chat's buttons and `musicbot approve|decline`;
a second decision is 409 with who decided. When the process runs the bot, the family is
told (and a parent's PENDING booking made through the API is announced to the deciders)
through :attr:`handlers.api.context.ApiContext.approval_notices`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from pydantic import ConfigDict

from core.errors import NotAllowed
from core.i18n import N_
from core.i18n import gettext as _
from core.identities import Role
from core.views import Actor, BookingView
from handlers.api import models, render
from handlers.api.errors import answering, forbidden
from handlers.api.registry import ApiCall, ApiRoutes

api = ApiRoutes()
routes = api.routes
logger = logging.getLogger(__name__)

DECIDERS = N_("Only the lesson's teacher and the school's admins can do that.")
BASE = "/api/hybrid-bookings/{id}"


class BookingDecline(models.Request):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"reason": "Please choose another time."}]},
    )

    reason: models.Reason | None = None


def _decider(call: ApiCall) -> Actor:
    """The school (an API key or an admin) or a teacher; which lesson's is checked by core."""
    caller = call.caller
    caller.require(Role.TEACHER, Role.ADMIN, what=DECIDERS)
    if caller.is_admin:
        return caller.actor()
    teacher = caller.teacher()
    if teacher is None:  # pragma: no cover - require() let a teacher or the school through
        raise forbidden(_(DECIDERS))
    return Actor.teacher(teacher.person_id, teacher.name)


async def notify(call: ApiCall, view: BookingView, event: str) -> None:
    """Tell the chat side (when this process runs the bot): 'requested', 'confirmed' or
    'declined'. A failure to tell is logged; the decision stands."""
    notices = call.context.approval_notices
    if notices is None:
        return
    try:
        await notices(view, event)
    except Exception:  # the decision is committed; telling is best effort
        logger.exception("booking %s: %s could not be told in chat", view.id, event)


async def announce_if_pending(call: ApiCall, view: BookingView) -> None:
    """A booking the API made PENDING: its deciders are told, as when booked in chat."""
    if view.awaiting_confirmation:
        await notify(call, view, "requested")


@api.operation(
    "POST",
    f"{BASE}/confirm",
    summary="Confirm a booking that waits for the teacher's confirmation (sets confirmedAt)",
    who="teacher of the lesson, admin",
    data=models.HybridBooking,
    path_model=models.BookingPath,
    errors=(403, 404, 409, 422),
)
async def confirm_booking(call: ApiCall) -> models.HybridBooking:
    approval = call.context.services.approval
    decision = approval.confirm(call.caller.school_id, _decider(call), call.path.id)
    return await _decided(call, decision, "confirmed")


@api.operation(
    "POST",
    f"{BASE}/decline",
    summary="Decline a booking that waits for confirmation: its slot is free again",
    who="teacher of the lesson, admin",
    data=models.HybridBooking,
    path_model=models.BookingPath,
    body=BookingDecline,
    body_required=False,
    errors=(403, 404, 409, 422),
)
async def decline_booking(call: ApiCall) -> models.HybridBooking:
    approval = call.context.services.approval
    decision = approval.decline(
        call.caller.school_id, _decider(call), call.path.id, call.body.reason
    )
    return await _decided(call, decision, "declined")


async def _decided(
    call: ApiCall, decision: Awaitable[BookingView], event: str
) -> models.HybridBooking:
    """The decided booking, its family told; a decider not of the lesson is 403."""
    view = await answering(decision, {NotAllowed: 403})
    await notify(call, view, event)
    return render.hybrid_booking(view)
