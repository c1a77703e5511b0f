"""inbox_quarantine: the sender's LINE user id (so erasure scrubs their excerpts), indexes for erasure and purge

Revision ID: 20261129_quarantine_privacy
Revises: 20261129_outbox_waiting_index
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_quarantine_privacy"
down_revision: str | None = "20261129_outbox_waiting_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_quarantine") as table:
        table.add_column(sa.Column("user_id", sa.String(length=64), nullable=True))
    op.create_index("ix_inbox_quarantine_user_id", "inbox_quarantine", ["user_id"])
    op.create_index("ix_inbox_quarantine_received_at", "inbox_quarantine", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_quarantine_received_at", table_name="inbox_quarantine")
    op.drop_index("ix_inbox_quarantine_user_id", table_name="inbox_quarantine")
    with op.batch_alter_table("inbox_quarantine") as table:
        table.drop_column("user_id")
