"""surveys, responses and plan indicators

Revision ID: 20261125_surveys
Revises: 20261125_complaints
Create Date: 2026-11-25
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.db

revision: str = "20261125_surveys"
down_revision: str | None = "20261125_complaints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
