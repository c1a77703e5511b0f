"""sealed dialogs move out of the resident's conversation row

Revision ID: 20261129_sealed_dialog
Revises: 20261129_roster_reminders
Create Date: 2026-11-29

A sealed (tip) dialog was kept in the `conversation` row of the resident, so the row's key said who
was part-way through a tip. Its new table is keyed by a keyed hash of the LINE user id, which needs
the tips key that migrations do not hold: dialogs in progress (at most `conversation_ttl_minutes`
old) are therefore ended, and the resident is told their session expired on their next message.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "20261129_sealed_dialog"
down_revision: str | None = "20261129_roster_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sealed_dialog",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("purge_after", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("sealed_dialog", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sealed_dialog_purge_after"), ["purge_after"], unique=False)
    # End the sealed dialogs still kept the old way (their state stays unreadable: it is dropped).
    op.execute("UPDATE conversation SET state = NULL, data = '{}', expires_at = NULL WHERE state = 'sealed'")


def downgrade() -> None:
    with op.batch_alter_table("sealed_dialog", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sealed_dialog_purge_after"))
    op.drop_table("sealed_dialog")
