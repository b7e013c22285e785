"""Virtual Campus: auto-accept per person and employer, and the message history naming it

Revision ID: 0023c_campus_auto_accept
Revises: 0023_careers_campus_switch
Create Date: 2026-12-07 02:30:00
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0023c_campus_auto_accept'
down_revision = '0023_careers_campus_switch'
branch_labels = None
depends_on = None


def _batch():
    # SQLite cannot add a foreign key in place: the table is rebuilt, keeping AUTOINCREMENT (0020).
    if op.get_bind().dialect.name == 'sqlite':
        return op.batch_alter_table('campus_message_events', recreate='always',
                                    table_kwargs={'sqlite_autoincrement': True})
    return op.batch_alter_table('campus_message_events')


def upgrade():
    op.create_table('campus_auto_accepts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('employer_organisation_id', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', UTCDateTime(), nullable=False),
    sa.Column('set_reason', sa.String(length=1000), nullable=False),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_cause', sa.String(length=30), nullable=False),
    sa.Column('ended_reason', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['employer_organisation_id'], ['organisations.id'], name=op.f('fk_campus_auto_accepts_employer_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_campus_auto_accepts_ended_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_campus_auto_accepts_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_campus_auto_accepts_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campus_auto_accepts')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_campus_auto_accepts_participant_id'), 'campus_auto_accepts', ['participant_id'], unique=False)
    op.create_index(op.f('ix_campus_auto_accepts_employer_organisation_id'), 'campus_auto_accepts', ['employer_organisation_id'], unique=False)
    op.create_index('uq_campus_auto_accepts_one_open', 'campus_auto_accepts', ['participant_id', 'employer_organisation_id'], unique=True,
                    sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
    with _batch() as batch_op:
        batch_op.add_column(sa.Column('auto_accept_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_campus_message_events_auto_accept_id_campus_auto_accepts'),
                                    'campus_auto_accepts', ['auto_accept_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with _batch() as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_campus_message_events_auto_accept_id_campus_auto_accepts'),
                                 type_='foreignkey')
        batch_op.drop_column('auto_accept_id')
    op.drop_index('uq_campus_auto_accepts_one_open', table_name='campus_auto_accepts')
    op.drop_index(op.f('ix_campus_auto_accepts_employer_organisation_id'), table_name='campus_auto_accepts')
    op.drop_index(op.f('ix_campus_auto_accepts_participant_id'), table_name='campus_auto_accepts')
    op.drop_table('campus_auto_accepts')
