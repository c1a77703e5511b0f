"""media: one domain-neutral table for photos residents send; complaint_photo and tip_evidence refer to it

The photo columns complaint_photo and tip_evidence each repeated (LINE message id, status, type, size,
hash, bytes, error, time) move to `media`, row by row, byte for byte; the two tables keep their ids (the
staff's photo and evidence URLs) and gain `media_id`. Media ids are random, not a sequence: in id order
a tip's evidence would otherwise sit among residents' complaint photos. The downgrade copies them back.

Revision ID: 20261130_media
Revises: 20261129_received_by_line_spaced
Create Date: 2026-11-30
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db

revision: str = "20261130_media"
down_revision: str | None = "20261129_received_by_line_spaced"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNERS = ("complaint_photo", "tip_evidence")  # the tables whose photos move to media
SHARED = ("line_message_id", "status", "content_type", "size", "sha256", "data", "error", "created_at")


def _photo_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("line_message_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        *_photo_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_media_status", "media", ["status"], unique=False)
    connection = op.get_bind()
    taken: set[int] = set()
    columns = ", ".join(SHARED)
    for table in OWNERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("media_id", sa.BigInteger(), nullable=True))
        # Row by row inside the database: the bytes never pass through this process.
        for (row_id,) in connection.execute(sa.text(f"SELECT id FROM {table} ORDER BY id")).all():
            media_id = _new_id(taken)
            connection.execute(
                sa.text(f"INSERT INTO media (id, {columns}) SELECT :media_id, {columns} FROM {table} WHERE id = :id"),
                {"media_id": media_id, "id": row_id},
            )
            connection.execute(
                sa.text(f"UPDATE {table} SET media_id = :media_id WHERE id = :id"), {"media_id": media_id, "id": row_id}
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_status")
            for column in SHARED:
                batch_op.drop_column(column)
            batch_op.alter_column("media_id", existing_type=sa.BigInteger(), nullable=False)
            batch_op.create_index(f"ix_{table}_media_id", ["media_id"], unique=True)
            batch_op.create_foreign_key(f"fk_{table}_media_id", "media", ["media_id"], ["id"])


def _new_id(taken: set[int]) -> int:
    while (media_id := secrets.randbelow(2**62) + 1) in taken:
        pass
    taken.add(media_id)
    return media_id


def downgrade() -> None:
    for table in OWNERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in _photo_columns():
                column.nullable = True  # filled from media below, then required again
                batch_op.add_column(column)
        copied = ", ".join(f"{c} = (SELECT media.{c} FROM media WHERE media.id = {table}.media_id)" for c in SHARED)
        op.execute(sa.text(f"UPDATE {table} SET {copied}"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_media_id", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_media_id")
            batch_op.drop_column("media_id")
            batch_op.alter_column("status", existing_type=sa.String(length=16), nullable=False)
            batch_op.alter_column("created_at", existing_type=bot.db.UTCDateTime(timezone=True), nullable=False)
            batch_op.create_index(f"ix_{table}_status", ["status"], unique=False)
    op.drop_index("ix_media_status", table_name="media")
    op.drop_table("media")
