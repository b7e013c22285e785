"""gatemate safety: consent date on requests, safety arrangements, two mentors, coordinators' sign-off,
mentors' 'unavailable until' and mobile number, and text messages sent through GOV.UK Notify

Revision ID: 0012_gatemate_safety
Revises: 0017b_payback_hours
Create Date: 2026-12-06 19:10:00

"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0012_gatemate_safety'
down_revision = '0017b_payback_hours'
branch_labels = None
depends_on = None


def upgrade():
    # Plain add_column on existing tables (no batch rebuild: see HELPERS.md), each with a server default
    # or nullable so rows already there stay valid.
    op.add_column('gatemate_requests', sa.Column('consent_given_on', sa.Date(), nullable=True))
    op.add_column('gatemate_requests', sa.Column('safety_arrangements', sa.String(length=500), nullable=False,
                                                 server_default=''))
    op.add_column('gatemate_requests', sa.Column('two_mentors', sa.Boolean(), nullable=False,
                                                 server_default=sa.false()))
    op.add_column('mentor_profiles', sa.Column('unavailable_until', sa.Date(), nullable=True))
    op.add_column('mentor_profiles', sa.Column('mobile', sa.String(length=20), nullable=False, server_default=''))
    op.create_table('gatemate_signoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('two_mentors', sa.Boolean(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_gatemate_signoffs_coordinator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['gatemate_requests.id'], name=op.f('fk_gatemate_signoffs_request_id_gatemate_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gatemate_signoffs'))
    )
    op.create_index(op.f('ix_gatemate_signoffs_request_id'), 'gatemate_signoffs', ['request_id'], unique=False)
    op.create_table('gatemate_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('notify_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_gatemate_texts_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gatemate_texts'))
    )
    op.create_index(op.f('ix_gatemate_texts_created_at'), 'gatemate_texts', ['created_at'], unique=False)
    op.create_index(op.f('ix_gatemate_texts_sent_at'), 'gatemate_texts', ['sent_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_gatemate_texts_sent_at'), table_name='gatemate_texts')
    op.drop_index(op.f('ix_gatemate_texts_created_at'), table_name='gatemate_texts')
    op.drop_table('gatemate_texts')
    op.drop_index(op.f('ix_gatemate_signoffs_request_id'), table_name='gatemate_signoffs')
    op.drop_table('gatemate_signoffs')
    op.drop_column('mentor_profiles', 'mobile')
    op.drop_column('mentor_profiles', 'unavailable_until')
    op.drop_column('gatemate_requests', 'two_mentors')
    op.drop_column('gatemate_requests', 'safety_arrangements')
    op.drop_column('gatemate_requests', 'consent_given_on')
