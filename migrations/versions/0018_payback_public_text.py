"""Community Payback: the public text a payback manager writes from a nomination

Revision ID: 0018_payback_public_text
Revises: 0020_ids_never_reused
Create Date: 2026-12-06 22:30:00

Until now a shortlisted or accepted project showed the nominator's own words publicly. From here the
public pages show only the text a payback manager has written and checked. Existing projects get no
public text (copying the nominator's words would publish them unchecked), so shortlisted and accepted
ones leave the public pages until a payback manager writes theirs; the nomination page says so.
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0018_payback_public_text'
down_revision = '0020_ids_never_reused'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('payback_projects', sa.Column('public_title', sa.String(length=120), nullable=True))
    op.add_column('payback_projects', sa.Column('public_description', sa.Text(), nullable=True))
    op.add_column('payback_projects', sa.Column('public_benefit', sa.Text(), nullable=True))
    op.add_column('payback_projects', sa.Column('public_text_at', UTCDateTime(), nullable=True))


def downgrade():
    # A project reviewed but not yet shortlisted goes back to waiting for assessment.
    op.execute(sa.text("UPDATE payback_projects SET status = 'submitted' WHERE status = 'reviewed'"))
    # Plain DROP COLUMN (SQLite 3.35+), not a table rebuild, so the table keeps AUTOINCREMENT (0020).
    for column in ('public_text_at', 'public_benefit', 'public_description', 'public_title'):
        op.drop_column('payback_projects', column)
