"""The callback-data codec: round trips, the 64-byte limit, and forged strings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.callbacks import (
    MAX_BYTES,
    area_pattern,
    decode,
    encode,
    fields_pattern,
    from_minute,
    to_minute,
)


@given(
    area=st.sampled_from(["bk", "my", "sc", "ad", "cal"]),
    action=st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4),
    args=st.lists(st.integers(-(10**9), 10**11), max_size=6),
)
def test_encode_then_decode_gives_the_same_fields(area: str, action: str, args: list[int]) -> None:
    try:
        data = encode(area, action, *args)
    except ValueError:
        return  # too long for Telegram: refused at encoding
    parsed = decode(data)
    assert parsed is not None
    assert (parsed.area, parsed.action, parsed.args) == (area, action, tuple(args))


def test_the_booking_contract_fits_in_64_bytes_with_large_ids() -> None:
    minute = to_minute(datetime(2099, 12, 31, 23, 30, tzinfo=UTC))
    data = encode("bk", "y", 10**9, 10**9, 10**9, 15, minute)
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) is not None


def test_too_long_data_is_refused_both_ways() -> None:
    with pytest.raises(ValueError):
        encode("bk", "y", *([10**9] * 8))
    with pytest.raises(ValueError):
        encode("bk", "y", 2**31)  # no database id is that large
    assert decode("bk:y:" + "1" * 70) is None


@pytest.mark.parametrize(
    "data",
    [None, "", "bk", "bk:", "BK:s:1", "bk:s:1:x", "bk:s:1::2", "bk:s:1:2 ", "bk:s:1;2", "bk:toolong:1",
     "bk:s:1:2:3:4:5:6:7:8:9", "bk:s:" + "9" * 13, "bk:s:1.5", "bk:s:+1",
     "bk:s:1:2147483648", "my:v:1:-2147483649", "ad:b:1:999999999999"],
)  # fmt: skip
def test_forged_or_malformed_strings_decode_to_none(data: str | None) -> None:
    assert decode(data) is None


@given(st.text(max_size=80))
def test_decode_never_raises(data: str) -> None:
    decode(data)


def test_handler_patterns_take_exact_fields_within_32_bits() -> None:
    matches = fields_pattern("ad", "rs", 3)
    assert matches("ad:rs:1:2:3") and matches(f"ad:rs:1:2:{2**31 - 1}")
    assert not matches("ad:rs:1:2") and not matches("ad:rs:1:2:3:4")
    assert not matches(f"ad:rs:1:2:{2**31}") and not matches("ad:rs:1:2:-3")
    assert not matches("ad:rsx:1:2:3") and not matches(None)


def test_minutes_round_trip_in_utc() -> None:
    moment = datetime(2027, 2, 22, 4, 0, tzinfo=UTC)
    assert from_minute(to_minute(moment)) == moment


def test_area_pattern_is_anchored() -> None:
    import re

    assert re.match(area_pattern("bk"), "bk:s:1")
    assert not re.match(area_pattern("bk"), "xbk:s:1")
