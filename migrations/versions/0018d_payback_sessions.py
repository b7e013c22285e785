"""Community Payback: work sessions with capacity, and the people allocated to them

Revision ID: 0018d_payback_sessions
Revises: 0021_training_outcomes
Create Date: 2026-12-06 23:20:00

"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0018d_payback_sessions'
down_revision = '0021_training_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payback_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('places_taken', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('places_taken >= 0 AND places_taken <= capacity', name=op.f('ck_payback_sessions_within_capacity')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_payback_sessions_capacity_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_payback_sessions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['payback_projects.id'], name=op.f('fk_payback_sessions_project_id_payback_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_payback_sessions_supervisor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_sessions')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_payback_sessions_day'), 'payback_sessions', ['day'], unique=False)
    op.create_index(op.f('ix_payback_sessions_project_id'), 'payback_sessions', ['project_id'], unique=False)
    op.create_table('payback_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('hours_id', sa.Integer(), nullable=True),
    sa.Column('allocated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['allocated_by_id'], ['users.id'], name=op.f('fk_payback_allocations_allocated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hours_id'], ['payback_hours.id'], name=op.f('fk_payback_allocations_hours_id_payback_hours'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_payback_allocations_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['payback_sessions.id'], name=op.f('fk_payback_allocations_session_id_payback_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_allocations')),
    sa.UniqueConstraint('session_id', 'participant_id', name='uq_payback_allocations_session_person'),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_payback_allocations_participant_id'), 'payback_allocations', ['participant_id'], unique=False)
    op.create_index(op.f('ix_payback_allocations_session_id'), 'payback_allocations', ['session_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_payback_allocations_session_id'), table_name='payback_allocations')
    op.drop_index(op.f('ix_payback_allocations_participant_id'), table_name='payback_allocations')
    op.drop_table('payback_allocations')
    op.drop_index(op.f('ix_payback_sessions_project_id'), table_name='payback_sessions')
    op.drop_index(op.f('ix_payback_sessions_day'), table_name='payback_sessions')
    op.drop_table('payback_sessions')
