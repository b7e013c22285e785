"""Community Payback: sessions changed and cancelled; a project's offer on completion

Revision ID: 0029_payback_session_changes
Revises: 0028_funding_budget_regions
Create Date: 2026-12-07 06:10:00

A work session may be cancelled (when, by whom, why); it stays listed, marked cancelled. A project run
by a social enterprise may offer one of that social enterprise's opportunities (a guaranteed interview
or a vacancy) to the people who complete their order on it. Existing rows have neither. On SQLite the
named foreign keys need the tables rebuilt, AUTOINCREMENT kept (0021); the sessions' CHECKs are
reflected and kept.
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0029_payback_session_changes'
down_revision = '0028_funding_budget_regions'
branch_labels = None
depends_on = None

SESSION_FK = 'fk_payback_sessions_cancelled_by_id_users'
RUN_BY_FK = 'fk_payback_projects_run_by_id_organisations'
OFFER_FK = 'fk_payback_projects_offer_opportunity_id_opportunities'


def _batch(table):
    if op.get_bind().dialect.name == 'sqlite':
        return op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': True})
    return op.batch_alter_table(table)


def upgrade():
    with _batch('payback_sessions') as batch:
        batch.add_column(sa.Column('cancelled_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=False, server_default=''))
        batch.create_foreign_key(SESSION_FK, 'users', ['cancelled_by_id'], ['id'], ondelete='SET NULL')
    with _batch('payback_projects') as batch:
        batch.add_column(sa.Column('run_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('offer_opportunity_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(RUN_BY_FK, 'organisations', ['run_by_id'], ['id'], ondelete='SET NULL')
        batch.create_foreign_key(OFFER_FK, 'opportunities', ['offer_opportunity_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with _batch('payback_projects') as batch:
        batch.drop_constraint(OFFER_FK, type_='foreignkey')
        batch.drop_constraint(RUN_BY_FK, type_='foreignkey')
        batch.drop_column('offer_opportunity_id')
        batch.drop_column('run_by_id')
    with _batch('payback_sessions') as batch:
        batch.drop_constraint(SESSION_FK, type_='foreignkey')
        batch.drop_column('cancel_reason')
        batch.drop_column('cancelled_by_id')
        batch.drop_column('cancelled_at')
