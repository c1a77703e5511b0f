"""roster members remember the fiscal year they were last reminded

Revision ID: 20261129_roster_reminders
Revises: 20261129_console_sessions
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_roster_reminders"
down_revision: str | None = "20261129_console_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_roster_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_fiscal_year", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_roster_member", schema=None) as batch_op:
        batch_op.drop_column("reminded_fiscal_year")
