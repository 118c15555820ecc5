"""slot notices: NOTIFY musicbot_slots whenever what a week's free slots depend on changes

A process that caches the state behind a week's free slots (core.booking.slots_cache)
LISTENs on the channel and drops what a notice names. The payload is
``<school id>:<teacher id>`` for a booking of that teacher made, moved, cancelled or
removed, and ``<school id>:0`` (the whole school) when a hybrid pattern changes (open or
closed, approval) or the school's catalog version moves (an import). PostgreSQL delivers a
notice at commit, so a listener never hears of a change it could not yet read.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "musicbot_slots"


def _function(name: str, payload_old: str, payload_new: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('{CHANNEL}', {payload_old});
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('{CHANNEL}', {payload_new});
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(
        _function(
            "notify_booking_slots",
            "OLD.school_id || ':' || OLD.teacher_id",
            "NEW.school_id || ':' || NEW.teacher_id",
        )
    )
    op.execute(
        "CREATE TRIGGER bookings_slot_notices "
        "AFTER INSERT OR DELETE OR UPDATE OF status, start_at, end_at, teacher_id, school_id "
        "ON bookings FOR EACH ROW EXECUTE FUNCTION notify_booking_slots()"
    )
    op.execute(
        _function(
            "notify_pattern_slots", "OLD.school_id || ':' || '0'", "NEW.school_id || ':' || '0'"
        )
    )
    op.execute(
        "CREATE TRIGGER hybrid_patterns_slot_notices AFTER INSERT OR UPDATE OR DELETE "
        "ON hybrid_patterns FOR EACH ROW EXECUTE FUNCTION notify_pattern_slots()"
    )
    op.execute(_function("notify_catalog_slots", "OLD.id || ':' || '0'", "NEW.id || ':' || '0'"))
    op.execute(
        "CREATE TRIGGER schools_slot_notices AFTER UPDATE OF catalog_version OR DELETE "
        "ON schools FOR EACH ROW EXECUTE FUNCTION notify_catalog_slots()"
    )


def downgrade() -> None:
    for table, trigger, function in (
        ("schools", "schools_slot_notices", "notify_catalog_slots"),
        ("hybrid_patterns", "hybrid_patterns_slot_notices", "notify_pattern_slots"),
        ("bookings", "bookings_slot_notices", "notify_booking_slots"),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
