"""survey_pending_rating: linked ratings given while their survey was missing or closed, counted when it opens

Revision ID: 20261129_pending_ratings
Revises: 20261129_sealed_dialog
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "20261129_pending_ratings"
down_revision: str | None = "20261129_sealed_dialog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_pending_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_key", sa.String(length=48), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("village_no", sa.Integer(), nullable=True),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("link_type", sa.String(length=32), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("rated_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_key", "link_type", "link_id"),
    )
    op.create_index("ix_survey_pending_rating_survey_key", "survey_pending_rating", ["survey_key"])
    op.create_index("ix_survey_pending_rating_resident_id", "survey_pending_rating", ["resident_id"])


def downgrade() -> None:
    op.drop_index("ix_survey_pending_rating_resident_id", table_name="survey_pending_rating")
    op.drop_index("ix_survey_pending_rating_survey_key", table_name="survey_pending_rating")
    op.drop_table("survey_pending_rating")
