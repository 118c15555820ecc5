"""bookings: lesson, student and teacher must belong to the booking's own school

Composite foreign keys (id, school_id) replace the four single-column ones, so the database
itself refuses a booking whose lesson, student or teacher is another school's.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARENTS = ("lessons", "students", "teachers")


def upgrade() -> None:
    for table in PARENTS:
        op.create_unique_constraint(f"uq_{table}_id_school", table, ["id", "school_id"])
    for name in (
        "fk_bookings_lesson_id_lessons",
        "fk_bookings_school_id_schools",
        "fk_bookings_student_id_students",
        "fk_bookings_teacher_id_teachers",
    ):
        op.drop_constraint(name, "bookings", type_="foreignkey")
    op.create_foreign_key(
        "fk_bookings_lesson_school",
        "bookings",
        "lessons",
        ["lesson_id", "school_id"],
        ["id", "school_id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        "fk_bookings_student_school",
        "bookings",
        "students",
        ["student_id", "school_id"],
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


def downgrade() -> None:
    for name in (
        "fk_bookings_lesson_school",
        "fk_bookings_student_school",
        "fk_bookings_teacher_school",
    ):
        op.drop_constraint(name, "bookings", type_="foreignkey")
    op.create_foreign_key(
        "fk_bookings_lesson_id_lessons", "bookings", "lessons", ["lesson_id"], ["id"],
        ondelete="CASCADE",
    )  # fmt: skip
    op.create_foreign_key(
        "fk_bookings_school_id_schools", "bookings", "schools", ["school_id"], ["id"],
        ondelete="CASCADE",
    )  # fmt: skip
    op.create_foreign_key(
        "fk_bookings_student_id_students", "bookings", "students", ["student_id"], ["id"],
        ondelete="CASCADE",
    )  # fmt: skip
    op.create_foreign_key(
        "fk_bookings_teacher_id_teachers", "bookings", "teachers", ["teacher_id"], ["id"]
    )
    for table in PARENTS:
        op.drop_constraint(f"uq_{table}_id_school", table, type_="unique")
