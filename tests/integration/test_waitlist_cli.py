"""`musicbot waitlist`: who waits for a full week, in order of joining (a real process)."""

from __future__ import annotations

import json

from core.clock import SystemClock
from core.services import Services
from core.views import Actor
from tests.support.cli import musicbot
from tests.support.factories import build_two_schools


async def test_waitlist_lists_who_waits_in_order_as_text_and_json(db_url, sessions, tmp_path):
    alpha, _ = await build_two_schools(sessions)
    services = Services.build(sessions, SystemClock())
    await services.waitlist.join(alpha.school, Actor.parent(alpha.brown_parent), alpha.piano, 4,
                                 alpha.mia)  # fmt: skip
    await services.waitlist.join(alpha.school, Actor.parent(alpha.smith_parent), alpha.piano, 4,
                                 alpha.liam)  # fmt: skip
    code, out, err = await musicbot(db_url, tmp_path, "waitlist", "--school", "alpha")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("piano  week 4  #1  Mia Brown (mia)  Brown family")
    assert lines[1].startswith("piano  week 4  #2  Liam Smith (liam)  Smith family")
    args = ("waitlist", "--school", "alpha", "--lesson", "piano", "--week", "4", "--format", "json")
    code, out, _ = await musicbot(db_url, tmp_path, *args)
    rows = json.loads(out)
    assert [(r["student"], r["position"], r["family"]) for r in rows] == [
        ("mia", 1, "brown"),
        ("liam", 2, "smith"),
    ]
    code, out, _ = await musicbot(db_url, tmp_path, "waitlist", "--school", "beta")
    assert code == 0 and out.strip() == "nobody is waiting"
    code, out, err = await musicbot(db_url, tmp_path, "waitlist", "--school", "alpha", "--lesson",
                                    "tuba")  # fmt: skip
    assert code != 0 and err.startswith("error:") and len(err.strip().splitlines()) == 1
    code, _, err = await musicbot(db_url, tmp_path, "waitlist", "--school", "alpha", "--week", "40")
    assert code != 0 and "outside the term" in err
