"""inquiries to the information centre

Revision ID: 20261129_inquiries
Revises: 20261125_notices
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "20261129_inquiries"
down_revision: str | None = "20261125_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answer_attachments_url", sa.String(length=500), nullable=True),
        sa.Column("answered_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["recorded_by_staff_id"], ["staff_member.id"]),
        sa.ForeignKeyConstraint(["answered_by_staff_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.create_index("ix_inquiry_fiscal_year", ["fiscal_year"], unique=False)
        batch_op.create_index("ix_inquiry_resident_id", ["resident_id"], unique=False)
        batch_op.create_index("ix_inquiry_status", ["status"], unique=False)
        batch_op.create_index("ix_inquiry_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_inquiry_fy_kind", ["fiscal_year", "kind"], unique=False)


def downgrade() -> None:
    op.drop_table("inquiry")
