"""bookings: the teacher is the lesson's, kept so by the database

A booking's teacher is copied from its lesson so the exclusion constraint can see every
booking of a teacher. Until now nothing kept the copy true: when an import gave a lesson
another teacher, its bookings stayed with the old one. Now one composite foreign key
(lesson_id, school_id, teacher_id) -> lessons (id, school_id, teacher_id) replaces the
lesson and teacher keys of 0003, with ON UPDATE CASCADE: a lesson's new teacher takes its
bookings along, and the exclusion constraint refuses the change if that would double-book
the new teacher. A lesson's teacher must now be of the lesson's own school
((teacher_id, school_id) -> teachers), so a booking's teacher still is of its school.

Bookings left with another teacher than their lesson's (by that old behaviour) are given
the lesson's teacher first.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE bookings AS b SET teacher_id = l.teacher_id FROM lessons AS l "
        "WHERE l.id = b.lesson_id AND b.teacher_id <> l.teacher_id"
    )
    op.drop_constraint("fk_lessons_teacher_id_teachers", "lessons", type_="foreignkey")
    op.create_foreign_key(
        "fk_lessons_teacher_school",
        "lessons",
        "teachers",
        ["teacher_id", "school_id"],
        ["id", "school_id"],
        ondelete="RESTRICT",
    )
    op.drop_constraint("fk_bookings_lesson_school", "bookings", type_="foreignkey")
    op.drop_constraint("fk_bookings_teacher_school", "bookings", type_="foreignkey")
    op.drop_constraint("uq_lessons_id_school", "lessons", type_="unique")
    op.create_unique_constraint(
        "uq_lessons_id_school_teacher", "lessons", ["id", "school_id", "teacher_id"]
    )
    op.create_foreign_key(
        "fk_bookings_lesson_teacher",
        "bookings",
        "lessons",
        ["lesson_id", "school_id", "teacher_id"],
        ["id", "school_id", "teacher_id"],
        ondelete="CASCADE",
        onupdate="CASCADE",
    )


def downgrade() -> None:
    op.drop_constraint("fk_bookings_lesson_teacher", "bookings", type_="foreignkey")
    op.drop_constraint("uq_lessons_id_school_teacher", "lessons", type_="unique")
    op.create_unique_constraint("uq_lessons_id_school", "lessons", ["id", "school_id"])
    op.create_foreign_key(
        "fk_bookings_lesson_school",
        "bookings",
        "lessons",
        ["lesson_id", "school_id"],
        ["id", "school_id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        "fk_bookings_teacher_school",
        "bookings",
        "teachers",
        ["teacher_id", "school_id"],
        ["id", "school_id"],
    )
    op.drop_constraint("fk_lessons_teacher_school", "lessons", type_="foreignkey")
    op.create_foreign_key(
        "fk_lessons_teacher_id_teachers",
        "lessons",
        "teachers",
        ["teacher_id"],
        ["id"],
        ondelete="RESTRICT",
    )
