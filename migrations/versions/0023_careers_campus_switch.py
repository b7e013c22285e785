"""Careers information pages with their links, and each provider's Virtual Campus switch

Revision ID: 0023_careers_campus_switch
Revises: 0022b_fidelity_bonds
Create Date: 2026-12-07 02:30:00
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0023_careers_campus_switch'
down_revision = '0022b_fidelity_bonds'
branch_labels = None
depends_on = None


def upgrade():
    # Existing organisations keep the campus on: the switch is off only when an admin says so.
    op.add_column('organisations', sa.Column('campus_enabled', sa.Boolean(), server_default=sa.true(),
                                             nullable=False))
    op.create_table('careers_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_careers_pages_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_careers_pages')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_careers_pages_published_at'), 'careers_pages', ['published_at'], unique=False)
    op.create_table('careers_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['careers_pages.id'], name=op.f('fk_careers_links_page_id_careers_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_careers_links')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_careers_links_page_id'), 'careers_links', ['page_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_careers_links_page_id'), table_name='careers_links')
    op.drop_table('careers_links')
    op.drop_index(op.f('ix_careers_pages_published_at'), table_name='careers_pages')
    op.drop_table('careers_pages')
    with op.batch_alter_table('organisations') as batch_op:
        batch_op.drop_column('campus_enabled')
