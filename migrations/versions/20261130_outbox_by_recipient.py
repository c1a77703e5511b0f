"""outbox_message: a partial index of unsent replies and pushes by recipient

The sender's claim asks, of each candidate, whether an earlier message to the same person is unsent.
Without an index on recipient it walked every unsent row; this one holds only unsent one-to-one rows
(a multicast's recipient, up to 500 ids, would not fit an index row).

Revision ID: 20261130_outbox_by_recipient
Revises: 20261130_inbox_source_pending
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261130_outbox_by_recipient"
down_revision: str | None = "20261130_inbox_source_pending"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSENT_ONE_TO_ONE = "status IN ('pending', 'sending') AND kind IN ('reply', 'push')"  # as in the model, then


def upgrade() -> None:
    where = sa.text(UNSENT_ONE_TO_ONE)
    op.create_index(
        "ix_outbox_unsent_by_recipient",
        "outbox_message",
        ["recipient", "id"],
        postgresql_where=where,
        sqlite_where=where,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_unsent_by_recipient", table_name="outbox_message")
