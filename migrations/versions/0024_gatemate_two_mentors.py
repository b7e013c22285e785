"""Gatemate: the second mentor of a request that a coordinator signed off for two mentors

Revision ID: 0024_gatemate_two_mentors
Revises: 0023c_campus_auto_accept
Create Date: 2026-12-07 02:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0024_gatemate_two_mentors'
down_revision = '0023c_campus_auto_accept'
branch_labels = None
depends_on = None


def _batch():
    # Batch mode: SQLite cannot add a foreign key or a check constraint to a table in place, so the
    # table is copied; it keeps AUTOINCREMENT, so no request id is handed out twice (0020_ids_never_reused).
    if op.get_bind().dialect.name == 'sqlite':
        return op.batch_alter_table('gatemate_requests', recreate='always',
                                    table_kwargs={'sqlite_autoincrement': True})
    return op.batch_alter_table('gatemate_requests')


def upgrade():
    with _batch() as batch_op:
        batch_op.add_column(sa.Column('second_mentor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_gatemate_requests_second_mentor_id'), ['second_mentor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_gatemate_requests_second_mentor_id_users'), 'users',
                                    ['second_mentor_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(batch_op.f('ck_gatemate_requests_two_different_mentors'),
                                         'second_mentor_id IS NULL OR second_mentor_id <> mentor_id')


def downgrade():
    with _batch() as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_gatemate_requests_two_different_mentors'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_gatemate_requests_second_mentor_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_gatemate_requests_second_mentor_id'))
        batch_op.drop_column('second_mentor_id')
