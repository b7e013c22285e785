"""disclosure: a conviction's Schedule 18 fact apart from the DBS specified list; extended sentences'
extension period

Revision ID: 0013_disclosure_outcomes
Revises: 0012_gatemate_safety
Create Date: 2026-12-06 20:05:00

Until now one "specified" tick stood for both lists. Existing records keep what they meant: a record
ticked specified is also marked Schedule 18, so no conviction becomes spent by this migration; case
managers correct the records where the offence is on only one of the lists.
"""
from alembic import op
import sqlalchemy as sa

revision = '0013_disclosure_outcomes'
down_revision = '0012_gatemate_safety'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('convictions', sa.Column('schedule_18', sa.Boolean(), nullable=False, server_default='0'))
    op.add_column('conviction_sentences', sa.Column('extension_months', sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE convictions SET schedule_18 = specified"))


def downgrade():
    op.drop_column('conviction_sentences', 'extension_months')
    op.drop_column('convictions', 'schedule_18')
