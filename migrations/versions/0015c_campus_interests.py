"""Virtual Campus: what a person said they are interested in

Revision ID: 0015c_campus_interests
Revises: 0013_disclosure_outcomes
Create Date: 2026-12-06 20:12:00

"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0015c_campus_interests'
down_revision = '0013_disclosure_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campus_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_campus_interests_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_campus_interests_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campus_interests')),
    sa.UniqueConstraint('participant_id', 'opportunity_id', name='uq_campus_interests_participant_opportunity')
    )
    op.create_index(op.f('ix_campus_interests_participant_id'), 'campus_interests', ['participant_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_campus_interests_participant_id'), table_name='campus_interests')
    op.drop_table('campus_interests')
