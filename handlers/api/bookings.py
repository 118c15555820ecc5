"""The bookings area of the JSON API: slots, book, reschedule, cancel, a parent's bookings.

Thin: validate (handlers.api.models), call the booking service the chat uses, render.
Parents act for their own family and under the 24-hour rule; admins and the school's key
act as the school (no 24-hour rule; conflicts still apply).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core import api_lookup
from core.db.models import BookingStatus
from core.errors import SlotUnavailable
from core.i18n import N_
from core.i18n import gettext as _
from core.identities import Role
from core.schedule import parse_hhmm
from handlers.api import approval, models, render
from handlers.api.errors import forbidden
from handlers.api.registry import ApiCall, ApiRoutes, EncodedJson

api = ApiRoutes()
routes = api.routes

PARENT_OR_ADMIN = N_("Only the family's parents and the school's admins can do that.")


async def _check_end(call: ApiCall, lesson_id: int, start: datetime, end_time: str | None) -> None:
    """An `endTime` given must be where the slot ends."""
    if end_time is None:
        return
    lesson = await call.context.services.directory.lesson(call.caller.school_id, lesson_id)
    end = (start + timedelta(minutes=lesson.slot_minutes or 0)).astimezone(call.caller.tz)
    if f"{end:%H:%M}" != end_time:
        raise SlotUnavailable(
            _("That slot ends at {end}, not {given}.").format(end=f"{end:%H:%M}", given=end_time)
        )


@api.operation(
    "GET",
    "/api/hybrid-bookings/available-slots",
    summary="Free slots of a hybrid lesson's individual week (getAvailableSlots)",
    who="parent, admin",
    data=list[models.TimeSlot],
    query=models.SlotsQuery,
    errors=(403, 404, 422),
)
async def available_slots(call: ApiCall) -> EncodedJson:
    """The slots a booking can take now (for a parent: at least 24 hours ahead)."""
    caller, query = call.caller, call.query
    caller.require(Role.PARENT, Role.ADMIN, what=PARENT_OR_ADMIN)
    lesson_id = (await call.lesson(query.lessonId)).lesson_id
    slots = await call.context.services.booking.available_slots(
        caller.school_id, lesson_id, query.weekNumber, caller.actor()
    )
    # the hot read of a booking rush: the slots' JSON comes from a cache (render.time_slots_json)
    return EncodedJson(render.time_slots_json(slots, caller.tz))


@api.operation(
    "POST",
    "/api/hybrid-bookings",
    summary="Book a student's individual slot (createHybridBooking)",
    who="parent, admin",
    data=models.HybridBooking,
    status=201,
    body=models.BookingCreate,
    errors=(403, 404, 409, 422),
)
async def create_booking(call: ApiCall) -> models.HybridBooking:
    caller, body = call.caller, call.body
    caller.require(Role.PARENT, Role.ADMIN, what=PARENT_OR_ADMIN)
    booking = call.context.services.booking
    ids = await call.lesson(body.lessonId, body.studentId)
    if ids.student_id is None:
        raise RuntimeError("ids.student_id is None")
    start = await api_lookup.slot_start(
        booking,
        caller.school_id,
        caller.tz,
        ids.lesson_id,
        body.weekNumber,
        parse_hhmm(body.startTime),
        body.scheduledDate,
    )
    await _check_end(call, ids.lesson_id, start, body.endTime)
    made = await booking.create_booking(
        caller.school_id, caller.actor(), ids.lesson_id, ids.student_id, body.weekNumber, start
    )
    await approval.announce_if_pending(call, made)
    return render.hybrid_booking(made)


async def _own_booking(call: ApiCall, booking_id: int) -> None:
    """A parent may touch only their family's bookings (403); another school's is 404."""
    caller = call.caller
    if caller.is_admin:
        return
    parent = caller.parent()
    if parent is None:
        raise RuntimeError("parent is None")
    booking = call.context.services.booking
    found = await booking.get_booking(caller.school_id, booking_id)
    if not await booking.is_parent_of(caller.school_id, parent.person_id, found.student_id):
        raise forbidden(_("That booking is not of a child in your family."))


@api.operation(
    "PATCH",
    "/api/hybrid-bookings/{id}",
    summary="Move a booking to another slot, atomically (rescheduleHybridBooking)",
    who="parent, admin",
    data=models.HybridBooking,
    path_model=models.BookingPath,
    body=models.BookingMove,
    errors=(403, 404, 409, 422),
)
async def reschedule_booking(call: ApiCall) -> models.HybridBooking:
    caller, body = call.caller, call.body
    caller.require(Role.PARENT, Role.ADMIN, what=PARENT_OR_ADMIN)
    booking = call.context.services.booking
    await _own_booking(call, call.path.id)
    current = await booking.get_booking(caller.school_id, call.path.id)
    week = body.weekNumber or current.week
    start = await api_lookup.slot_start(
        booking,
        caller.school_id,
        caller.tz,
        current.lesson_id,
        week,
        parse_hhmm(body.startTime),
        body.scheduledDate,
    )
    await _check_end(call, current.lesson_id, start, body.endTime)
    moved = await booking.reschedule_booking(
        caller.school_id, caller.actor(), call.path.id, week, start
    )
    if moved.awaiting_confirmation:  # moved before a decision: the deciders are asked again
        await approval.notify(call, moved, "moved")
    return render.hybrid_booking(moved)


@api.operation(
    "DELETE",
    "/api/hybrid-bookings/{id}",
    summary="Cancel a booking, with a reason (cancelHybridBooking)",
    who="parent, admin",
    data=models.HybridBooking,
    path_model=models.BookingPath,
    body=models.BookingCancel,
    body_required=False,
    errors=(403, 404, 422),
)
async def cancel_booking(call: ApiCall) -> models.HybridBooking:
    caller = call.caller
    caller.require(Role.PARENT, Role.ADMIN, what=PARENT_OR_ADMIN)
    await _own_booking(call, call.path.id)
    before = await call.context.services.booking.get_booking(caller.school_id, call.path.id)
    cancelled = await call.context.services.booking.cancel_booking(
        caller.school_id, caller.actor(), call.path.id, call.body.reason
    )
    if before.awaiting_confirmation:  # cancelled before a decision: the deciders are told
        await approval.notify(call, cancelled, "cancelled")
    return render.hybrid_booking(cancelled)


@api.operation(
    "GET",
    "/api/hybrid-bookings/my-bookings",
    summary="The bookings of the caller's family (getParentBookings)",
    who="parent",
    data=list[models.HybridBooking],
    query=models.MyBookingsQuery,
    errors=(403, 404),
)
async def my_bookings(call: ApiCall) -> list[models.HybridBooking]:
    caller, query = call.caller, call.query
    parent = caller.parent()
    if parent is None:
        raise forbidden(_("Only a family's parents have bookings of their own."))
    booking = call.context.services.booking
    ids = await api_lookup.resolve(
        call.context.services.engine, caller.school_id, lesson=query.lessonId
    )
    status = query.status
    found = await booking.parent_bookings(
        caller.school_id,
        parent.person_id,
        upcoming_only=status is None,
        lesson_id=ids.lesson_id,
        include_cancelled=status is not None,
    )
    if status is not None and status is not models.StatusFilter.ALL:
        found = [b for b in found if b.status is BookingStatus(status.value)]
    return [render.hybrid_booking(b) for b in found]
