"""The web UI's database tables (SQLAlchemy 2.x declarative models).

Seekers and vacancies hold the *normalised* fields of ``matcher/schema.py``
(list cells as JSON); their natural ids are the primary keys, so a
re-import updates rows by id and referrals keep pointing at them. Personal
data (name, ID number, phone) lives only in the ``seekers`` table; the audit
log records *who looked at whom* by id, never the personal data itself.

The schema is created and upgraded by the Alembic migrations in
``webui/migrations`` — never by ``create_all`` — so an upgrade can never
drop recorded referrals.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer,
                        String, Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Outcomes staff may record on a referral (``referred`` is the initial state).
OUTCOMES: tuple[str, ...] = ("referred", "interviewed", "hired", "rejected", "declined")
#: Staff roles: ``admin`` manages users and imports; ``staff`` searches and refers.
ROLES: tuple[str, ...] = ("admin", "staff")


def utcnow() -> dt.datetime:
    """The current UTC time as a naive datetime (what every table stores)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of every web-UI table."""


class Seeker(Base):
    """One job seeker, normalised (see ``matcher/schema.py``)."""

    __tablename__ = "seekers"

    seeker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100), index=True)
    id_number: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    phone_tail: Mapped[str | None] = mapped_column(String(4), index=True)
    gender: Mapped[str | None] = mapped_column(String(1))
    age: Mapped[int | None] = mapped_column(Integer)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    district: Mapped[str | None] = mapped_column(String(64), index=True)
    district_class: Mapped[str | None] = mapped_column(String(16))
    hukou: Mapped[str | None] = mapped_column(String(8))
    education_level: Mapped[int | None] = mapped_column(Integer, index=True)
    education_raw: Mapped[str | None] = mapped_column(String(64))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    skills_text: Mapped[str] = mapped_column(Text, default="")
    certificates: Mapped[list] = mapped_column(JSON, default=list)
    desired_titles: Mapped[list] = mapped_column(JSON, default=list)
    experience: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    expected_wage_min: Mapped[float | None] = mapped_column(Float)
    expected_wage_max: Mapped[float | None] = mapped_column(Float)
    expected_wage_negotiable: Mapped[bool] = mapped_column(Boolean, default=False)
    preferred_districts: Mapped[list] = mapped_column(JSON, default=list)
    accepts_shift_work: Mapped[bool | None] = mapped_column(Boolean)
    priority_groups: Mapped[list] = mapped_column(JSON, default=list)
    groups_text: Mapped[str] = mapped_column(String(255), default="", index=True)
    is_4045: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    is_rural_migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    source_row: Mapped[int | None] = mapped_column(Integer)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Vacancy(Base):
    """One vacancy (post), normalised; ``hired_count`` is kept by referrals."""

    __tablename__ = "vacancies"

    vacancy_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    employer: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    csco_code: Mapped[str | None] = mapped_column(String(16), index=True)
    required_skills: Mapped[list] = mapped_column(JSON, default=list)
    preferred_skills: Mapped[list] = mapped_column(JSON, default=list)
    certificates_required: Mapped[list] = mapped_column(JSON, default=list)
    education_min_level: Mapped[int | None] = mapped_column(Integer)
    education_raw: Mapped[str | None] = mapped_column(String(64))
    wage_min: Mapped[float | None] = mapped_column(Float, index=True)
    wage_max: Mapped[float | None] = mapped_column(Float, index=True)
    wage_negotiable: Mapped[bool] = mapped_column(Boolean, default=False)
    wage_raw: Mapped[str | None] = mapped_column(String(100))
    openings: Mapped[int] = mapped_column(Integer, default=1)
    hired_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    district: Mapped[str | None] = mapped_column(String(64), index=True)
    district_class: Mapped[str | None] = mapped_column(String(16))
    shift_work: Mapped[bool | None] = mapped_column(Boolean)
    lodging: Mapped[bool | None] = mapped_column(Boolean)
    social_insurance: Mapped[bool | None] = mapped_column(Boolean)
    public_welfare: Mapped[bool | None] = mapped_column(Boolean, index=True)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    gender_requirement: Mapped[str | None] = mapped_column(String(1))
    gender_requirement_raw: Mapped[str | None] = mapped_column(String(64))
    posted_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    source_row: Mapped[int | None] = mapped_column(Integer)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def is_open(self, today: dt.date | None = None) -> bool:
        """Open = not expired (``expires_on`` >= today) and not yet filled."""
        today = today or dt.date.today()
        not_expired = self.expires_on is None or self.expires_on >= today
        return not_expired and (self.hired_count or 0) < (self.openings or 1)


class User(Base):
    """A staff member; ``district`` set = sees only that district's seekers."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    district: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Bumped by sign-out, a password change or reset, a role/district change and
    #: deactivation: every session signed with an older version is refused.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Set by an admin's password reset: the user must choose a new password first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Import(Base):
    """One run of ``matcher import``; ``token`` names the fitted generation."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    seekers_file: Mapped[str | None] = mapped_column(String(255))
    vacancies_file: Mapped[str | None] = mapped_column(String(255))
    outcomes_file: Mapped[str | None] = mapped_column(String(255))
    #: SHA-256 of the imported files (compared with a batch run's ``run.json`` inputs).
    seekers_sha256: Mapped[str | None] = mapped_column(String(64))
    vacancies_sha256: Mapped[str | None] = mapped_column(String(64))
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    rejects: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="running")


class Referral(Base):
    """A seeker referred to a vacancy; ``status`` is the latest outcome."""

    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_pair", "seeker_id", "vacancy_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seeker_id: Mapped[str] = mapped_column(ForeignKey("seekers.seeker_id"), index=True)
    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.vacancy_id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="referred", index=True)
    status_date: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16), default="staff")
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    #: The list the referral was made from (``plain``/``capacity``/``search``; matcher.vocab.LISTS_SHOWN).
    list_shown: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list["OutcomeEvent"]] = relationship(
        back_populates="referral", order_by="OutcomeEvent.date, OutcomeEvent.id",
        cascade="all, delete-orphan")
    creator: Mapped[User | None] = relationship()
    seeker: Mapped[Seeker] = relationship()
    vacancy: Mapped[Vacancy] = relationship()


class OutcomeEvent(Base):
    """One recorded outcome of a referral (interviewed, hired, …) with date and note."""

    __tablename__ = "outcome_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date)
    #: Why the person left (``left`` events): a matcher.vocab.LEAVE_REASONS code, or the text as imported.
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="staff")

    referral: Mapped[Referral] = relationship(back_populates="events")
    recorder: Mapped[User | None] = relationship()


class AuditEntry(Base):
    """Who looked at whom, when, and what they did (ids only, no personal data)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    seeker_id: Mapped[str | None] = mapped_column(String(64), index=True)
    vacancy_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginAttempt(Base):
    """A sign-in attempt, kept for rate limiting (username + client address)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key", "username", "ip", "at"),
                      Index("ix_login_attempts_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean, default=False)


# --- occupation-code review queue (webui.review) ---------------------------------------------
# ``occupation_codes``: one row per cleaned title the office decided a code for: ``source``
# ``confirmed`` (a staff member confirmed or picked it; training rows for the next coder fit) or
# ``auto`` (the coder's calibrated confidence reached the threshold). No personal data.
class OccupationCode(Base):
    """A title -> CSCO code decision of the office."""

    __tablename__ = "occupation_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    username: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
