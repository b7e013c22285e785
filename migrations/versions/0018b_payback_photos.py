"""Community Payback: photos sent with nominations

Revision ID: 0018b_payback_photos
Revises: 0018_payback_public_text
Create Date: 2026-12-06 22:50:00

"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0018b_payback_photos'
down_revision = '0018_payback_public_text'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payback_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['payback_projects.id'], name=op.f('fk_payback_photos_project_id_payback_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payback_photos')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_payback_photos_stored_name')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_payback_photos_project_id'), 'payback_photos', ['project_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_payback_photos_project_id'), table_name='payback_photos')
    op.drop_table('payback_photos')
