"""follow-up calls and departures; the list a referral was made from

Adds ``outcome_events.reason`` (why a person left a job: a code of
``matcher.vocab.LEAVE_REASONS``, or the text as imported) and
``referrals.list_shown`` (the staff list a referral was made from:
``plain``, ``capacity`` or ``search``; ``referrals.rank`` already holds the
rank). Follow-up calls (回访) are ``employed`` events and departures ``left``
events in ``outcome_events``, as in the outcome event log of
``docs/input-format.md``. Additive: no data is touched.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcome_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=64), nullable=True))
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_shown', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_referrals_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_status')
        batch_op.drop_column('list_shown')
    with op.batch_alter_table('outcome_events', schema=None) as batch_op:
        batch_op.drop_column('reason')
