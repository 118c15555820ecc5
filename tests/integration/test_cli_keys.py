"""The command line tells a new admin the keys: lessons and families listed, typos answered
with near matches and the valid keys, a --week outside the term refused (issue 11, item 18)."""

from __future__ import annotations

import json

from tests.support.cli import cli_env, run_cli
from tests.support.factories import build_two_schools


async def test_listing_commands_and_unknown_keys(db_url, sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    await build_two_schools(sessions)
    env = cli_env(db_url)

    code, out, err = await run_cli(env, tmp_path, "lessons", "--school", "alpha")
    assert code == 0, err
    assert any(line.startswith("piano  Piano Foundations  hybrid") for line in out.splitlines())
    code, out, err = await run_cli(
        env, tmp_path, "lessons", "--school", "alpha", "--format", "json"
    )
    lessons = {row["lesson"]: row for row in json.loads(out)}
    assert lessons["piano"]["individual_weeks"] == [4, 8] and lessons["piano"]["term_weeks"] == 10

    code, out, err = await run_cli(
        env, tmp_path, "families", "--school", "alpha", "--format", "json"
    )
    assert code == 0, err
    families = {row["family"]: row for row in json.loads(out)}
    assert families["smith"]["students"] == [
        {"student": "emma", "student_name": "Emma Smith"},
        {"student": "liam", "student_name": "Liam Smith"},
    ]
    assert [p["linked"] for p in families["smith"]["parents"]] == [True, False]
    code, out, err = await run_cli(env, tmp_path, "families", "--school", "alpha")
    assert "smith  Smith family  Emma Smith (emma), Liam Smith (liam)  parents linked 1/2" in out

    code, out, err = await run_cli(env, tmp_path, "stats", "--school", "alpha", "--lesson", "pino")
    assert code == 1 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith("error: No lesson 'pino' in this school. Did you mean piano?")
    assert "Known lesson keys: " in line and "theory" in line

    code, out, err = await run_cli(
        env, tmp_path, "stats", "--school", "alpha", "--lesson", "piano", "--format", "json"
    )
    missing = json.loads(out)["weeks"][0]["not_booked"]
    assert [(m["student"], m["student_name"]) for m in missing] == [
        ("mia", "Mia Brown"),
        ("emma", "Emma Smith"),
        ("liam", "Liam Smith"),
    ]

    for args in (("--week", "12"), ("--lesson", "piano", "--week", "11")):
        code, out, err = await run_cli(env, tmp_path, "bookings", "--school", "alpha", *args)
        assert code == 1 and out == "", args
        assert "outside the term (weeks 1 to 10)" in err, args
    for args in (("--week", "99"), ("--lesson", "piano", "--week", "0")):
        # no term has such a week: refused while the arguments are read, in one line
        code, out, err = await run_cli(env, tmp_path, "bookings", "--school", "alpha", *args)
        assert code == 2 and out == "", args
        assert "--week" in err and len(err.strip().splitlines()) == 1, args
