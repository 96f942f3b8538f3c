"""The outcome event log: order checks, referrals and job spells (pure functions on frames).

An outcome file is an event log (``docs/input-format.md``, ``matcher schema``):
one row per event, several rows per seeker–vacancy pair over time. Within a
pair, events are read in date order (same-day events in the order
referred → interviewed → rejected/declined → hired → employed → left).

:func:`check_order` finds the events that cannot be true in that order — an
event dated before the pair's referral, a follow-up or a departure without a
hire, a follow-up after the person left, a second hire while the first job is
still running, an employer's "no" after the hire — and returns a reason for
each; the loader rejects those rows and keeps every other one.

:func:`job_spells` turns accepted events into job spells: a spell runs from
``hired`` to ``left``. A spell with no ``left`` is still running: it is
right-censored at the extraction date (``censor_at="extraction"``, the default:
the office records every departure it learns of, so the job is known to be
running until the file was taken) or at the last contact (``"last_contact"``:
the last ``employed`` follow-up, or the hire when there was none). A censored
spell is never counted as a stay or as a departure.

:func:`referrals` gives one row per referred pair with the rank and list it was
shown at and whether it led to a hire.
"""
from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

#: same-day order of events within one pair
STEP = {"referred": 0, "interviewed": 1, "rejected": 2, "declined": 2, "hired": 3, "employed": 4, "left": 5}

SPELL_COLUMNS = ["seeker_id", "vacancy_id", "hired_on", "end_on", "duration", "left", "reason", "censored"]

#: Latest outcomes with which a referral holds one of the post's openings: hired, or still there at a
#: follow-up call. ``left`` releases the opening again; every other outcome never took one.
IN_JOB: tuple[str, ...] = ("hired", "employed")


def event_order(date: object, outcome: str, seq: int) -> tuple:
    """Sort key of one event within its referral: date, then the same-day order :data:`STEP`, then ``seq``
    (file row or record id)."""
    return (date, STEP.get(outcome, 0), seq)


