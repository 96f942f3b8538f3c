"""A simulated city with outcomes: applications and hires over several weeks.

    python -m benchmarks.simulate [--seekers 4000] [--vacancies 1600] [--weeks 8] [--seed 11]
                                  [--json OUT] [--smoke] [--settings JSON] [--export DIR]

The market is drawn by :func:`matcher.generate.generate_city` (clean files).
Behaviour comes from the simulator's OWN hidden knowledge of every row: the
generator's trade catalogue (``matcher/generate_data/trades.json``) and the
hidden truth it keeps per row (``City.seeker_truth`` / ``vacancy_truth``:
group, own and wanted trade, education level, home district, wages). The
engine's lexicons and normalisers are never used to decide who applies or
who is hired. The behaviour model is documented in
``benchmarks/README.md`` (section "Simulated city"); in short:

* every week each active seeker sees ~20 open posts (a job-board search
  biased to their wanted trade and home district), applies to the few they
  like best if the utility beats staying out (4045: 2 a week, rural migrants
  4, graduates 5, others 3);
* seeker utility = interest in the trade + wage vs reservation wage
  (asymmetric; 4045 barely accept less, rural migrants are wage-driven) +
  distance (4045 stay near home; rural migrants accept far posts with board
  and lodging) + shift work (refusers dislike it; rural migrants accept it) +
  social insurance (valued by 4045) + public-welfare stability + noise;
* employer acceptance = competence in the post's trade (own trade, same
  sector, certificate of the trade; weighted by how skilled the trade is) −
  education shortfall − an over-high wage demand + noise; each week a post
  offers to its best acceptable applicants up to its remaining openings; a
  seeker with several offers takes the one they like most.

Measurement: weeks are split in two. Early weeks are the *dev* period (tune
on them, :mod:`benchmarks.tune`), later weeks the *test* period. For every
seeker hired in a period the relevant item is the post they were hired into;
the candidates are the posts open in that period. Reported: NDCG@10,
recall@10 and MRR of hires overall and per priority group (4045,
rural_migrant, graduate, other), for the engine and two baselines
(rapidfuzz pair scoring; TF-IDF over all fields); the expected number of
hires when each active seeker sees a top-10 list (engine plain vs
capacity-aware via :mod:`matcher.batch.capacity`, baselines, a random list and
an oracle list ranked by the hidden hire probabilities); and congestion
(coverage, exposure Gini, top-1 % share).

``--export DIR`` also writes ``DIR/sim_early`` and ``DIR/sim_late`` as set
folders in the ``../shared/SCHEMA.md`` format, which :mod:`benchmarks.ranking`
and :mod:`benchmarks.tune` read unchanged.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from benchmarks import metrics as M
from benchmarks.baselines import TfidfAllCells, rapidfuzz_scores, seeker_query_text, vacancy_query_text
from matcher.generate import City, generate_city, load_trades, write_city
from matcher.vocab import DISTRICT_STEMS, DISTRICTS

GROUPS: tuple[str, ...] = ("4045", "rural_migrant", "graduate", "other")

#: Approximate road distance in km between the seats of the five districts/counties, in
#: :data:`matcher.vocab.DISTRICTS` order (东区 炳草岗, 西区 清香坪, 仁和区, 米易县 攀莲镇,
#: 盐边县 桐子林镇); outside the city: 120 km.
DISTRICT_KM = np.array([
    [0, 12, 8, 75, 35],
    [12, 0, 18, 85, 40],
    [8, 18, 0, 65, 35],
    [75, 85, 65, 0, 95],
    [35, 40, 35, 95, 0],
], dtype=float)
OUTSIDE_KM = 120.0
_DISTRICT_STEMS = tuple(DISTRICT_STEMS[d] for d in DISTRICTS)

#: Behaviour parameters per group (see benchmarks/README.md). Utilities are in units of the noise.
BEHAVIOUR: dict[str, dict[str, float]] = {
    #            applications/week, wage up, wage down, km cost, km cost with lodging, lodging bonus,
    #            shift refusal cost, insurance value, public-welfare value
    "4045": dict(apply=2, wage_up=1.0, wage_down=5.0, km=0.030, km_lodging=0.025, lodging=0.0,
                 shift_refusal=1.5, insurance=0.7, welfare=0.5),
    "rural_migrant": dict(apply=4, wage_up=2.5, wage_down=2.5, km=0.012, km_lodging=0.002, lodging=0.6,
                          shift_refusal=0.4, insurance=0.1, welfare=-0.2),
    "graduate": dict(apply=5, wage_up=1.2, wage_down=2.0, km=0.008, km_lodging=0.006, lodging=0.1,
                     shift_refusal=1.2, insurance=0.3, welfare=-0.4),
    "other": dict(apply=3, wage_up=1.0, wage_down=2.5, km=0.014, km_lodging=0.008, lodging=0.2,
                  shift_refusal=1.2, insurance=0.3, welfare=0.0),
}
#: 4045 persons look for these trades when their own has few posts (weight 0..3), as in the generator.
TRANSITION = {"security": 3.0, "cleaner": 2.5, "warehouse": 1.5, "forklift": 1.0, "greening": 1.0,
              "community": 1.5, "loader": 0.8, "elderly_care": 1.2, "domestic": 1.0, "cashier": 0.6,
              "hospital_aide": 0.6, "grid": 0.5}
NOISE_U = 0.7      # sd of the seeker's idiosyncratic taste per pair
NOISE_A = 0.7      # sd of the employer's idiosyncratic judgement per pair
VISIBLE = 20       # posts a seeker sees per week
_YES_WORDS = {"是", "y", "yes", "1", "有", "接受", "true", "是的"}
_NO_WORDS = {"否", "n", "no", "0", "无", "不接受", "false"}


@dataclass
class Market:
    """A simulated market and its realised history (positions index ``city`` rows)."""

    city: City
    weeks: int
    split: int                      # first test week
    open_vac: np.ndarray            # [m] bool: in the market (not expired)
    arrival: np.ndarray             # [m] week a post appears
    seeker_arrival: np.ndarray      # [n] week a seeker registers
    hires: pd.DataFrame             # seeker, vacancy, week
    applications: pd.DataFrame      # seeker, vacancy, week
    remaining_at_split: np.ndarray  # [m] openings left at the start of the test period
    u_det: np.ndarray               # [n, m] deterministic seeker utility
    a_det: np.ndarray               # [n, m] deterministic employer acceptance
    group: np.ndarray               # [n] behaviour group
    info: dict[str, Any] = field(default_factory=dict)

    def hire_probability(self) -> np.ndarray:
        """P(apply | seen) x P(acceptable | applied) per pair from the hidden model (noise integrated out)."""
        return ndtr(self.u_det / NOISE_U) * ndtr(self.a_det / NOISE_A)

    def period(self, which: str) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
        """(active seekers, open posts, hires) of the ``"early"`` (dev) or ``"late"`` (test) period."""
        if which == "early":
            seek = self.seeker_arrival < self.split
            vac = self.open_vac & (self.arrival < self.split)
            h = self.hires[self.hires["week"] < self.split]
        elif which == "late":
            hired_early = self.hires.loc[self.hires["week"] < self.split, "seeker"].to_numpy()
            seek = np.ones(len(self.seeker_arrival), bool)
            seek[hired_early] = False
            vac = self.open_vac & (self.remaining_at_split > 0)
            h = self.hires[self.hires["week"] >= self.split]
        else:
            raise ValueError(f"period must be 'early' or 'late', got {which!r}.")
        return np.flatnonzero(seek), np.flatnonzero(vac), h


# --------------------------------------------------------------------------- hidden truth


def _yes_no(cells: pd.Series) -> np.ndarray:
    """Raw yes/no cells → 1.0 / 0.0 / NaN (unknown), with the generator's spellings."""
    s = cells.fillna("").astype(str).str.strip().str.lower()
    return np.where(s.isin(_YES_WORDS), 1.0, np.where(s.isin(_NO_WORDS), 0.0, np.nan))


