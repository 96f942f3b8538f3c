"""A generated city *with history*: months of referrals from staff lists, hires and job spells.

:func:`generate_history` takes a :class:`matcher.generate.City` and simulates
``months`` months of the employment office at work before the city's
``as_of`` date (the extraction date), as an outcome event log in the format of
``docs/input-format.md`` (outcomes section): ``referred`` (with
``rank_shown``, ``list_shown`` and ``staff``), ``interviewed``, ``hired`` /
``rejected`` / ``declined``, ``employed`` follow-up calls and ``left`` with a
reason.

The process, month by month
    1. **Visits.** A share of the seekers (:data:`VISIT_RATE` a month) comes to
       the office. Staff open the seeker's list of posts from the rule-based
       engine (``Matcher(settings).fit(seekers, vacancies)``, the top
       :data:`LIST_LENGTH`) and refer the seeker to one to three posts,
       choosing high places more often (P(rank r) ∝ r^-0.8); one referral in
       five is found by search instead (an open post of the wanted trade, no
       rank). Posts are treated as standing through the months (employers
       re-post the same job).
    2. **Hires** are driven by fit and chance. The hidden hire propensity is
       ``logit p = -2.3 + 1.3·same trade + 0.9·wage meets expectation +
       0.6·education meets + 0.4·same district + 1.2·(engine score − 0.5) +
       pair noise N(0, 0.5²)``; it is the chance at the **top of a list**.
       The place shown adds the **position effect** ``-γ·ln(rank)`` with
       :data:`POSITION_GAMMA` (a search referral: ``-γ·ln 10``): posts at the
       top are taken up more because they are on top. Answers come 3–20 days
       after the referral; answers after the extraction date are not yet known.
    3. **Job spells** have a piecewise-constant daily hazard of leaving (0–30
       days 0.0045, 30–90 days 0.0025, after 90 days 0.0012: about two in
       three stay 180 days) multiplied by ``exp`` of what a staff member would
       believe: wage below the person's expectation (+0.9), a long commute
       (another part of the city or outside it, +0.7), shift work the person
       does not accept (+0.8), no social insurance (+0.4), a wage at least
       1,000 yuan above the expectation (−0.3); **4045 workers** value
       insurance and nearby posts (+0.6 more for no insurance, +0.5 more for a
       long commute); and each employer's own hidden "frailty" (N(0, 0.5²) on
       the log scale), which the post's record of early leavers reveals. The
       reason given on leaving is drawn in proportion to these parts
       (``wage``, ``commute``, ``shifts``, ``conditions`` for no insurance,
       otherwise ``health``/``dismissed``/``contract_end``/``other``).
    4. **Follow-up calls** (回访) at about 30, 90 and 180 days reach the person
       85 % of the time and record ``employed`` while the job lasts; a
       departure is recorded on the day it happened. Spells still running at
       the extraction date are right-censored there: they have no ``left``.

Exploration (``explore`` > 0, default 0: off)
    A share ``explore`` of visits is an **exploration** visit: the list shown
    is the seeker's best :data:`EXPLORE_POOL` posts by the engine's score in
    *random order*, and the referrals are drawn uniformly from it (the rank
    shown is their place in the shuffled list, so it says nothing about fit).
    Which of those posts is referred is then independent of any ranking, so
    hires from exploration referrals evaluate rankings without the logging
    policy's bias (``benchmarks/outcomes.py``). Visits draw the same random
    numbers as without exploration up to the exploration choice, so
    ``explore=0`` gives the same log as before.

Hidden truth (never written to the event log) is returned per referral in
:attr:`CityHistory.truth`: the hire propensity at the top of a list
(``p_hire_top``), the chance at the rank shown (``p_hire_shown``), whether a
hire happened and when, the true chance of lasting 180 days
(``p_stay180``) and the uncensored duration. With ``dirty=True`` a few
out-of-order events are planted (a ``left`` before its ``hired``, a follow-up
after the person left, an answer dated before the referral) and listed in
:attr:`CityHistory.planted_rejects`, for checking the loader. The same seed
gives the same log.
"""
from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from matcher.generate import City, write_city

