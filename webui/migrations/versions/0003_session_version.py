"""sessions that end and passwords that must be changed

Adds ``users.session_version`` (compared with the version stored in every
session cookie: sign-out, password change or reset, role change and
deactivation bump it, ending every session of that user),
``users.must_change_password`` (set by an admin's reset) and
``users.password_changed_at``; and an index on ``login_attempts (ip, at)``
for the per-address sign-in limit. Additive: no data is touched.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_ip_at', ['ip', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_ip_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_version')
