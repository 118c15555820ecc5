"""School alpha over three terms, for e2e tests of the dashboard by term.

Autumn 2026 (with "Old Piano") before Term 1, Term 2 (with "Cello") after it, and Kim Lee
teaching "Violin" in Term 1 beside Sam's piano and theory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.db.models import HybridPattern, Lesson, LessonType, Term
from tests.support.factories import SchoolIds


@dataclass
class Terms:
    autumn: int
    term1: int
    term2: int
    violin: int
    beta_term: int


def hybrid(ids: SchoolIds, key: str, name: str, term: int, teacher: int) -> Lesson:
    return Lesson(
        school_id=ids.school,
        key=key,
        name=name,
        type=LessonType.HYBRID,
        term_id=term,
        teacher_id=teacher,
        day=3,
        start_time=time(16),
        duration_minutes=60,
        hybrid=HybridPattern(school_id=ids.school, individual_weeks=[2], slot_minutes=20),
    )


async def add_terms(
    sessions: async_sessionmaker[AsyncSession], schools: tuple[SchoolIds, SchoolIds]
) -> Terms:
    """School alpha's earlier term (Autumn 2026, "Old Piano"), its later one (Term 2,
    "Cello") and Kim Lee's "Violin" in Term 1 beside Sam's piano and theory."""
    alpha, beta = schools
    async with sessions() as session, session.begin():
        autumn = Term(
            school_id=alpha.school, key="t0", name="Autumn 2026",
            start_date=date(2026, 9, 7), weeks=10,
        )  # fmt: skip
        term2 = Term(
            school_id=alpha.school, key="t2", name="Term 2", start_date=date(2027, 4, 26), weeks=8
        )
        session.add_all([autumn, term2])
        await session.flush()
        term1 = (await session.get(Lesson, alpha.piano)).term_id  # type: ignore[union-attr]
        violin = hybrid(alpha, "violin", "Violin", term1, alpha.other_teacher)
        session.add_all(
            [
                hybrid(alpha, "oldpiano", "Old Piano", autumn.id, alpha.teacher),
                hybrid(alpha, "cello", "Cello", term2.id, alpha.teacher),
                violin,
            ]
        )
        await session.flush()
        beta_term = (await session.get(Lesson, beta.piano)).term_id  # type: ignore[union-attr]
        return Terms(autumn.id, term1, term2.id, violin.id, beta_term)
