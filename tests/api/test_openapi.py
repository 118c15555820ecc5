"""The OpenAPI 3.1 document: valid, generated from the validating models, and the live
server fuzzed against it by schemathesis (no server error; answers conform)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from openapi_spec_validator import validate

from tests.support.api_client import Api

PATHS = {
    "/api/hybrid-bookings/available-slots": {"get"},
    "/api/hybrid-bookings": {"post"},
    "/api/hybrid-bookings/{id}": {"patch", "delete"},
    "/api/hybrid-bookings/my-bookings": {"get"},
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/open-bookings": {"patch"},
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/close-bookings": {"patch"},
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/bookings": {"get"},
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/stats": {"get"},
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/send-reminders": {"post"},
    "/api/calendar/events": {"get"},
    "/api/me": {"get"},  # extension: the Mini App's menus (handlers/api/me.py)
    "/api/hybrid-bookings/{id}/confirm": {"post"},  # extension: approval (handlers/api/approval.py)
    "/api/hybrid-bookings/{id}/decline": {"post"},
    # extensions: the office (handlers/api/office.py)
    "/api/exports/{what}": {"get"},
    "/api/hybrid-bookings/{id}/attendance": {"post"},
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/attendance": {"post"},
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/attendance/all-present": {"post"},
    # extension: the waitlist of a full week (handlers/api/waitlist.py)
    "/api/hybrid-bookings/lessons/{lessonId}/hybrid/weeks/{weekNumber}/waitlist": {
        "post",
        "delete",
        "get",
    },
}


async def test_the_document_is_valid_openapi_31_covering_every_route(api: Api) -> None:
    status, doc = await api.call("GET", "/api/openapi.json")
    assert status == 200
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    assert {path: set(ops) for path, ops in doc["paths"].items()} == PATHS
    create = doc["paths"]["/api/hybrid-bookings"]["post"]
    body = create["requestBody"]["content"]["application/json"]
    assert body["example"]["lessonId"] == "piano"
    schemas = doc["components"]["schemas"]
    week = schemas["BookingCreate"]["properties"]["weekNumber"]
    assert (week["minimum"], week["maximum"]) == (1, 15)  # the validator's own rule
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(create["responses"])
    assert "lesson" in schemas["HybridBooking"]["properties"]
    export = doc["paths"]["/api/exports/{what}"]["get"]
    files = export["responses"]["200"]["content"]
    assert set(files) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert {p["name"] for p in export["parameters"]} == {"what", "termId", "format", "school"}
    mark = doc["paths"]["/api/hybrid-bookings/{id}/attendance"]["post"]
    assert {"403", "404", "409"} <= set(mark["responses"])
    assert schemas["BookingAttendance"]["properties"]["status"]["$ref"].endswith("AttendanceMark")


async def test_schemathesis_finds_no_server_error_and_no_answer_off_schema(
    bot_process_api: Api,
) -> None:
    """Bounded (a few examples per operation): a run takes well under two minutes."""
    api = bot_process_api
    cli = Path(sys.executable).with_name("schemathesis")
    process = await asyncio.create_subprocess_exec(
        str(cli),
        "run",
        f"{api.url}/api/openapi.json",
        "--url",
        api.url,
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "15",
        "--seed",
        "12345",
        "--generation-database",
        "none",
        "--no-shrink",
        "-H",
        f"Authorization: Bearer {api.alpha_key}",
        "--request-timeout",
        "10",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tempfile.mkdtemp(prefix="schemathesis-"),  # its .schemathesis/ cache stays out
        env={**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"},
    )
    output, _ = await process.communicate()
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
    assert "No issues found" in report or "passed" in report