def _conditions(city: City, trades, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Shift work, lodging and insurance of each post: the perks sentence the generator writes from its
    truth, else the yes/no cell, else a draw from the trade's likelihood."""
    v = city.vacancies.iloc[: len(city.vacancy_truth)]
    desc = v["description"].fillna("").astype(str)
    has_desc = desc.str.len() > 0
    key = {t.key: t for t in trades}
    tr = city.vacancy_truth["trade"].to_numpy()
    out = {}
    for name, col, phrase, attr in (("shift", "shift_work", "需倒班", "shift"), ("lodging", "lodging", "提供食宿", "lodging"),
                                    ("insurance", "social_insurance", "购买五险", "insurance")):
        from_desc = np.where(has_desc, desc.str.contains(phrase, regex=False).astype(float), np.nan)
        cell = _yes_no(v[col])
        prior = np.array([getattr(key[t], attr) for t in tr])
        draw = (rng.random(len(tr)) < prior).astype(float)
        val = np.where(np.isnan(from_desc), np.where(np.isnan(cell), draw, cell), from_desc)
        if name == "insurance":
            val = np.where(city.vacancy_truth["public_welfare"].to_numpy(), 1.0, val)
        out[name] = val.astype(bool)
    return out


def _preferred(cells: pd.Series) -> np.ndarray:
    """[n, 5] bool: district k named among the seeker's preferred districts."""
    s = cells.fillna("").astype(str)
    return np.column_stack([s.str.contains(stem, regex=False).to_numpy() for stem in _DISTRICT_STEMS])


def _district_index(names: np.ndarray) -> np.ndarray:
    pos = {d: i for i, d in enumerate(DISTRICTS)}
    return np.array([pos.get(x, -1) for x in names])


def hidden_scores(city: City, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deterministic seeker utility ``u`` [n, m], employer acceptance ``a`` [n, m] and group [n]."""
    trades = load_trades()
    key = [t.key for t in trades]
    tpos = {k: i for i, k in enumerate(key)}
    st, vt = city.seeker_truth, city.vacancy_truth
    n, m = len(st), len(vt)
    s_raw = city.seekers.iloc[:n]
    group = st["group"].astype(str).to_numpy()
    own = np.array([tpos[x] for x in st["trade"]])
    want = np.array([tpos[x] for x in st["desired_trade"]])
    post = np.array([tpos[x] for x in vt["trade"]])
    has_skills = st["has_skills"].to_numpy(bool)
    sector = np.array([t.sector for t in trades], dtype=object)
    t_edu = np.array([t.edu for t in trades], dtype=float)
    cert_p = np.array([t.cert_p for t in trades])
    heavy = np.isin(sector, ("steel", "chemicals", "mining"))
    entry = (t_edu <= 1) & (cert_p <= 0.4) & ~heavy
    strict = np.clip(0.2 + 0.15 * t_edu + 0.6 * cert_p, 0.15, 1.0)
    trans = np.array([TRANSITION.get(k, 0.0) for k in key])

    g = {k: group == k for k in GROUPS}
    same_own = own[:, None] == post[None, :]
    same_want = want[:, None] == post[None, :]
    same_sector = (sector[own][:, None] == sector[post][None, :]) | (sector[want][:, None] == sector[post][None, :])

    # ---- seeker interest in the kind of work (0..1)
    interest = np.zeros((n, m))
    interest = np.where(same_sector, 0.4, interest)
    ent = entry[post][None, :]
    interest = np.maximum(interest, np.where(ent, np.where(g["rural_migrant"][:, None], np.where(has_skills, 0.5, 0.7)[:, None], 0.25), 0.0))
    interest = np.maximum(interest, np.where(g["4045"][:, None], 0.45 + 0.1 * trans[post][None, :], 0.0) * (trans[post] > 0)[None, :])
    interest = np.where(same_own, np.maximum(interest, 0.8), interest)
    interest = np.where(same_want, 1.0, interest)
    u = 2.2 * (interest - 0.45)

    # ---- wage: offered middle vs reservation wage (log ratio), asymmetric per group
    offer = (vt["true_wage_min"].to_numpy(float) + vt["true_wage_max"].to_numpy(float)) / 2
    market_lo = np.array([t.wage[0] for t in trades], dtype=float)[want]
    res = st["expected_wage_min"].to_numpy(float)
    res = np.where(np.isnan(res), market_lo, res)
    gap = np.log(offer[None, :] / res[:, None])
    up = np.select([g[k] for k in GROUPS], [BEHAVIOUR[k]["wage_up"] for k in GROUPS])
    down = np.select([g[k] for k in GROUPS], [BEHAVIOUR[k]["wage_down"] for k in GROUPS])
    u += np.where(gap >= 0, up[:, None] * np.minimum(gap, 0.6), down[:, None] * gap)

    # ---- distance, lodging and conditions
    cond = _conditions(city, trades, rng)
    home = _district_index(st["district"].astype(str).to_numpy())
    vdist = _district_index(vt["district"].astype(str).to_numpy())
    km = np.where(home[:, None] < 0, OUTSIDE_KM, DISTRICT_KM[np.maximum(home, 0)][:, np.maximum(vdist, 0)])
    lodg = cond["lodging"][None, :]
    par = {p: np.select([g[k] for k in GROUPS], [BEHAVIOUR[k][p] for k in GROUPS])[:, None]
           for p in ("km", "km_lodging", "lodging", "shift_refusal", "insurance", "welfare", "apply")}
    u -= np.where(lodg, par["km_lodging"], par["km"]) * km
    u += np.where(lodg, par["lodging"], 0.0)
    pref = _preferred(s_raw["preferred_districts"])
    u += 0.3 * pref[:, np.maximum(vdist, 0)]
    accepts = _yes_no(s_raw["accepts_shift_work"])
    shift_p = np.select([g[k] for k in GROUPS], [0.7, 0.6, 0.3, 0.5])
    accepts = np.where(np.isnan(accepts), (rng.random(n) < shift_p).astype(float), accepts).astype(bool)
    u -= np.where(~accepts[:, None] & cond["shift"][None, :], par["shift_refusal"], 0.0)
    u += np.where(cond["insurance"][None, :], par["insurance"], 0.0)
    hard = g["4045"] | st["zero_employment_family"].to_numpy(bool) | st["disabled"].to_numpy(bool)
    welfare_val = np.where(hard, 0.5, par["welfare"][:, 0])
    u += np.where(vt["public_welfare"].to_numpy(bool)[None, :], welfare_val[:, None], 0.0)

    # ---- employer acceptance: competence in the trade, education, wage demand
    comp = np.where(same_sector, 0.55, 0.15)
    comp = np.where(same_want, np.maximum(comp, 0.5), comp)
    comp = np.where(same_own, 1.0, comp)
    comp = np.where(has_skills[:, None], comp, 0.15)
    certs = s_raw["certificates"].fillna("").astype(str)
    has_cert_trade = np.zeros((n, len(trades)), bool)
    for ti, t in enumerate(trades):
        for c in t.certificates:
            if c != "健康证":
                has_cert_trade[:, ti] |= certs.str.contains(c, regex=False).to_numpy()
    comp = comp + 0.4 * has_cert_trade[:, post]
    a = 3.0 * strict[post][None, :] * (comp - 0.55)
    level = st["education_level"].to_numpy(float)
    need = vt["education_min_level"].to_numpy(float)
    short = np.maximum(0.0, need[None, :] - level[:, None])
    short = np.where(need[None, :] < 0, 0.0, short)
    a -= 1.2 * short
    a -= np.where(level[:, None] - t_edu[post][None, :] >= 3, 0.3, 0.0)
    a -= np.where(res[:, None] > 1.1 * vt["true_wage_max"].to_numpy(float)[None, :], 0.6, 0.0)
    a += 0.4  # most applicants who meet the bar are acceptable
    return u, a, group


# --------------------------------------------------------------------------- the weeks


def simulate_market(city: City, weeks: int = 8, split: int | None = None, seed: int = 0,
                    visible: int = VISIBLE) -> Market:
    """Run the weekly application/hiring process on ``city`` (see the module docstring).

    ``split`` (default ``weeks // 2``) is the first week of the test period.
    Raises ``ValueError`` for fewer than 2 weeks or a split outside 1..weeks-1.
    """
    if weeks < 2:
        raise ValueError(f"weeks must be >= 2 (a dev and a test period), got {weeks}.")
    split = weeks // 2 if split is None else int(split)
    if not 1 <= split < weeks:
        raise ValueError(f"split must be in 1..{weeks - 1}, got {split}.")
    rng = np.random.default_rng(seed)
    u_det, a_det, group = hidden_scores(city, rng)
    n, m = u_det.shape
    vt = city.vacancy_truth
    open_vac = ~vt["expired"].to_numpy(bool)
    # half the posts are there at week 0, the rest arrive over the weeks; 70 % of seekers register at week 0
    arrival = np.where(rng.random(m) < 0.5, 0, rng.integers(1, weeks, m))
    s_arrival = np.where(rng.random(n) < 0.7, 0, rng.integers(1, weeks, n))
    remaining = vt["openings"].to_numpy(int).copy()
    remaining[~open_vac] = 0
    eps = rng.normal(0, NOISE_U, (n, m))
    eta = rng.normal(0, NOISE_A, (n, m))
    u_real, a_real = u_det + eps, a_det + eta
    applied = np.zeros((n, m), bool)
    hired_at = np.full(n, -1)
    n_apply = np.select([group == k for k in GROUPS], [int(BEHAVIOUR[k]["apply"]) for k in GROUPS])
    interest_w = np.clip(u_det, -3, 3)
    hires, apps = [], []
    remaining_at_split = remaining.copy()
    for w in range(weeks):
        if w == split:
            remaining_at_split = remaining.copy()
        vac_open = open_vac & (arrival <= w) & (remaining > 0)
        active = np.flatnonzero((hired_at < 0) & (s_arrival <= w))
        cols = np.flatnonzero(vac_open)
        if not len(active) or not len(cols):
            continue
        # what each seeker sees: a search biased to what they like (Gumbel top-k sampling)
        key = interest_w[np.ix_(active, cols)] + rng.gumbel(size=(len(active), len(cols)))
        key[applied[np.ix_(active, cols)]] = -np.inf
        k = min(visible, len(cols))
        seen = np.argpartition(-key, k - 1, axis=1)[:, :k]
        seen_v = cols[seen]
        uu = u_real[active[:, None], seen_v]
        uu = np.where(np.isfinite(np.take_along_axis(key, seen, 1)) & (uu > 0), uu, -np.inf)
        order = np.argsort(-uu, axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(k)[None, :].repeat(len(active), 0), axis=1)
        go = np.isfinite(uu) & (rank < n_apply[active][:, None])
        si, vi = np.nonzero(go)
        s_idx, v_idx = active[si], seen_v[si, vi]
        applied[s_idx, v_idx] = True
        apps.append(pd.DataFrame({"seeker": s_idx, "vacancy": v_idx, "week": w}))
        # employers: best acceptable applicants first, up to the remaining openings
        a = a_real[s_idx, v_idx]
        ok = a > 0
        s_ok, v_ok, a_ok = s_idx[ok], v_idx[ok], a[ok]
        o = np.lexsort((s_ok, -a_ok, v_ok))
        s_ok, v_ok = s_ok[o], v_ok[o]
        start = np.r_[0, np.flatnonzero(np.diff(v_ok)) + 1] if len(v_ok) else np.array([], int)
        pos = np.arange(len(v_ok)) - np.repeat(start, np.diff(np.r_[start, len(v_ok)])) if len(v_ok) else np.array([], int)
        offer = pos < remaining[v_ok]
        s_off, v_off = s_ok[offer], v_ok[offer]
        if len(s_off):
            # a seeker with several offers takes the one they like most
            uo = u_real[s_off, v_off]
            o2 = np.lexsort((v_off, -uo, s_off))
            s_off, v_off = s_off[o2], v_off[o2]
            first = np.r_[True, s_off[1:] != s_off[:-1]]
            s_h, v_h = s_off[first], v_off[first]
            hired_at[s_h] = w
            np.subtract.at(remaining, v_h, 1)
            hires.append(pd.DataFrame({"seeker": s_h, "vacancy": v_h, "week": w}))
    cat = lambda parts: (pd.concat(parts, ignore_index=True) if parts
                         else pd.DataFrame({"seeker": pd.Series(dtype=int), "vacancy": pd.Series(dtype=int),
                                            "week": pd.Series(dtype=int)}))
    return Market(city=city, weeks=weeks, split=split, open_vac=open_vac, arrival=arrival, seeker_arrival=s_arrival,
                  hires=cat(hires), applications=cat(apps), remaining_at_split=remaining_at_split,
                  u_det=u_det, a_det=a_det, group=group)


# --------------------------------------------------------------------------- export as set folders


def export_period(market: Market, which: str, out_dir: str | Path) -> Path:
    """Write the period as a set folder (seekers.csv, vacancies.csv, qrels.json) for ranking/tune.

    Only the period's active seekers and open posts are written; expiry dates
    are blanked because the market, not the calendar, decides which posts are open.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seek, vac, h = market.period(which)
    c = market.city
    s = c.seekers.iloc[seek]
    v = c.vacancies.iloc[vac].copy()
    v["expires_on"] = ""
    s.to_csv(out / "seekers.csv", index=False)
    v.to_csv(out / "vacancies.csv", index=False)
    sid = c.seeker_truth["seeker_id"].to_numpy()
    vid = c.vacancy_truth["vacancy_id"].to_numpy()
    qrels = {str(sid[a]): {str(vid[b]): 1} for a, b in zip(h["seeker"], h["vacancy"])}
    (out / "qrels.json").write_text(json.dumps(qrels, ensure_ascii=False, indent=0), encoding="utf-8")
    return out


# --------------------------------------------------------------------------- evaluation


def expected_hires(lists: np.ndarray, p: np.ndarray, openings: np.ndarray) -> float:
    """Expected hires when each seeker sees their list (see benchmarks/README.md).

    lists [n, k] post positions (-1 = empty); p [n, n_posts] hidden hire
    probabilities; openings [n_posts]. A seeker is hired at most once (their
    probabilities are scaled down when they sum above 1) and a post hires at
    most its openings: ``sum_j min(openings_j, sum_i p~_ij)``.
    """
    n, k = lists.shape
    ok = lists >= 0
    rows = np.repeat(np.arange(n), k)[ok.ravel()]
    cols = lists.ravel()[ok.ravel()].astype(np.int64)
    pij = p[rows, cols]
    per_seeker = np.bincount(rows, weights=pij, minlength=n)
    pij = pij / np.maximum(1.0, per_seeker[rows])
    demand = np.bincount(cols, weights=pij, minlength=len(openings))
    return float(np.minimum(openings, demand).sum())


def _top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row top-k positions (score desc, position asc) and scores; -1 / -inf padding for -inf scores."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, part, 1)
    o = np.lexsort((part, -vals), axis=1)
    idx, vals = np.take_along_axis(part, o, 1), np.take_along_axis(vals, o, 1)
    idx = np.where(np.isfinite(vals), idx, -1)
    return idx, vals


def _group_metrics(qrels: M.Qrels, run: M.Run, groups: dict[str, str], k: int) -> dict[str, dict[str, float]]:
    per = M.evaluate_run(qrels, run, k, per_query=True)
    names = [f"ndcg@{k}", f"recall@{k}", "mrr"]
    out = {"overall": {nm: float(np.mean(list(per[nm].values()))) for nm in names}}
    out["overall"]["n"] = len(qrels)
    for gname in GROUPS:
        qs = [q for q in qrels if groups.get(q) == gname]
        if qs:
            out[gname] = {nm: float(np.mean([per[nm][q] for q in qs])) for nm in names}
            out[gname]["n"] = len(qs)
        else:
            out[gname] = {nm: float("nan") for nm in names} | {"n": 0}
    return out


def _engine(city: City, files: dict[str, Path], settings: Any):
    from matcher.market import build_market

    return build_market(files["seekers"], files["vacancies"], settings=settings, reference_date=city.as_of).matcher


def evaluate_market(market: Market, settings: Any = None, k: int = 10, capacity: bool = True,
                    methods: tuple[str, ...] = ("engine", "tfidf", "rapidfuzz")) -> dict[str, Any]:
    """Ranking metrics per period and group, expected hires and congestion (JSON-ready dict)."""
    city = market.city
    n = len(city.seeker_truth)
    sid = city.seeker_truth["seeker_id"].astype(str).to_numpy()
    vid = city.vacancy_truth["vacancy_id"].astype(str).to_numpy()
    groups = dict(zip(sid, market.group))
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = write_city(city, Path(tmp))
        scorers: dict[str, Any] = {}
        if "engine" in methods:
            t0 = time.perf_counter()
            m = _engine(city, files, settings)
            spos = {s: i for i, s in enumerate(m.seekers_["seeker_id"].astype(str))}
            vpos = {v: i for i, v in enumerate(m.vacancies_["vacancy_id"].astype(str))}
            e_s = np.array([spos[s] for s in sid])
            e_v = np.array([vpos[v] for v in vid])
            scorers["engine"] = lambda rows, cols: m.score_block(e_s[rows], e_v[cols])
            timings["engine_fit"] = round(time.perf_counter() - t0, 2)
        if "tfidf" in methods:
            tf = TfidfAllCells(analyzer="auto").fit(city.seekers.iloc[:n], city.vacancies.iloc[:len(vid)])
            scorers["tfidf"] = lambda rows, cols: tf.score_block(rows, cols)
        if "rapidfuzz" in methods:
            sq = np.array(seeker_query_text(city.seekers.iloc[:n]), dtype=object)
            vq = np.array(vacancy_query_text(city.vacancies.iloc[:len(vid)]), dtype=object)
            scorers["rapidfuzz"] = lambda rows, cols: rapidfuzz_scores(sq[rows], vq[cols])
    p_all = market.hire_probability()
    out: dict[str, Any] = {"periods": {}, "expected_hires": {}, "congestion": {}}
    for which in ("early", "late"):
        seek, vac, h = market.period(which)
        qrels = {sid[a]: {vid[b]: 1} for a, b in zip(h["seeker"], h["vacancy"])}
        q_rows = np.array(sorted(set(h["seeker"].tolist())), dtype=np.int64)
        res_p: dict[str, Any] = {"n_hires": len(qrels), "n_seekers": len(seek), "n_posts": len(vac)}
        for name, fn in scorers.items():
            t0 = time.perf_counter()
            if not len(q_rows):
                continue
            sc = fn(q_rows, vac)
            run = M.run_from_matrix(sc, sid[q_rows].tolist(), vid[vac].tolist(), depth=100)
            res_p[name] = _group_metrics(qrels, run, groups, k)
            timings[f"{name}_{which}"] = round(time.perf_counter() - t0, 2)
        out["periods"][which] = res_p
    # expected hires and congestion over the test period: every active seeker sees a top-k list
    seek, vac, _ = market.period("late")
    openings = market.remaining_at_split[vac].astype(float)
    p = p_all[np.ix_(seek, vac)]
    rng = np.random.default_rng(0)
    lists: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    wide: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, fn in scorers.items():
        sc = np.vstack([fn(seek[a:a + 1000], vac) for a in range(0, len(seek), 1000)])
        wide[name] = _top(sc, 3 * k)
        lists[name] = (wide[name][0][:, :k], wide[name][1][:, :k])
    lists["oracle"] = _top(p, k)
    rnd = rng.random(p.shape)
    lists["random"] = (_top(rnd, k)[0], np.ones((len(seek), k)))
    try:
        from matcher.batch.capacity import capacity_lists, congestion_metrics
    except ImportError:
        capacity_lists = congestion_metrics = None
    cap_note = None
    if capacity and capacity_lists is not None and "engine" in wide:
        cols, scs = wide["engine"]
        cr = capacity_lists(np.where(cols >= 0, cols, 0).astype(np.int64), scs, np.maximum(openings, 1), k)
        lists["engine_capacity"] = (cr.cols.astype(np.int64), cr.scores)
    elif capacity:
        cap_note = "matcher.batch.capacity not available: plain lists only"
    for name, (cols, scs) in lists.items():
        out["expected_hires"][name] = round(expected_hires(cols, p, openings), 1)
        if congestion_metrics is not None:
            cm = congestion_metrics(cols, np.where(cols >= 0, np.nan_to_num(scs, nan=0.0, neginf=0.0), np.nan), len(vac))
            out["congestion"][name] = {x: cm[x] for x in ("coverage", "gini_exposure", "top1pct_share", "max_exposure")}
    out["expected_hires"]["n_active_seekers"] = int(len(seek))
    out["expected_hires"]["openings"] = int(openings.sum())
    if cap_note:
        out["expected_hires"]["note"] = cap_note
    out["timings"] = timings
    return out


def run(n_seekers: int = 4000, n_vacancies: int = 1600, weeks: int = 8, seed: int = 11, settings: Any = None,
        k: int = 10, export: Path | None = None) -> dict[str, Any]:
    """Generate, simulate and evaluate; returns the JSON-ready result."""
    t0 = time.perf_counter()
    city = generate_city(n_seekers, n_vacancies, seed=seed, dirty=False, n_outcomes=0)
    market = simulate_market(city, weeks=weeks, seed=seed)
    t_sim = time.perf_counter() - t0
    res = evaluate_market(market, settings=settings, k=k)
    if export is not None:
        export_period(market, "early", Path(export) / "sim_early")
        export_period(market, "late", Path(export) / "sim_late")
    h = market.hires
    hired_groups = pd.Series(market.group[h["seeker"].to_numpy()]).value_counts().to_dict()
    res["market"] = {
        "seekers": n_seekers, "vacancies": n_vacancies, "open_posts": int(market.open_vac.sum()),
        "openings": int(city.vacancy_truth["openings"].to_numpy()[market.open_vac].sum()),
        "weeks": weeks, "split_week": market.split, "seed": seed,
        "applications": int(len(market.applications)), "hires": int(len(h)),
        "hires_by_group": {g: int(hired_groups.get(g, 0)) for g in GROUPS},
        "seekers_by_group": {g: int((market.group == g).sum()) for g in GROUPS},
        "simulate_seconds": round(t_sim, 2),
    }
    res["seconds"] = round(time.perf_counter() - t0, 2)
    res["k"] = k
    return res


def format_report(res: dict[str, Any]) -> str:
    """Readable tables: metrics per period/method/group, expected hires, congestion."""
    mk = res["market"]
    lines = [f"market: {mk['seekers']} seekers, {mk['open_posts']} open posts ({mk['openings']} openings), "
             f"{mk['weeks']} weeks (test from week {mk['split_week']}); {mk['applications']} applications, "
             f"{mk['hires']} hires {mk['hires_by_group']}"]
    k = res["k"]
    for which, label in (("early", "dev (early weeks)"), ("late", "test (later weeks)")):
        per = res["periods"][which]
        lines.append(f"\n{label}: {per['n_hires']} hires, {per['n_posts']} posts")
        lines.append(f"{'method':<11}{'group':<15}{'n':>6}{'ndcg@' + str(k):>10}{'recall@' + str(k):>11}{'mrr':>8}")
        for name in ("engine", "tfidf", "rapidfuzz"):
            if name not in per:
                continue
            for g in ("overall",) + GROUPS:
                r = per[name][g]
                lines.append(f"{name:<11}{g:<15}{r['n']:>6}{r[f'ndcg@{k}']:>10.3f}{r[f'recall@{k}']:>11.3f}{r['mrr']:>8.3f}")
    eh = res["expected_hires"]
    lines.append(f"\nexpected hires, test period, each of {eh['n_active_seekers']} active seekers sees a top-{k} "
                 f"({eh['openings']} openings):")
    cg = res.get("congestion", {})
    lines.append(f"{'list':<17}{'hires':>8}{'coverage':>10}{'gini':>7}{'top1%':>7}")
    for name, val in eh.items():
        if name in ("n_active_seekers", "openings", "note"):
            continue
        c = cg.get(name, {})
        lines.append(f"{name:<17}{val:>8.1f}{c.get('coverage', float('nan')):>10.3f}"
                     f"{c.get('gini_exposure', float('nan')):>7.3f}{c.get('top1pct_share', float('nan')):>7.3f}")
    if "note" in eh:
        lines.append(eh["note"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description="Simulated city with weekly applications and hires.")
    ap.add_argument("--seekers", type=int, default=4000)
    ap.add_argument("--vacancies", type=int, default=1600)
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--settings", default=None, help="engine settings: JSON file or JSON text")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--export", type=Path, default=None, help="also write sim_early/ and sim_late/ set folders here")
    ap.add_argument("--smoke", action="store_true", help="tiny market (400 seekers, 120 posts, 4 weeks)")
    a = ap.parse_args(argv)
    if a.smoke:
        a.seekers, a.vacancies, a.weeks = 400, 120, 4
    settings = a.settings
    if settings is not None:
        settings = json.loads(settings) if settings.lstrip().startswith("{") else Path(settings)
    res = run(a.seekers, a.vacancies, a.weeks, a.seed, settings, a.k, a.export)
    res["smoke"] = bool(a.smoke)
    print(format_report(res))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=2, ensure_ascii=False, default=float), encoding="utf-8")
    return res


if __name__ == "__main__":
    main()
