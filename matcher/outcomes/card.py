"""The model card written beside a learned outcome model: ``model_card.json`` and ``model_card.md``.

It states the data window, the sizes (referrals, hires, spells, how many
censored), the validation metrics (Brier score against a constant, AUC, a
reliability table) and calibration per priority group. Priority groups are
used here for *reporting only*: they are never a model feature.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matcher.outcomes.model import HORIZON, OutcomeModel, auc, brier, ipcw_known, reliability

GROUP_NAMES = {"4045": "4045人员", "zero_employment_family": "零就业家庭", "rural_migrant": "农民工",
               "graduate": "高校毕业生", "disabled": "残疾人", "veteran": "退役军人", "none": "无重点群体"}


def _groups_of(seekers: pd.DataFrame) -> dict[str, list[str]]:
    if "priority_groups" not in seekers.columns:
        return {}
    out = {}
    for sid, g in zip(seekers["seeker_id"].astype(str), seekers["priority_groups"]):
        gl = [str(x) for x in g] if isinstance(g, (list, tuple, np.ndarray)) else []
        out[sid] = gl or ["none"]
    return out


def card_data(model: OutcomeModel, seekers: pd.DataFrame) -> dict[str, Any]:
    """Everything on the card, as plain JSON-ready values."""
    val = getattr(model, "validation_", None)
    p = model.params
    card: dict[str, Any] = {"engine_version": p["engine_version"], "features": p["features"],
                            "position_correction": p["position"], "window": p["window"], "sizes": p["sizes"],
                            "calibrated": {"hire": p["hire"]["calibration"].get("kind", "identity"),
                                           "stay": p["stay"]["calibration"].get("kind", "identity")}}
    if val is None:
        return card
    groups = _groups_of(seekers)
    h = val["hire"]
    base = float(np.mean(h["y"])) if len(h["y"]) else float("nan")
    card["hire"] = {"n": int(len(h["y"])), "hire_rate": base, "brier": brier(h["p"], h["y"]) if len(h["y"]) else None,
                    "brier_uncalibrated": brier(h["raw"], h["y"]) if len(h["y"]) else None,
                    "brier_constant": brier(np.full(len(h["y"]), base), h["y"]) if len(h["y"]) else None,
                    "auc": auc(h["p"], h["y"]) if len(h["y"]) else None,
                    "reliability": reliability(h["p"], h["y"])}
    s = val["stay"]
    known, stay, w = ipcw_known(s["duration"], s["left"])
    if known.any():
        const = float(np.average(stay[known], weights=w[known]))
        card["stay"] = {"n": int(len(known)), "n_known": int(known.sum()), "stay_rate": const,
                        "brier": brier(s["p"][known], stay[known], w[known]),
                        "brier_uncalibrated": brier(s["raw"][known], stay[known], w[known]),
                        "brier_constant": brier(np.full(int(known.sum()), const), stay[known], w[known]),
                        "reliability": reliability(s["p"][known], stay[known], w[known])}
    per: dict[str, Any] = {}
    for name in GROUP_NAMES:
        mh = np.array([name in groups.get(x, ["none"]) for x in h["seeker_id"]], bool)
        ms = np.array([name in groups.get(x, ["none"]) for x in s["seeker_id"]], bool) & known
        row: dict[str, Any] = {"label": GROUP_NAMES[name], "referrals": int(mh.sum()), "hires_known": int(ms.sum())}
        if mh.any():
            row.update(hire_predicted=float(h["p"][mh].mean()), hire_observed=float(h["y"][mh].mean()))
        if ms.any():
            row.update(stay_predicted=float(np.average(s["p"][ms], weights=w[ms])),
                       stay_observed=float(np.average(stay[ms], weights=w[ms])))
        per[name] = row
    card["per_group"] = per
    return card


def _f(x: Any, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    return f"{100 * x:.1f} %" if pct else f"{x:.4f}" if isinstance(x, float) else str(x)


def _cal(kind: str) -> str:
    return {"isotonic": "isotonic regression", "platt": "Platt scaling"}.get(kind, "NONE (validation slice too small)")


def write_card(model: OutcomeModel, seekers: pd.DataFrame, out_dir: str | Path) -> dict[str, Path]:
    """Write ``model_card.json`` and ``model_card.md`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = card_data(model, seekers)
    pj, pm = out / "model_card.json", out / "model_card.md"
    pj.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    w, sz = data["window"], data["sizes"]
    lines = [
        "# Outcome model card (结果模型说明)", "",
        f"Engine version {data['engine_version']}. Learned from events {w['first']} to {w['until']}.", "",
        "## What it predicts",
        "- **P(hire | referral)**: the chance a referral at the top of a staff list leads to a hire "
        "(logistic regression; the rank shown is a training-only feature, set to rank 1 at prediction).",
        f"- **P(still in the job at {HORIZON} days | hire)**: a piecewise-exponential survival model "
        "(0–30, 30–90, 90–180 days); spells still running are right-censored, never counted as stays or departures.",
        "- Expected lasting hire = P(hire) × P(stay 180).", "",
        "Features: the pair's comparison parts and gaps (wage shortfall, education gap, district relation, "
        "shift conflict, social insurance …) and the post's and employer's smoothed early-leaver rates. "
        "Never gender, age, ethnicity, household registration or priority groups; the groups below are for "
        "reporting only.", "",
        "## Data",
        f"- events {sz['events']}, referrals with an answer {sz['referrals']}, hires {sz['hires']}",
        f"- job spells {sz['spells']}: {sz['left']} ended, {sz['censored']} still running (censored)",
        f"- hire model: trained on {sz['hire_train']}, validated on {sz['hire_validation']} later referrals "
        f"(from {w['hire_validation_from']})",
        f"- stay model: trained on {sz['stay_train']} spells ({sz['person_periods']} spell-periods), validated on "
        f"{sz['stay_validation']} later hires (from {w['stay_validation_from']})",
        f"- calibration on the validation slice: hire {_cal(data['calibrated']['hire'])}, "
        f"stay {_cal(data['calibrated']['stay'])}", "",
    ]
    sim = model.params.get("similar") or {}
    cells = sim.get("cells") or {}
    n_group = sum(not k.startswith("*|") for k in cells)
    lines += [
        "## Staff reason (similar job spells)",
        f"The reason \"…180 天仍在岗约 X%（依据 N 段就业记录）\" gives the Kaplan-Meier share of *similar* spells "
        f"still in the job at {HORIZON} days and their number: the same occupation group (middle group) and "
        "condition gaps (pay below expectation, long commute, refused shifts, no insurance), else the same gaps "
        f"over all posts. Cells need at least {sim.get('min_spells', '?')} spells, {sim.get('min_known', '?')} of "
        f"them with a known {HORIZON}-day status; otherwise the reason gives the model's estimate and says so. "
        f"Cells kept: {n_group} occupation-group cells, {len(cells) - n_group} all-post cells "
        f"(counts and shares only, no ids).", "",
    ]
    for key, title in (("hire", "Hire model (validation)"), ("stay", f"Stay-{HORIZON} model (validation, IPCW)")):
        d = data.get(key)
        if not d:
            continue
        lines += [f"## {title}",
                  f"Brier {_f(d['brier'])} vs constant {_f(d['brier_constant'])} (before calibration "
                  f"{_f(d['brier_uncalibrated'])})" + (f"; AUC {_f(d['auc'])}" if "auc" in d else ""), "",
                  "These figures are on the validation slice the calibration was fitted on, so calibrated "
                  "figures are optimistic; out-of-time figures on generated history are in benchmarks/README.md.",
                  "",
                  "| predicted from | to | n | mean predicted | observed |", "|---|---|---|---|---|"]
        lines += [f"| {r['from']:.3f} | {r['to']:.3f} | {r['n']} | {_f(r['predicted'], True)} | {_f(r['observed'], True)} |"
                  for r in d["reliability"]]
        lines.append("")
    if "per_group" in data:
        lines += ["## Calibration per priority group (reporting only)", "",
                  "| group | referrals | hire predicted | hire observed | hires (180-day known) | stay predicted | stay observed |",
                  "|---|---|---|---|---|---|---|"]
        for g, r in data["per_group"].items():
            lines.append(f"| {r['label']} ({g}) | {r['referrals']} | {_f(r.get('hire_predicted'), True)} | "
                         f"{_f(r.get('hire_observed'), True)} | {r['hires_known']} | {_f(r.get('stay_predicted'), True)} | "
                         f"{_f(r.get('stay_observed'), True)} |")
        lines.append("")
    pm.write_text("\n".join(lines), encoding="utf-8")
    return {"json": pj, "md": pm}
