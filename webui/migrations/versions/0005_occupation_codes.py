"""occupation codes decided by the review queue

Adds ``occupation_codes``: one row per cleaned job title whose occupation code
the office confirmed (``source = 'confirmed'``, training rows for the next
coder fit) or applied automatically (``source = 'auto'``). Additive.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'occupation_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title_key', sa.String(length=200), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('confidence', sa.Float(), nullable=True),
        sa.Column('username', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('title_key'),
    )
    with op.batch_alter_table('occupation_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occupation_codes_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_occupation_codes_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('occupation_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occupation_codes_source'))
        batch_op.drop_index(batch_op.f('ix_occupation_codes_code'))
    op.drop_table('occupation_codes')