VISIT_RATE = 0.12
LIST_LENGTH = 20
RANK_EXPONENT = 0.8
SEARCH_SHARE = 0.2
#: an exploration visit's list: the seeker's best this many posts by the engine's score, shown in random order
EXPLORE_POOL = 50
POSITION_GAMMA = 0.6
HAZARD = ((0, 30, 0.0045), (30, 90, 0.0025), (90, 100000, 0.0012))
HAZARD_TERMS = {"wage_short": 0.9, "long_commute": 0.7, "shift_conflict": 0.8, "no_insurance": 0.4,
                "wage_surplus": -0.3, "g4045_no_insurance": 0.6, "g4045_long_commute": 0.5}
FOLLOW_UPS = (30, 90, 180)
STAFF = ("zhangli", "wangfang", "liuyang", "chenjing", "yangmin", "zhaolei")
HISTORY_COLUMNS = ("seeker_id", "vacancy_id", "date", "outcome", "reason", "rank_shown", "list_shown", "staff")
_ZH = {"referred": "已推荐", "interviewed": "已面试", "hired": "已录用", "rejected": "未录用", "declined": "本人放弃",
       "employed": "回访在岗", "left": "已离职"}


@dataclass
class CityHistory:
    """The event log (raw text cells, in date order) and its hidden truth."""

    events: pd.DataFrame
    truth: pd.DataFrame = field(repr=False)
    extraction_date: date
    months: int
    params: dict[str, Any] = field(default_factory=dict)
    planted_rejects: list[dict[str, Any]] = field(default_factory=list)
    hidden: dict[str, Any] = field(default_factory=dict, repr=False)

    def true_chances(self, matcher: Any, seeker_idx: np.ndarray, vacancy_idx: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The hidden truth for any pairs of the matcher the history was made with: (P(hire) at the top
        of a list, without the pair noise; P(still in the job at 180 days))."""
        _, z, _, log_mult = _pair_truth(self.hidden, matcher, np.asarray(seeker_idx), np.asarray(vacancy_idx))
        return _sigmoid(z), stay_probability(np.exp(log_mult))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _durations(rng: np.random.Generator, mult: np.ndarray) -> np.ndarray:
    """Draw durations (days) from the piecewise-constant hazard × ``mult`` by inversion."""
    e = rng.exponential(size=len(mult))          # cumulative hazard reached at the departure
    out = np.zeros(len(mult))
    done = np.zeros(len(mult), bool)
    acc = np.zeros(len(mult))
    for lo, hi, h in HAZARD:
        rate = h * mult
        seg = rate * (hi - lo)
        end_here = ~done & (acc + seg >= e)
        out[end_here] = lo + (e[end_here] - acc[end_here]) / rate[end_here]
        done |= end_here
        acc += seg
    out[~done] = HAZARD[-1][1]
    return np.floor(out)


def stay_probability(mult: np.ndarray, days: int = 180) -> np.ndarray:
    """True P(still in the job after ``days``) for hazard multipliers ``mult``."""
    cum = np.zeros(len(mult))
    for lo, hi, h in HAZARD:
        cum += h * mult * max(0, min(days, hi) - lo)
    return np.exp(-cum)


def generate_history(city: City, months: int, *, seed: int | None = None, matcher: Any = None,
                     settings: Any = None, dirty: bool = False, explore: float = 0.0) -> CityHistory:
    """Simulate ``months`` months of referrals and what became of them, ending at ``city.as_of``.

    ``matcher`` (a :class:`matcher.core.Matcher` fitted on the city's loaded
    frames) makes the staff lists; None fits one with ``settings`` on the
    city's files (loaded with :mod:`matcher.io.loader`).
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months!r}")
    if not 0 <= explore <= 1:
        raise ValueError(f"explore must be a share in [0, 1], got {explore!r}")
    rng = np.random.default_rng(np.random.SeedSequence([int(city.seed if seed is None else seed), 4711]))
    if matcher is None:
        from matcher.core import Matcher
        from matcher.io.loader import load_seekers, load_vacancies

        with tempfile.TemporaryDirectory() as tmp:
            paths = write_city(city, tmp)
            s = load_seekers(paths["seekers"], city.as_of).frame
            v = load_vacancies(paths["vacancies"]).frame
        matcher = Matcher(settings).fit(s, v)
    F = matcher.features_
    S, V = matcher.seekers_, matcher.vacancies_
    st = city.seeker_truth.set_index("seeker_id").reindex(F.seeker_ids)
    vt = city.vacancy_truth.set_index("vacancy_id").reindex(F.vacancy_ids)
    n, m = len(S), len(V)
    as_of = pd.Timestamp(city.as_of)
    start = as_of - pd.Timedelta(days=int(round(months * 30.44)))
    lists, _ = matcher.top_k_block(np.arange(n), LIST_LENGTH)
    wide = matcher.top_k_block(np.arange(n), EXPLORE_POOL)[0] if explore > 0 else None
    open_ = ~np.asarray(F.expired, bool)
    trade_posts = {t: np.flatnonzero((vt["trade"].to_numpy() == t) & open_) for t in vt["trade"].unique()}
    all_open = np.flatnonzero(open_) if open_.any() else np.arange(m)
    # hidden per-post truths: employer frailty; shift and insurance where the post's text does not say
    employers = V["employer"].fillna("").astype(str).to_numpy()
    emp_u, emp_i = np.unique(employers, return_inverse=True)
    frailty = rng.normal(0, 0.5, len(emp_u))[emp_i]
    shift = V["shift_work"].astype("float").to_numpy()
    shift = np.where(np.isnan(shift), rng.random(m) < 0.3, shift).astype(bool)
    ins = V["social_insurance"].astype("float").to_numpy()
    ins = np.where(np.isnan(ins), rng.random(m) < 0.5, ins).astype(bool)
    accepts = S["accepts_shift_work"].astype("float").to_numpy()
    accepts = np.where(np.isnan(accepts), rng.random(n) < 0.5, accepts).astype(bool)
    hidden = {"st": st, "vt": vt, "frailty": frailty, "shift": shift, "insurance": ins, "accepts": accepts}

    rows_s, rows_v, rows_d, rows_r, rows_l, rows_x = [], [], [], [], [], []
    seen: set[tuple[int, int]] = set()
    for mo in range(months):
        m_start = start + pd.Timedelta(days=int(round(mo * 30.44)))
        visitors = np.flatnonzero(rng.random(n) < VISIT_RATE)
        for si in visitors:
            day = m_start + pd.Timedelta(days=int(rng.integers(0, 30)))
            if day >= as_of:
                continue
            k = int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))
            lst = lists[si][lists[si] >= 0]
            if explore > 0 and rng.random() < explore:          # exploration visit: random order, uniform pick
                shown = rng.permutation(wide[si][wide[si] >= 0])
                for r in rng.choice(len(shown), size=min(k, len(shown)), replace=False):
                    vi = int(shown[r])
                    if (si, vi) in seen:
                        continue
                    seen.add((si, vi))
                    rows_s.append(si); rows_v.append(vi); rows_d.append(day); rows_r.append(float(r + 1))
                    rows_l.append("plain"); rows_x.append(True)
                continue
            for _ in range(k):
                if rng.random() < SEARCH_SHARE or len(lst) == 0:
                    pool = trade_posts.get(st["desired_trade"].iat[si], all_open)
                    vi, rank, ls = int(rng.choice(pool if len(pool) else all_open)), np.nan, "search"
                else:
                    w = np.arange(1, len(lst) + 1, dtype=float) ** -RANK_EXPONENT
                    r = int(rng.choice(len(lst), p=w / w.sum()))
                    vi, rank, ls = int(lst[r]), float(r + 1), ("capacity" if rng.random() < 0.3 else "plain")
                if (si, vi) in seen:
                    continue
                seen.add((si, vi))
                rows_s.append(si); rows_v.append(vi); rows_d.append(day); rows_r.append(rank); rows_l.append(ls)
                rows_x.append(False)
    a, b = np.array(rows_s, dtype=np.int64), np.array(rows_v, dtype=np.int64)
    k = len(a)
    ref_day = pd.DatetimeIndex(rows_d)
    rank = np.array(rows_r, float)
    # ---- hires and hazards (hidden truth)
    score, z, terms, log_mult = _pair_truth(hidden, matcher, a, b)
    z = z + rng.normal(0, 0.5, k)
    pos = np.where(np.isnan(rank), -POSITION_GAMMA * math.log(10), -POSITION_GAMMA * np.log(np.nan_to_num(rank, nan=1)))
    p_top = _sigmoid(z)
    p_shown = _sigmoid(z + pos)
    hired = rng.random(k) < p_shown
    answer_day = ref_day + pd.to_timedelta(rng.integers(3, 21, k), unit="D")
    answered = answer_day <= as_of
    g4045 = terms["g4045"]
    mult = np.exp(log_mult)
    duration = _durations(rng, mult)
    p_stay = stay_probability(mult)
    # ---- events
    ev: list[tuple] = []
    staff = np.array(STAFF, dtype=object)[rng.integers(0, len(STAFF), k)]
    reason_codes = ["wage", "commute", "shifts", "conditions"]
    for i in range(k):
        sid, vid = F.seeker_ids[a[i]], F.vacancy_ids[b[i]]
        d0 = ref_day[i]
        ev.append((sid, vid, d0, "referred", "", rank[i], rows_l[i], staff[i]))
        if not answered[i]:
            continue
        if rng.random() < 0.3:
            ev.append((sid, vid, d0 + pd.Timedelta(days=int(rng.integers(1, 3))), "interviewed", "", np.nan, "", staff[i]))
        if not hired[i]:
            ev.append((sid, vid, answer_day[i], "rejected" if rng.random() < 0.7 else "declined", "", np.nan, "", staff[i]))
            continue
        h = answer_day[i]
        ev.append((sid, vid, h, "hired", "", np.nan, "", staff[i]))
        leave = h + pd.Timedelta(days=int(duration[i]))
        for f in FOLLOW_UPS:
            call = h + pd.Timedelta(days=int(f + rng.integers(-5, 6)))
            if call < leave and call <= as_of and rng.random() < 0.85:
                ev.append((sid, vid, call, "employed", "", np.nan, "", staff[i]))
        if leave <= as_of:
            parts = np.array([terms["wage_short"][i] * 0.9, terms["long_commute"][i] * (0.7 + 0.5 * g4045[i]),
                              terms["shift_conflict"][i] * 0.8, terms["no_insurance"][i] * (0.4 + 0.6 * g4045[i])], float)
            base = 0.8
            pr = np.append(parts, base) / (parts.sum() + base)
            j = int(rng.choice(5, p=pr))
            reason = reason_codes[j] if j < 4 else str(rng.choice(["health", "dismissed", "contract_end", "other"]))
            ev.append((sid, vid, leave, "left", reason, np.nan, "", staff[i]))
    frame = pd.DataFrame(ev, columns=list(HISTORY_COLUMNS))
    frame = frame.sort_values(["date", "seeker_id", "vacancy_id"], kind="stable").reset_index(drop=True)
    out = _as_text(frame, rng)
    truth = pd.DataFrame({
        "seeker_id": np.asarray(F.seeker_ids)[a], "vacancy_id": np.asarray(F.vacancy_ids)[b],
        "referred_on": ref_day, "rank_shown": rank, "list_shown": rows_l, "engine_score": score,
        "p_hire_top": p_top, "p_hire_shown": p_shown, "hired": hired & answered, "hired_on":
        pd.Series(answer_day).where(hired & answered).to_numpy(), "p_stay180": p_stay, "duration": duration,
        "lasting180": hired & answered & (duration >= 180), "hazard_multiplier": mult,
        "explore": np.array(rows_x, bool),
        **{f"t_{t}": np.asarray(terms[t], bool) for t in HAZARD_TERMS},
    })
    planted: list[dict[str, Any]] = []
    if dirty:
        out, planted = _plant(rng, out)
    return CityHistory(events=out, truth=truth, extraction_date=city.as_of, months=int(months), hidden=hidden,
                       params={"position_gamma": POSITION_GAMMA, "hazard": HAZARD, "hazard_terms": HAZARD_TERMS,
                               "visit_rate": VISIT_RATE, "list_length": LIST_LENGTH, "explore": float(explore),
                               "explore_pool": EXPLORE_POOL},
                       planted_rejects=planted)


