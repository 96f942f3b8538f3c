"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 00:08:37.195283
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_key', ['username', 'ip', 'at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('seeker_id', sa.String(length=64), nullable=True),
    sa.Column('vacancy_id', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.String(length=255), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_seeker_id'), ['seeker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_user_id'), ['user_id'], unique=False)

    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('seekers_file', sa.String(length=255), nullable=True),
    sa.Column('vacancies_file', sa.String(length=255), nullable=True),
    sa.Column('outcomes_file', sa.String(length=255), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('rejects', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    op.create_table('seekers',
    sa.Column('seeker_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('id_number', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('phone_tail', sa.String(length=4), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('district_class', sa.String(length=16), nullable=True),
    sa.Column('hukou', sa.String(length=8), nullable=True),
    sa.Column('education_level', sa.Integer(), nullable=True),
    sa.Column('education_raw', sa.String(length=64), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('skills_text', sa.Text(), nullable=False),
    sa.Column('certificates', sa.JSON(), nullable=False),
    sa.Column('desired_titles', sa.JSON(), nullable=False),
    sa.Column('experience', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('expected_wage_min', sa.Float(), nullable=True),
    sa.Column('expected_wage_max', sa.Float(), nullable=True),
    sa.Column('expected_wage_negotiable', sa.Boolean(), nullable=False),
    sa.Column('preferred_districts', sa.JSON(), nullable=False),
    sa.Column('accepts_shift_work', sa.Boolean(), nullable=True),
    sa.Column('priority_groups', sa.JSON(), nullable=False),
    sa.Column('groups_text', sa.String(length=255), nullable=False),
    sa.Column('is_4045', sa.Boolean(), nullable=False),
    sa.Column('is_rural_migrant', sa.Boolean(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], ),
    sa.PrimaryKeyConstraint('seeker_id')
    )
    with op.batch_alter_table('seekers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seekers_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_seekers_education_level'), ['education_level'], unique=False)
        batch_op.create_index(batch_op.f('ix_seekers_groups_text'), ['groups_text'], unique=False)
        batch_op.create_index(batch_op.f('ix_seekers_is_4045'), ['is_4045'], unique=False)
        batch_op.create_index(batch_op.f('ix_seekers_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_seekers_phone_tail'), ['phone_tail'], unique=False)

    op.create_table('vacancies',
    sa.Column('vacancy_id', sa.String(length=64), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('csco_code', sa.String(length=16), nullable=True),
    sa.Column('required_skills', sa.JSON(), nullable=False),
    sa.Column('preferred_skills', sa.JSON(), nullable=False),
    sa.Column('certificates_required', sa.JSON(), nullable=False),
    sa.Column('education_min_level', sa.Integer(), nullable=True),
    sa.Column('education_raw', sa.String(length=64), nullable=True),
    sa.Column('wage_min', sa.Float(), nullable=True),
    sa.Column('wage_max', sa.Float(), nullable=True),
    sa.Column('wage_negotiable', sa.Boolean(), nullable=False),
    sa.Column('wage_raw', sa.String(length=100), nullable=True),
    sa.Column('openings', sa.Integer(), nullable=False),
    sa.Column('hired_count', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=True),
    sa.Column('district_class', sa.String(length=16), nullable=True),
    sa.Column('shift_work', sa.Boolean(), nullable=True),
    sa.Column('lodging', sa.Boolean(), nullable=True),
    sa.Column('social_insurance', sa.Boolean(), nullable=True),
    sa.Column('public_welfare', sa.Boolean(), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('gender_requirement', sa.String(length=1), nullable=True),
    sa.Column('gender_requirement_raw', sa.String(length=64), nullable=True),
    sa.Column('posted_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], ),
    sa.PrimaryKeyConstraint('vacancy_id')
    )
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancies_csco_code'), ['csco_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_employer'), ['employer'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_public_welfare'), ['public_welfare'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_title'), ['title'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_wage_max'), ['wage_max'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_wage_min'), ['wage_min'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seeker_id', sa.String(length=64), nullable=False),
    sa.Column('vacancy_id', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['seeker_id'], ['seekers.seeker_id'], ),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.vacancy_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_pair', ['seeker_id', 'vacancy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_seeker_id'), ['seeker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_vacancy_id'), ['vacancy_id'], unique=False)

    op.create_table('outcome_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outcome_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_events_referral_id'), ['referral_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outcome_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_events_referral_id'))

    op.drop_table('outcome_events')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_vacancy_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_seeker_id'))
        batch_op.drop_index('ix_referrals_pair')

    op.drop_table('referrals')
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacancies_wage_min'))
        batch_op.drop_index(batch_op.f('ix_vacancies_wage_max'))
        batch_op.drop_index(batch_op.f('ix_vacancies_title'))
        batch_op.drop_index(batch_op.f('ix_vacancies_public_welfare'))
        batch_op.drop_index(batch_op.f('ix_vacancies_expires_on'))
        batch_op.drop_index(batch_op.f('ix_vacancies_employer'))
        batch_op.drop_index(batch_op.f('ix_vacancies_district'))
        batch_op.drop_index(batch_op.f('ix_vacancies_csco_code'))

    op.drop_table('vacancies')
    with op.batch_alter_table('seekers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seekers_phone_tail'))
        batch_op.drop_index(batch_op.f('ix_seekers_name'))
        batch_op.drop_index(batch_op.f('ix_seekers_is_4045'))
        batch_op.drop_index(batch_op.f('ix_seekers_groups_text'))
        batch_op.drop_index(batch_op.f('ix_seekers_education_level'))
        batch_op.drop_index(batch_op.f('ix_seekers_district'))

    op.drop_table('seekers')
    op.drop_table('imports')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_seeker_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    op.drop_table('users')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_key')

    op.drop_table('login_attempts')
