"""Community Payback: the day an accepted project's work starts

Revision ID: 0018c_payback_schedule
Revises: 0022_funding_evidence
Create Date: 2026-12-06 23:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0018c_payback_schedule'
down_revision = '0022_funding_evidence'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('payback_projects', sa.Column('work_starts_on', sa.Date(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), not a table rebuild, so the table keeps AUTOINCREMENT (0020).
    op.drop_column('payback_projects', 'work_starts_on')
