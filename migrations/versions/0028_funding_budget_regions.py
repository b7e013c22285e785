"""Funding budgets per provider and region: a pot for one region, or ("") the whole provider

Revision ID: 0028_funding_budget_regions
Revises: 0027_campus_kiosk_pin
Create Date: 2026-12-07 06:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0028_funding_budget_regions'
down_revision = '0027_campus_kiosk_pin'
branch_labels = None
depends_on = None


def upgrade():
    # Every budget so far was the provider's whole pot: region "".
    with op.batch_alter_table('funding_budgets', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=40), nullable=False, server_default=''))
        batch_op.drop_constraint('uq_funding_budgets_org_purpose_year', type_='unique')
        batch_op.create_unique_constraint('uq_funding_budgets_org_purpose_year_region',
                                          ['organisation_id', 'purpose', 'year', 'region'])


def downgrade():
    # Regional pots cannot survive without the column: only provider-wide ones are kept.
    op.execute("DELETE FROM funding_budgets WHERE region <> ''")
    with op.batch_alter_table('funding_budgets', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint('uq_funding_budgets_org_purpose_year_region', type_='unique')
        batch_op.create_unique_constraint('uq_funding_budgets_org_purpose_year', ['organisation_id', 'purpose', 'year'])
        batch_op.drop_column('region')
