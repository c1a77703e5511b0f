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
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=48), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opens_at', bot.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closes_at', bot.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('official_method', sa.String(length=16), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('created_at', bot.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('plan_indicator',
    sa.Column('fiscal_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ita_score', sa.Float(), nullable=True),
    sa.Column('corruption_cases', sa.Integer(), nullable=True),
    sa.Column('recorded_at', bot.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_staff_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_staff_id'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('fiscal_year')
    )
    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('respondent_key', sa.String(length=80), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_staff_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('village_no', sa.Integer(), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('link_type', sa.String(length=32), nullable=True),
    sa.Column('link_id', sa.String(length=64), nullable=True),
    sa.Column('started_at', bot.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', bot.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revised_at', bot.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entered_by_staff_id'], ['staff_member.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'fiscal_year', 'respondent_key')
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index('ix_survey_response_summary', ['survey_id', 'status', 'fiscal_year'], unique=False)

    op.create_table('survey_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('created_at', bot.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'version')
    )
    op.create_table('survey_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=48), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.Column('number', sa.Float(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('response_id', 'question_key')
    )


def downgrade() -> None:
    op.drop_table('survey_answer')
    op.drop_table('survey_version')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_response_summary')
        batch_op.drop_index(batch_op.f('ix_survey_response_resident_id'))

    op.drop_table('survey_response')
    op.drop_table('plan_indicator')
    op.drop_table('survey')
