"""What an offer message says, as data (the handlers' side renders it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class WaitlistOfferNotice:
    """A freed slot offered to a waiting family: accept or decline by the offer's id."""

    offer_id: int
    school_id: int
    lesson_id: int
    lesson_name: str
    teacher_name: str
    student_id: int
    student_name: str
    week: int
    start_at: datetime
    end_at: datetime
    expires_at: datetime
    timezone: str
