"""The office's shapes in the JSON API (exports and attendance), beside handlers.api.models:
each model is the validator, the serializer and the OpenAPI schema at once."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from core.db.models import BookingStatus
from core.i18n import N_
from handlers.api.models import Key, Request, SchoolQuery, Week

MAX_STUDENTS = 200  # students marked in one call (a lesson's week has far fewer)
SessionDay = Annotated[
    date,
    Field(
        ge=date(2000, 1, 1),
        le=date(2199, 12, 31),
        description="a day in the school's time, YYYY-MM-DD",
        examples=["2027-02-22"],
    ),
]
StudentKeys = Annotated[
    list[Key],
    Field(default_factory=list, max_length=MAX_STUDENTS, description="students, by key"),
]


class ExportWhat(StrEnum):
    BOOKINGS = "bookings"
    ATTENDANCE = "attendance"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ExportPath(Request):
    what: ExportWhat = Field(
        description="bookings: every booking of the term, cancelled ones too; attendance: "
        "the sessions that have started and were not cancelled, present / no-show / not marked"
    )


class ExportQuery(SchoolQuery):
    termId: Key = Field(description="the term's key (its name or start date are accepted too)")
    format: ExportFormat = Field(
        default=ExportFormat.CSV,
        description="csv (UTF-8 with a byte-order mark, for Excel) or xlsx",
    )


class AttendanceMark(StrEnum):
    PRESENT = "present"
    NO_SHOW = "no_show"

    @property
    def status(self) -> BookingStatus:
        return BookingStatus.COMPLETED if self is AttendanceMark.PRESENT else BookingStatus.NO_SHOW


class BookingAttendance(Request):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"status": "present"}]}
    )

    status: AttendanceMark = Field(
        description="present (the booking becomes COMPLETED) or no_show (NO_SHOW)"
    )


class SessionAttendance(Request):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"weekNumber": 4, "present": ["emma"], "noShow": ["liam"]}]
        },
    )

    weekNumber: Week
    present: StudentKeys
    noShow: StudentKeys

    @model_validator(mode="after")
    def _some_and_apart(self) -> SessionAttendance:
        if not self.present and not self.noShow:
            raise ValueError(N_("name at least one student in present or noShow"))
        if set(self.present) & set(self.noShow):
            raise ValueError(N_("a student can't be both present and a no-show"))
        return self


class DayAttendance(Request):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"scheduledDate": "2027-02-22"}]}
    )

    scheduledDate: SessionDay
