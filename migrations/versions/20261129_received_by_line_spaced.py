"""complaint_update: the first timeline line stored in the house style ("รับเรื่องทาง LINE")

Complaints filed through LINE stored their first public note as "รับเรื่องทางLINE" (no space between Thai
and Latin letters); staff and residents read it as stored. New rows are polished at the source; this puts
a space in the rows written before.

Revision ID: 20261129_received_by_line_spaced
Revises: 20261129_quarantine_privacy
Create Date: 2026-11-29
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_received_by_line_spaced"
down_revision: str | None = "20261129_quarantine_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE complaint_update SET public_note = 'รับเรื่องทาง LINE' "
                       "WHERE public_note = 'รับเรื่องทางLINE'"))


def downgrade() -> None:
    pass  # the spaced text is correct either way