def hires_per_vacancy(events: pd.DataFrame, reference_date: _dt.date | None = None,
                      by: tuple[str, ...] = ("seeker_id", "vacancy_id")) -> dict[str, int]:
    """Openings held per vacancy: referrals whose latest outcome is in :data:`IN_JOB`.

    THE hire-count rule; the market (``matcher.market.hires_from_outcomes``)
    and the web store (``webui.store.recount_hired``) both call it.
    ``events`` needs ``vacancy_id``, ``date``, ``outcome`` and the ``by``
    columns that name one referral (default: the seeker–vacancy pair; the web
    store passes its referral id). The latest event of a referral is the one
    with the latest date, same-day events in the order :data:`STEP`
    (referred → … → hired → employed → left), then row order. Events after
    ``reference_date`` are ignored.
    """
    if events is None or len(events) == 0:
        return {}
    cols = list(dict.fromkeys([*by, "vacancy_id", "date", "outcome"]))
    o = events[cols].copy()
    o["_date"] = pd.to_datetime(o["date"])
    o["_step"] = o["outcome"].map(STEP).fillna(0)
    o["_row"] = np.arange(len(o))
    if reference_date is not None:
        o = o[o["_date"] <= pd.Timestamp(reference_date)]
    last = o.sort_values(["_date", "_step", "_row"], kind="stable").groupby(list(by), sort=False).tail(1)
    counts = last.loc[last["outcome"].isin(IN_JOB), "vacancy_id"].astype(str).value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def check_order(events: pd.DataFrame) -> dict[object, str]:
    """Events that are out of order for their pair: ``{index label: reason}``.

    ``events`` needs ``seeker_id``, ``vacancy_id``, ``date`` (datetime64) and
    ``outcome`` (canonical). Rows with a missing date are ignored here (the
    loader rejects them for their date). Pure: the frame is not changed.
    """
    if len(events) == 0:
        return {}
    ok = events["date"].notna() & events["outcome"].isin(list(STEP))
    ev = events.loc[ok, ["seeker_id", "vacancy_id", "date", "outcome"]].copy()
    ev["_step"] = ev["outcome"].map(STEP)
    ev["_pos"] = np.arange(len(ev))
    ev = ev.sort_values(["seeker_id", "vacancy_id", "date", "_step", "_pos"], kind="stable")
    bad: dict[object, str] = {}
    sid, vid = ev["seeker_id"].to_numpy(), ev["vacancy_id"].to_numpy()
    dates = ev["date"].to_numpy()
    outc = ev["outcome"].to_numpy()
    labels = ev.index.to_numpy()
    prev = None
    referred_on = hired_on = left_on = None
    in_job = False
    # a pair's first referral date: events before it are out of order
    first_ref = ev[ev["outcome"] == "referred"].groupby(["seeker_id", "vacancy_id"])["date"].min().to_dict()

    def day(d: np.datetime64) -> str:
        return str(d)[:10]

    for i in range(len(ev)):
        key = (sid[i], vid[i])
        if key != prev:
            prev = key
            referred_on = first_ref.get(key)
            hired_on = left_on = None
            in_job = False
        o, d = outc[i], dates[i]
        if referred_on is not None and o != "referred" and d < np.datetime64(referred_on):
            bad[labels[i]] = (f"事件早于推荐 '{o}' on {day(d)} is before the referral of this pair on "
                              f"{day(np.datetime64(referred_on))}")
            continue
        if o == "hired":
            if in_job:
                bad[labels[i]] = (f"重复录用 a second 'hired' while the job that started on {day(hired_on)} "
                                  "is still running (record 'left' first)")
                continue
            in_job, hired_on = True, d
        elif o == "employed":
            if not in_job:
                bad[labels[i]] = (f"离职后回访 follow-up 'employed' on {day(d)} after the person left on {day(left_on)}"
                                  if left_on is not None else
                                  f"无录用回访 follow-up 'employed' on {day(d)} without a hire of this pair")
                continue
        elif o == "left":
            if not in_job:
                bad[labels[i]] = (f"重复离职 'left' on {day(d)} after the person already left on {day(left_on)}"
                                  if left_on is not None else
                                  f"无录用离职 'left' on {day(d)} without a hire of this pair (left before hired?)")
                continue
            in_job, left_on = False, d
        elif o in ("rejected", "declined") and in_job:
            bad[labels[i]] = (f"录用后拒绝 '{o}' on {day(d)} while the person is in the job since {day(hired_on)}")
    return bad


def _as_ts(d: _dt.date | str | pd.Timestamp | None) -> pd.Timestamp | None:
    return None if d is None else pd.Timestamp(d).normalize()


