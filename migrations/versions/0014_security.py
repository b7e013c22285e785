"""Who gets in: an organisation's register and number, or how else to check it, its safeguarding lead,
and what the administrator checked on approval

Revision ID: 0014_security
Revises: 0018b_payback_photos
Create Date: 2026-12-06 22:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014_security'
down_revision = '0018b_payback_photos'
branch_labels = None
depends_on = None

ORGANISATION_COLUMNS = [
    ('register', 30), ('register_number', 20), ('how_to_check', 1000),
    ('safeguarding_lead_name', 200), ('safeguarding_lead_email', 254),
]


def upgrade():
    # Organisations registered before these were asked keep "" (shown as "Not given"); their approval
    # history rows record no checks.
    for name, length in ORGANISATION_COLUMNS:
        op.add_column('organisations', sa.Column(name, sa.String(length=length), server_default='', nullable=False))
    op.add_column('organisation_status_changes', sa.Column('checks', sa.JSON(), server_default='[]', nullable=False))
    op.add_column('organisation_status_changes',
                  sa.Column('note', sa.String(length=1000), server_default='', nullable=False))


def downgrade():
    op.drop_column('organisation_status_changes', 'note')  # SQLite 3.35+ drops them in place
    op.drop_column('organisation_status_changes', 'checks')
    for name, _length in reversed(ORGANISATION_COLUMNS):
        op.drop_column('organisations', name)
