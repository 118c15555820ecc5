"""The API's hot-path shortcuts give exactly the bytes of the plain paths they replace."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from bot.http.compression import gzipped
from core.schedule import Slot
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
