"""The API's hot-path shortcuts give exactly the bytes of the plain paths they replace."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from bot.http.compression import gzipped
from core.db.models import BookingStatus
from core.schedule import Slot
from core.views import BookingView
from handlers.api import models, render


def _slots(count: int) -> list[Slot]:
    first = datetime(2030, 3, 25, 0, 30, tzinfo=UTC)  # across a change of summer time
    return [
        Slot(first + timedelta(minutes=15 * n), first + timedelta(minutes=15 * (n + 1)))
        for n in range(count)
    ]


def test_cached_slot_json_is_byte_for_byte_what_pydantic_encodes() -> None:
    adapter = TypeAdapter(list[models.TimeSlot])
    for zone in ("Europe/London", "Asia/Kolkata", "UTC"):
        tz = ZoneInfo(zone)
        slots = _slots(40)
        expected = adapter.dump_json([render.time_slot(slot, tz) for slot in slots])
        assert render.time_slots_json(slots, tz) == expected
        assert render.time_slots_json(slots, tz) == expected  # from the cache this time
        assert render.time_slots_json(slots[3:7], tz) == adapter.dump_json(
            [render.time_slot(slot, tz) for slot in slots[3:7]]
        )
    assert render.time_slots_json([], ZoneInfo("UTC")) == b"[]"


def test_equal_slots_that_are_other_objects_are_encoded_for_their_own_zone() -> None:
    slot = _slots(1)[0]
    again = Slot(slot.start_at, slot.end_at)
    london = render.time_slots_json([slot], ZoneInfo("Europe/London"))
    kolkata = render.time_slots_json([again], ZoneInfo("Asia/Kolkata"))
    assert london != kolkata
    assert b'"startTime":"06:00"' in kolkata


def test_remembered_gzip_decodes_to_the_answer_and_is_zlibs_default() -> None:
    body = b'{"status":"success","data":' + b'{"a":"b"},' * 500 + b"{}}"
    packed = gzipped(body)
    assert gzip.decompress(packed) == body
    assert gzipped(body) is packed
    assert zlib.decompress(packed, wbits=16 + zlib.MAX_WBITS) == body


def _booking(**changes: object) -> BookingView:
    fields: dict[str, object] = {
        "id": 7,
        "school_id": 1,
        "lesson_id": 2,
        "lesson_key": "piano",
        "lesson_name": "Piano Foundations",
        "student_id": 3,
        "student_key": "emma",
        "student_name": "Emma Smith",
        "family_id": 4,
        "family_name": "Smith family",
        "teacher_id": 5,
        "teacher_name": "Sam Jones",
        "location_name": "Main Studio",
        "room_name": None,
        "week": 4,
        "start_at": datetime(2030, 3, 31, 0, 30, tzinfo=UTC),
        "end_at": datetime(2030, 3, 31, 1, 0, tzinfo=UTC),
        "status": BookingStatus.CONFIRMED,
        "booked_by": "parent:Jane",
        "updated_by": None,
        "cancelled_by": None,
        "cancel_reason": None,
        "sequence": 0,
        "timezone": "Europe/London",
        "confirmed_at": datetime(2030, 3, 1, 9, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return BookingView(**fields)  # type: ignore[arg-type]


def test_a_booking_built_without_validation_is_what_validation_makes() -> None:
    adapter = TypeAdapter(models.HybridBooking)
    for booking in (
        _booking(),
        _booking(
            status=BookingStatus.CANCELLED,
            cancelled_by="admin:Alice",
            cancel_reason="ill",
            updated_by="admin:Alice",
            room_name="Room 1",
            timezone="Australia/Sydney",
        ),
        _booking(status=BookingStatus.PENDING, confirmed_at=None, location_name=None),
    ):
        built = render.hybrid_booking(booking)
        validated = models.HybridBooking.model_validate(built.model_dump())
        assert adapter.dump_json(built) == adapter.dump_json(validated)
        assert built == validated
