"""Shortlists: opportunities saved from a person's matches

Revision ID: 0026_shortlists
Revises: 0025_referral_campus_cv
Create Date: 2026-12-07 02:30:00
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0026_shortlists'
down_revision = '0025_referral_campus_cv'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shortlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_shortlist_entries_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_shortlist_entries_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_shortlist_entries_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shortlist_entries')),
    sa.UniqueConstraint('participant_id', 'opportunity_id', name='uq_shortlist_entries_participant_opportunity'),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_shortlist_entries_opportunity_id'), 'shortlist_entries', ['opportunity_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_shortlist_entries_opportunity_id'), table_name='shortlist_entries')
    op.drop_table('shortlist_entries')
