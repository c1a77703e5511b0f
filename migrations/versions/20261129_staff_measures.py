"""staff measures: roster members without an account (person key, personal invitation, linked LINE account);
staff forums (law training, conflict-of-interest) with attendance against a roster

Revision ID: 20261129_staff_measures
Revises: 20261129_pending_ratings
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "20261129_staff_measures"
down_revision: str | None = "20261129_pending_ratings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_roster_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_key", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("invite_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("invite_expires_at", bot.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resident_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_survey_roster_member_invite_hash", ["invite_hash"], unique=False)
        batch_op.create_index("ix_survey_roster_member_resident_id", ["resident_id"], unique=False)
        batch_op.create_foreign_key("fk_survey_roster_member_resident_id", "resident", ["resident_id"], ["id"])
    with op.batch_alter_table("forum", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.String(length=16), nullable=False, server_default="residents"))
        batch_op.add_column(sa.Column("purpose", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("roster_survey", sa.String(length=48), nullable=True))
    op.create_table(
        "forum_staff_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("member_key", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["forum_id"], ["forum.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("forum_id", "member_key"),
    )
    with op.batch_alter_table("forum_staff_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_forum_staff_attendance_forum_id", ["forum_id"], unique=False)


def downgrade() -> None:
    op.drop_table("forum_staff_attendance")
    with op.batch_alter_table("forum", schema=None) as batch_op:
        batch_op.drop_column("roster_survey")
        batch_op.drop_column("purpose")
        batch_op.drop_column("audience")
    with op.batch_alter_table("survey_roster_member", schema=None) as batch_op:
        batch_op.drop_constraint("fk_survey_roster_member_resident_id", type_="foreignkey")
        batch_op.drop_index("ix_survey_roster_member_resident_id")
        batch_op.drop_index("ix_survey_roster_member_invite_hash")
        batch_op.drop_column("resident_id")
        batch_op.drop_column("invite_expires_at")
        batch_op.drop_column("invite_hash")
        batch_op.drop_column("person_key")
