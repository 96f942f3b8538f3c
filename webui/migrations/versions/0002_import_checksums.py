"""import checksums and an index for filled posts

Adds ``imports.seekers_sha256`` / ``imports.vacancies_sha256`` (SHA-256 of
the imported files, compared with a nightly batch run's ``run.json`` to tell
staff when the batch lists are stale) and an index on
``vacancies.hired_count`` (the "filled posts" filter of every match page
reads only posts with hires). Both are additive: no data is touched.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seekers_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('vacancies_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.create_index('ix_vacancies_hired_count', ['hired_count'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index('ix_vacancies_hired_count')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_column('vacancies_sha256')
        batch_op.drop_column('seekers_sha256')
