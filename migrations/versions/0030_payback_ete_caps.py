"""Community Payback: ETE cap per region (with its history), alliance sessions marked ETE, and the
minutes of each day's hours that count toward the order

Revision ID: 0030_payback_ete_caps
Revises: 0029_payback_session_changes
Create Date: 2026-12-07 06:10:00
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0030_payback_ete_caps'
down_revision = '0029_payback_session_changes'
branch_labels = None
depends_on = None


def _batch():
    if op.get_bind().dialect.name == 'sqlite':
        return op.batch_alter_table('payback_hours', recreate='always', table_kwargs={'sqlite_autoincrement': True})
    return op.batch_alter_table('payback_hours')


def upgrade():
    op.create_table('payback_region_ete_caps',
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_payback_region_ete_caps_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('region', name=op.f('pk_payback_region_ete_caps')),
    )
    op.create_table('payback_region_ete_cap_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('from_percent', sa.Integer(), nullable=False),
    sa.Column('to_percent', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_payback_region_ete_cap_changes_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_region_ete_cap_changes')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_payback_region_ete_cap_changes_region'), 'payback_region_ete_cap_changes', ['region'], unique=False)
    op.create_table('payback_ete_offers',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['alliance_offers.id'], name=op.f('fk_payback_ete_offers_offer_id_alliance_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_payback_ete_offers_marked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('offer_id', name=op.f('pk_payback_ete_offers')),
    )
    with _batch() as batch:
        batch.add_column(sa.Column('counted_minutes', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('booking_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_payback_hours_booking_id_alliance_bookings'), 'alliance_bookings',
                                 ['booking_id'], ['id'], ondelete='SET NULL')
        batch.create_unique_constraint(batch.f('uq_payback_hours_booking_id'), ['booking_id'])
    # Every hour recorded so far counted: ETE was refused past the cap until now.
    op.execute("UPDATE payback_hours SET counted_minutes = minutes")
    with _batch() as batch:
        batch.alter_column('counted_minutes', server_default=None)


def downgrade():
    with _batch() as batch:
        batch.drop_constraint(batch.f('uq_payback_hours_booking_id'), type_='unique')
        batch.drop_constraint(batch.f('fk_payback_hours_booking_id_alliance_bookings'), type_='foreignkey')
        batch.drop_column('booking_id')
        batch.drop_column('counted_minutes')
    op.drop_table('payback_ete_offers')
    op.drop_index(op.f('ix_payback_region_ete_cap_changes_region'), table_name='payback_region_ete_cap_changes')
    op.drop_table('payback_region_ete_cap_changes')
    op.drop_table('payback_region_ete_caps')
