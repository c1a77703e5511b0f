"""survey rosters (census targets) and retake permissions

Revision ID: 20261129_survey_rosters
Revises: 20261129_inbox_quarantine
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "20261129_survey_rosters"
down_revision: str | None = "20261129_inbox_quarantine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_roster_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("group", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "staff_id"),
    )
    with op.batch_alter_table("survey_roster_member", schema=None) as batch_op:
        batch_op.create_index("ix_survey_roster_member_survey_id", ["survey_id"], unique=False)
    op.create_table(
        "survey_retake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("allowed_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("allowed_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("used_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_member.id"]),
        sa.ForeignKeyConstraint(["allowed_by_staff_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("survey_retake", schema=None) as batch_op:
        batch_op.create_index("ix_survey_retake_survey_id", ["survey_id"], unique=False)


def downgrade() -> None:
    op.drop_table("survey_retake")
    op.drop_table("survey_roster_member")
