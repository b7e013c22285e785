"""Employer fidelity bonds asked for with a job offer

Revision ID: 0022b_fidelity_bonds
Revises: 0011_journeys
Create Date: 2026-12-07 00:05:00
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0022b_fidelity_bonds'
down_revision = '0011_journeys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fidelity_bonds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('employer_organisation_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('cover_pence', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('cover_pence > 0', name=op.f('ck_fidelity_bonds_cover_positive')),
    sa.CheckConstraint('months BETWEEN 1 AND 24', name=op.f('ck_fidelity_bonds_months_in_range')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_fidelity_bonds_asked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employer_organisation_id'], ['organisations.id'], name=op.f('fk_fidelity_bonds_employer_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_fidelity_bonds_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fidelity_bonds')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_fidelity_bonds_referral_id')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_fidelity_bonds_asked_at'), 'fidelity_bonds', ['asked_at'], unique=False)
    op.create_index(op.f('ix_fidelity_bonds_employer_organisation_id'), 'fidelity_bonds', ['employer_organisation_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_fidelity_bonds_employer_organisation_id'), table_name='fidelity_bonds')
    op.drop_index(op.f('ix_fidelity_bonds_asked_at'), table_name='fidelity_bonds')
    op.drop_table('fidelity_bonds')
