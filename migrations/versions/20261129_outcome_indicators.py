"""outcome indicators: tip types and staff-entered counts of past years

Revision ID: 20261129_outcome_indicators
Revises: 20261129_survey_rosters
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "20261129_outcome_indicators"
down_revision: str | None = "20261129_survey_rosters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tip", schema=None) as batch_op:
        batch_op.add_column(sa.Column("type", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_tip_type", ["type"], unique=False)
    op.create_table(
        "outcome_count",
        sa.Column("fiscal_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("indicator", sa.String(length=24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("recorded_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["recorded_by_staff_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("fiscal_year", "indicator"),
    )


def downgrade() -> None:
    op.drop_table("outcome_count")
    with op.batch_alter_table("tip", schema=None) as batch_op:
        batch_op.drop_index("ix_tip_type")
        batch_op.drop_column("type")
