"""Funding evidence: quotes, offer letters and invoices attached to a funding request

Revision ID: 0022_funding_evidence
Revises: 0014_security
Create Date: 2026-12-06 23:00:00

The files themselves live under UPLOAD_DIR/funding (core/uploads.py); this table says which request
each belongs to, what kind of evidence it is and who added it.
"""
from alembic import op
import sqlalchemy as sa
from marketplace.core.db import UTCDateTime

revision = '0022_funding_evidence'
down_revision = '0014_security'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funding_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['funding_requests.id'], name=op.f('fk_funding_documents_request_id_funding_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_funding_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_funding_documents_stored_name')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_funding_documents_request_id'), 'funding_documents', ['request_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_funding_documents_request_id'), table_name='funding_documents')
    op.drop_table('funding_documents')
