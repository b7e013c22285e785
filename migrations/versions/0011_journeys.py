"""Journeys: a job offer records its start date, hours and pay; each timeline step keeps what it
recorded in words (dates, hours, pay)

Revision ID: 0011_journeys
Revises: 0018d_payback_sessions
Create Date: 2026-12-06 22:45:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011_journeys'
down_revision = '0018d_payback_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('referrals', sa.Column('offer_start_date', sa.Date(), nullable=True))
    op.add_column('referrals', sa.Column('offer_hours_per_week', sa.Numeric(precision=4, scale=1), nullable=True))
    op.add_column('referrals', sa.Column('offer_pay', sa.Numeric(precision=10, scale=2), nullable=True))
    op.add_column('referrals', sa.Column('offer_pay_period', sa.String(length=10), server_default='', nullable=False))
    op.add_column('referral_events', sa.Column('detail', sa.String(length=300), server_default='', nullable=False))


def downgrade():
    # Dropping columns needs no table rebuild on SQLite 3.35+ (as 0018's downgrade).
    op.drop_column('referral_events', 'detail')
    for column in ('offer_pay_period', 'offer_pay', 'offer_hours_per_week', 'offer_start_date'):
        op.drop_column('referrals', column)
