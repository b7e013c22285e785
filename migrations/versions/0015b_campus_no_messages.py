"""Virtual Campus: a case manager can turn a person's messages to employers off

Revision ID: 0015b_campus_no_messages
Revises: 0015_campus
Create Date: 2026-12-06 20:05:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015b_campus_no_messages'
down_revision = '0015_campus'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('campus_accesses', sa.Column('messages_stopped', sa.String(length=30), server_default='',
                                               nullable=False))


def downgrade():
    op.drop_column('campus_accesses', 'messages_stopped')  # SQLite 3.35+ drops it in place
