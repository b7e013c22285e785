"""Community Payback: nominations (projects), their history and the public's votes

Revision ID: 0017_payback
Revises: 0010_workflow_history
Create Date: 2026-12-06 19:08:56.579900

"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0017_payback'
down_revision = '0010_workflow_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payback_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('benefit', sa.Text(), nullable=False),
    sa.Column('town', sa.String(length=100), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('toilets_nearby', sa.String(length=10), nullable=False),
    sa.Column('step_free_access', sa.String(length=10), nullable=False),
    sa.Column('nominator_name', sa.String(length=200), nullable=False),
    sa.Column('nominator_email', sa.String(length=254), nullable=False),
    sa.Column('nominator_phone', sa.String(length=30), nullable=False),
    sa.Column('nominator_organisation', sa.String(length=200), nullable=False),
    sa.Column('confirm_token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', UTCDateTime(), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('decision_reason', sa.String(length=30), nullable=False),
    sa.Column('decision_note', sa.String(length=1000), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('vote_opens_on', sa.Date(), nullable=True),
    sa.Column('vote_closes_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_projects')),
    sa.UniqueConstraint('confirm_token_hash', name=op.f('uq_payback_projects_confirm_token_hash')),
    sa.UniqueConstraint('reference', name=op.f('uq_payback_projects_reference'))
    )
    op.create_index('ix_payback_projects_region_status', 'payback_projects', ['region', 'status'], unique=False)
    op.create_index(op.f('ix_payback_projects_status'), 'payback_projects', ['status'], unique=False)

    op.create_table('payback_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('voter_hash', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['payback_projects.id'], name=op.f('fk_payback_votes_project_id_payback_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_votes')),
    sa.UniqueConstraint('project_id', 'voter_hash', name='uq_payback_votes_project_voter'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_payback_votes_token_hash'))
    )
    op.create_index(op.f('ix_payback_votes_confirmed_at'), 'payback_votes', ['confirmed_at'], unique=False)
    op.create_index(op.f('ix_payback_votes_project_id'), 'payback_votes', ['project_id'], unique=False)

    op.create_table('payback_project_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=30), nullable=False),
    sa.Column('to_status', sa.String(length=30), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_payback_project_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['payback_projects.id'], name=op.f('fk_payback_project_events_project_id_payback_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_project_events'))
    )
    op.create_index(op.f('ix_payback_project_events_at'), 'payback_project_events', ['at'], unique=False)
    op.create_index(op.f('ix_payback_project_events_project_id'), 'payback_project_events', ['project_id'], unique=False)



def downgrade():
    op.drop_index(op.f('ix_payback_project_events_project_id'), table_name='payback_project_events')
    op.drop_index(op.f('ix_payback_project_events_at'), table_name='payback_project_events')

    op.drop_table('payback_project_events')
    op.drop_index(op.f('ix_payback_votes_project_id'), table_name='payback_votes')
    op.drop_index(op.f('ix_payback_votes_confirmed_at'), table_name='payback_votes')

    op.drop_table('payback_votes')
    op.drop_index(op.f('ix_payback_projects_status'), table_name='payback_projects')
    op.drop_index('ix_payback_projects_region_status', table_name='payback_projects')

    op.drop_table('payback_projects')
