"""Alembic environment: runs on a connection handed over by ``core.db.engine.migrate``."""

from alembic import context

from core.db.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the CLI always hands a connection over
    raise RuntimeError("run migrations with `musicbot migrate`")

context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
