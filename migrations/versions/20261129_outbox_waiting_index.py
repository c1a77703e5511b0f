"""outbox_message: the due index gains `id`, the claim's tie-break, so the claim walks it in order

The claim now asks twice (abandoned leases, then due rows) instead of once with OR, each query walking this
index in (status, next_attempt_at, id) order and stopping after its batch; with the OR every due row was checked
and sorted first, and claiming cost most of a reply's time under a backlog (benchmarks/throughput.py).

Revision ID: 20261129_outbox_waiting_index
Revises: 20261129_staff_measures
Create Date: 2026-11-29
"""
from collections.abc import Sequence

from alembic import op

revision: str = "20261129_outbox_waiting_index"
down_revision: str | None = "20261129_staff_measures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox_message")
    op.create_index("ix_outbox_due", "outbox_message", ["status", "next_attempt_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox_message")
    op.create_index("ix_outbox_due", "outbox_message", ["status", "next_attempt_at"])
