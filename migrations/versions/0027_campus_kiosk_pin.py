"""Virtual Campus kiosk PIN: how the person signs in (passphrase or kiosk PIN) and the PIN's hash

Revision ID: 0027_campus_kiosk_pin
Revises: 0026_shortlists
Create Date: 2026-12-07 06:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0027_campus_kiosk_pin'
down_revision = '0026_shortlists'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campus_accesses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_in_method', sa.String(length=20), server_default='passphrase',
                                      nullable=False))
        batch_op.add_column(sa.Column('pin_hash', sa.String(length=255), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('campus_accesses', schema=None) as batch_op:
        batch_op.drop_column('pin_hash')
        batch_op.drop_column('sign_in_method')
