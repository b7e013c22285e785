"""Fidelity bonds are decided: arranged, declined with a coded reason, or withdrawn, with their history

Revision ID: 0031_fidelity_bond_decisions
Revises: 0030_payback_ete_caps
Create Date: 2026-12-07 06:20:00
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0031_fidelity_bond_decisions'
down_revision = '0030_payback_ete_caps'
branch_labels = None
depends_on = None


def upgrade():
    # Bonds recorded before this step existed wait for a decision ("asked").
    with op.batch_alter_table('fidelity_bonds', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False, server_default='asked'))
        batch_op.add_column(sa.Column('reason_code', sa.String(length=30), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_fidelity_bonds_decided_by_id_users'), 'users', ['decided_by_id'],
                                    ['id'], ondelete='SET NULL')
    op.create_table('fidelity_bond_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bond_id', sa.Integer(), nullable=False),
    sa.Column('reason_code', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=30), nullable=False),
    sa.Column('to_status', sa.String(length=30), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_fidelity_bond_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['bond_id'], ['fidelity_bonds.id'], name=op.f('fk_fidelity_bond_events_bond_id_fidelity_bonds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fidelity_bond_events')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_fidelity_bond_events_at'), 'fidelity_bond_events', ['at'], unique=False)
    op.create_index(op.f('ix_fidelity_bond_events_bond_id'), 'fidelity_bond_events', ['bond_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_fidelity_bond_events_bond_id'), table_name='fidelity_bond_events')
    op.drop_index(op.f('ix_fidelity_bond_events_at'), table_name='fidelity_bond_events')
    op.drop_table('fidelity_bond_events')
    with op.batch_alter_table('fidelity_bonds', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(op.f('fk_fidelity_bonds_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('reason_code')
        batch_op.drop_column('status')