def job_spells(events: pd.DataFrame, extraction_date: _dt.date | str | pd.Timestamp | None = None, *,
               until: _dt.date | str | pd.Timestamp | None = None,
               censor_at: str = "extraction") -> pd.DataFrame:
    """Job spells of accepted, in-order events.

    Only events on or before ``until`` are used (then ``until`` is the
    extraction date); ``extraction_date`` defaults to the log's last date.
    Columns: ``seeker_id``, ``vacancy_id``, ``hired_on``, ``end_on`` (the
    ``left`` date, or the censoring date), ``duration`` (days, int),
    ``left`` (bool: the spell ended), ``reason`` (for ``left``), ``censored``
    (bool, == not left). ``censor_at`` is ``"extraction"`` or
    ``"last_contact"`` (see the module docstring).
    """
    if censor_at not in ("extraction", "last_contact"):
        raise ValueError(f"censor_at must be 'extraction' or 'last_contact', got {censor_at!r}")
    ev = events
    cut = _as_ts(until)
    if cut is not None:
        ev = ev[ev["date"] <= cut]
    ext = cut if cut is not None else _as_ts(extraction_date)
    if ext is None:
        ext = ev["date"].max() if len(ev) else pd.Timestamp("1970-01-01")
    ev = ev[ev["outcome"].isin(["hired", "employed", "left"])].copy()
    if len(ev) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SPELL_COLUMNS})
    ev["_step"] = ev["outcome"].map(STEP)
    ev = ev.sort_values(["seeker_id", "vacancy_id", "date", "_step"], kind="stable")
    reasons = ev["reason"].to_numpy() if "reason" in ev.columns else np.full(len(ev), "", dtype=object)
    rows: list[tuple] = []
    cur: list | None = None
    for s, v, d, o, r in zip(ev["seeker_id"].to_numpy(), ev["vacancy_id"].to_numpy(), ev["date"].to_numpy(),
                             ev["outcome"].to_numpy(), reasons):
        d = pd.Timestamp(d)
        if cur is not None and (cur[0], cur[1]) != (s, v):
            rows.append(_close(cur, ext, censor_at))
            cur = None
        if o == "hired":
            if cur is not None:          # not reached for checked logs
                rows.append(_close(cur, ext, censor_at))
            cur = [s, v, d, d]
        elif cur is not None and o == "employed":
            cur[3] = d
        elif cur is not None and o == "left":
            rows.append((s, v, cur[2], d, int((d - cur[2]).days), True, "" if r is None else str(r), False))
            cur = None
    if cur is not None:
        rows.append(_close(cur, ext, censor_at))
    out = pd.DataFrame(rows, columns=SPELL_COLUMNS)
    out["duration"] = out["duration"].astype(int)
    out["left"] = out["left"].astype(bool)
    out["censored"] = out["censored"].astype(bool)
    return out


def _close(cur: list, ext: pd.Timestamp, censor_at: str) -> tuple:
    end = ext if censor_at == "extraction" else cur[3]
    end = max(end, cur[2])
    return (cur[0], cur[1], cur[2], end, int((end - cur[2]).days), False, "", True)


def referrals(events: pd.DataFrame, *, until: _dt.date | str | pd.Timestamp | None = None,
              pending_days: int = 30) -> pd.DataFrame:
    """One row per referred pair: did the referral lead to a hire?

    A pair's referral date is its first ``referred`` event (or, when none was
    recorded, its first event). ``hired`` is True when a ``hired`` event
    follows (on or before ``until``). Referrals younger than ``pending_days``
    at ``until`` with no answer yet (no hire, rejection or refusal) are left
    out as still pending. Columns: ``seeker_id``, ``vacancy_id``,
    ``referred_on``, ``rank_shown`` (float, NaN when none), ``list_shown``,
    ``hired``.
    """
    ev = events
    cut = _as_ts(until)
    if cut is not None:
        ev = ev[ev["date"] <= cut]
    if len(ev) == 0:
        return pd.DataFrame(columns=["seeker_id", "vacancy_id", "referred_on", "rank_shown", "list_shown", "hired"])
    ev = ev.assign(_ref=ev["outcome"] == "referred", _hired=ev["outcome"] == "hired",
                   _answer=ev["outcome"].isin(["hired", "rejected", "declined"]))
    rank = pd.to_numeric(ev["rank_shown"], errors="coerce") if "rank_shown" in ev.columns else np.nan
    lst = ev["list_shown"].fillna("").astype(str) if "list_shown" in ev.columns else ""
    ev = ev.assign(_rank=rank, _list=lst)
    ev = ev.sort_values(["seeker_id", "vacancy_id", "_ref", "date"], ascending=[True, True, False, True],
                        kind="stable")
    g = ev.groupby(["seeker_id", "vacancy_id"], sort=True)
    first = g.first()
    out = pd.DataFrame({
        "referred_on": g["date"].min().where(~first["_ref"], first["date"]),
        "rank_shown": g["_rank"].max(),
        "list_shown": first["_list"],
        "hired": g["_hired"].any(),
        "_answer": g["_answer"].any(),
    }).reset_index()
    end = cut if cut is not None else ev["date"].max()
    pending = ~out["_answer"] & ((end - out["referred_on"]).dt.days < pending_days)
    return out.loc[~pending].drop(columns="_answer").reset_index(drop=True)
