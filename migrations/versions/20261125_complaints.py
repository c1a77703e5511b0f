"""complaints and corruption tips

Revision ID: 20261125_complaints
Revises: 54a5d2141750
Create Date: 2026-11-25
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.db

revision: str = "20261125_complaints"
down_revision: str | None = "54a5d2141750"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