def _pair_truth(hidden: dict[str, Any], matcher: Any, a: np.ndarray, b: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Engine score, hire logit at the top of a list (no pair noise), hazard terms and log hazard multiplier."""
    st, vt, F = hidden["st"], hidden["vt"], matcher.features_
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    score = matcher.score_pairs(a, b).score.astype(float) if len(a) else np.zeros(0)
    same = (st["desired_trade"].to_numpy()[a] == vt["trade"].to_numpy()[b]).astype(float)
    exp_min = st["expected_wage_min"].to_numpy(dtype=float)[a]
    pay_max = vt["true_wage_max"].to_numpy(dtype=float)[b]
    pay_min = vt["true_wage_min"].to_numpy(dtype=float)[b]
    wage_meets = ~(exp_min > pay_max)
    edu_ok = st["education_level"].to_numpy(dtype=float)[a] >= vt["education_min_level"].to_numpy(dtype=float)[b]
    same_d = (st["district"].to_numpy()[a] == vt["district"].to_numpy()[b]).astype(float)
    z = -2.3 + 1.3 * same + 0.9 * wage_meets + 0.6 * edu_ok + 0.4 * same_d + 1.2 * (score - 0.5)
    nd = F.rel.shape[0] - 1
    ds = np.where(F.dist_s[a] < 0, nd, F.dist_s[a])
    dv = np.where(F.dist_v[b] < 0, nd, F.dist_v[b])
    long_commute = np.isin(F.rel[ds, dv], [2, 3])          # another part of the city, or outside it
    g4045 = st["is_4045"].to_numpy(dtype=bool)[a]
    ins = hidden["insurance"][b]
    terms = {
        "wage_short": exp_min > pay_max, "long_commute": long_commute,
        "shift_conflict": hidden["shift"][b] & ~hidden["accepts"][a], "no_insurance": ~ins,
        "wage_surplus": pay_min - np.nan_to_num(exp_min, nan=1e9) >= 1000,
        "g4045_no_insurance": g4045 & ~ins, "g4045_long_commute": g4045 & long_commute,
    }
    log_mult = hidden["frailty"][b] + sum(HAZARD_TERMS[t] * np.asarray(v, float) for t, v in terms.items())
    terms["g4045"] = g4045
    return score, z, terms, log_mult


def _as_text(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    out = frame.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    zh = rng.random(len(out)) < 0.1
    out["outcome"] = np.where(zh, out["outcome"].map(_ZH), out["outcome"])
    out["rank_shown"] = [("" if not np.isfinite(r) else str(int(r))) for r in out["rank_shown"].to_numpy(float)]
    return out.astype(str).replace({"nan": ""})


def _plant(rng: np.random.Generator, out: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Add out-of-order events (rejects for the loader), each listed with its Excel row."""
    hires = out.index[out["outcome"].isin(["hired", _ZH["hired"]])].to_numpy()
    lefts = out.index[out["outcome"].isin(["left", _ZH["left"]])].to_numpy()
    extra, reasons = [], []
    if len(hires):
        r = out.loc[int(rng.choice(hires))]
        d = (pd.Timestamp(r["date"]) - pd.Timedelta(days=40)).strftime("%Y-%m-%d")
        extra.append({**r.to_dict(), "date": d, "outcome": "left", "reason": "wage"})
        reasons.append("left before hired")
    if len(lefts):
        r = out.loc[int(rng.choice(lefts))]
        d = (pd.Timestamp(r["date"]) + pd.Timedelta(days=20)).strftime("%Y-%m-%d")
        extra.append({**r.to_dict(), "date": d, "outcome": "employed", "reason": ""})
        reasons.append("follow-up after the person left")
    refs = out.index[out["outcome"].isin(["referred", _ZH["referred"]])].to_numpy()
    if len(refs):
        r = out.loc[int(rng.choice(refs))]
        d = (pd.Timestamp(r["date"]) - pd.Timedelta(days=10)).strftime("%Y-%m-%d")
        extra.append({**r.to_dict(), "date": d, "outcome": "rejected", "rank_shown": "", "list_shown": ""})
        reasons.append("answer before the referral")
    if not extra:
        return out, []
    both = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    order = both.sort_values("date", kind="stable").index      # original positions in file order
    full = both.loc[order].reset_index(drop=True)
    planted = []
    n0 = len(out)
    for new_row, old in enumerate(order):
        if old >= n0:
            rr = full.loc[new_row]
            planted.append({"file": "outcomes.csv", "kind": "reject", "reason": reasons[old - n0],
                            "row": new_row + 2, "column": "outcome", "id": rr["seeker_id"], "value": rr["outcome"]})
    return full, planted
