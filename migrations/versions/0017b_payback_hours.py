"""Community Payback: people's unpaid work orders and the hours they do

Revision ID: 0017b_payback_hours
Revises: 0015b_campus_no_messages
Create Date: 2026-12-06 19:49:55.647267

"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0017b_payback_hours'
down_revision = '0015b_campus_no_messages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payback_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('worked_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('activity', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_payback_hours_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['payback_projects.id'], name=op.f('fk_payback_hours_project_id_payback_projects'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payback_hours_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_hours'))
    )
    op.create_index(op.f('ix_payback_hours_participant_id'), 'payback_hours', ['participant_id'], unique=False)
    op.create_index(op.f('ix_payback_hours_project_id'), 'payback_hours', ['project_id'], unique=False)

    op.create_table('payback_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('hours_ordered', sa.Integer(), nullable=False),
    sa.Column('ete_cap_percent', sa.Integer(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_payback_orders_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payback_orders_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_orders')),
    sa.UniqueConstraint('participant_id', name=op.f('uq_payback_orders_participant_id'))
    )


def downgrade():
    op.drop_table('payback_orders')
    op.drop_index(op.f('ix_payback_hours_project_id'), table_name='payback_hours')
    op.drop_index(op.f('ix_payback_hours_participant_id'), table_name='payback_hours')

    op.drop_table('payback_hours')
