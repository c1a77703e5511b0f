"""inbox_event: the index on source_key becomes (source_key, status, event_ts, id)

The worker's claim asks, of each pending event, whether its user has an earlier pending one. On
source_key alone that walked the user's whole history; now it is one index probe.

Revision ID: 20261130_inbox_source_pending
Revises: 20261130_media
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261130_inbox_source_pending"
down_revision: str | None = "20261130_media"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_inbox_source_pending", "inbox_event", ["source_key", "status", "event_ts", "id"])
    op.drop_index("ix_inbox_event_source_key", table_name="inbox_event")


def downgrade() -> None:
    op.create_index("ix_inbox_event_source_key", "inbox_event", ["source_key"])
    op.drop_index("ix_inbox_source_pending", table_name="inbox_event")
