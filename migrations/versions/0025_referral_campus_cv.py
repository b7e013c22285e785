"""A referral's Virtual Campus CV: who recorded the person's consent to share it, and when

Revision ID: 0025_referral_campus_cv
Revises: 0024_gatemate_two_mentors
Create Date: 2026-12-07 02:40:00

The case manager may attach the person's Virtual Campus CV (a PDF made at that moment, stored as the
referral's CV document) once they confirm the person agreed to share it with this employer. Existing
referrals have none. On SQLite the named foreign key needs the table rebuilt, AUTOINCREMENT kept (0021).
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0025_referral_campus_cv'
down_revision = '0024_gatemate_two_mentors'
branch_labels = None
depends_on = None

FK = 'fk_referrals_campus_cv_consent_by_id_users'


def _batch():
    if op.get_bind().dialect.name == 'sqlite':
        return op.batch_alter_table('referrals', recreate='always', table_kwargs={'sqlite_autoincrement': True})
    return op.batch_alter_table('referrals')


def upgrade():
    with _batch() as batch:
        batch.add_column(sa.Column('campus_cv_consent_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('campus_cv_consent_at', UTCDateTime(), nullable=True))
        batch.create_foreign_key(FK, 'users', ['campus_cv_consent_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with _batch() as batch:
        batch.drop_constraint(FK, type_='foreignkey')
        batch.drop_column('campus_cv_consent_at')
        batch.drop_column('campus_cv_consent_by_id')
