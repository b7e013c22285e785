"""Training and volunteering outcomes: completed, qualification gained, moved into work

Revision ID: 0021_training_outcomes
Revises: 0018c_payback_schedule
Create Date: 2026-12-06 23:00:00

A referral to a course, volunteering or an unpaid placement records its own outcomes after the start
(instead of the 13- and 26-week job checks): the day it was completed, the qualification gained (title,
level, day awarded) and the day the person moved into work, with the paid referral they started when it
came through this service. Existing referrals have none recorded.

On SQLite a named foreign key needs the table rebuilt: it is rebuilt with AUTOINCREMENT kept (0020),
with foreign keys off while it runs (migrations/env.py).
"""
from alembic import op
import sqlalchemy as sa

revision = '0021_training_outcomes'
down_revision = '0018c_payback_schedule'
branch_labels = None
depends_on = None

FK = 'fk_referrals_work_referral_id_referrals'
COLUMNS = ('completed_on', 'qualification_title', 'qualification_level', 'qualification_on', 'moved_into_work_on',
           'work_referral_id')


def _batch():
    if op.get_bind().dialect.name == 'sqlite':
        return op.batch_alter_table('referrals', recreate='always', table_kwargs={'sqlite_autoincrement': True})
    return op.batch_alter_table('referrals')


def upgrade():
    with _batch() as batch:
        batch.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('qualification_title', sa.String(length=200), nullable=False, server_default=''))
        batch.add_column(sa.Column('qualification_level', sa.String(length=10), nullable=False, server_default=''))
        batch.add_column(sa.Column('qualification_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('moved_into_work_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('work_referral_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(FK, 'referrals', ['work_referral_id'], ['id'], ondelete='SET NULL')


def downgrade():
    # Back to "started" (the timeline keeps what was recorded).
    op.execute(sa.text("UPDATE referrals SET status = 'started' WHERE status IN "
                       "('completed', 'qualification_gained', 'moved_into_work')"))
    with _batch() as batch:
        batch.drop_constraint(FK, type_='foreignkey')
        for column in reversed(COLUMNS):
            batch.drop_column(column)
