"""outbox_message: indexes for the sender's claim: due rows in claim order, and waiting rows per recipient

The claim skips a row while an earlier row to the same recipient is unsent (order per person); without
this index that check scanned the outbox for every candidate row, and claiming cost most of a reply's
time under a backlog (benchmarks/throughput.py). The due index gains `id`, the claim's tie-break, so the
claim walks it in order and stops after its batch instead of sorting every due row.

Revision ID: 20261129_outbox_waiting_index
Revises: 20261129_staff_measures
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_outbox_waiting_index"
down_revision: str | None = "20261129_staff_measures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("status IN ('pending', 'sending')")


def upgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox_message")
    op.create_index("ix_outbox_due", "outbox_message", ["status", "next_attempt_at", "id"])
    op.create_index("ix_outbox_waiting_recipient", "outbox_message", ["recipient", "id"],
                    postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade() -> None:
    op.drop_index("ix_outbox_waiting_recipient", table_name="outbox_message")
    op.drop_index("ix_outbox_due", table_name="outbox_message")
    op.create_index("ix_outbox_due", "outbox_message", ["status", "next_attempt_at"])
