"""The sentence-encoder probe (benchmarks/encoder_probe.py) and the coder's ``text_encoder`` parameter."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import encoder_probe
from benchmarks.encoder_probe import CachedEncoder, hashed_encoder
from matcher.occupations.coder import OccupationCoder

TITLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "csco22" / "titles_dev.csv"


def test_cached_encoder_centres_normalises_and_encodes_each_text_once() -> None:
    calls: list[list[str]] = []

    def encode(texts):
        calls.append(list(texts))
        return hashed_encoder(16)(texts)

    enc = CachedEncoder(encode, ["焊工", "厨师", "焊工"])
    assert calls == [["焊工", "厨师"]]
    out = enc(["焊工", "电工", "", "电工"])
    assert calls[-1] == ["电工", ""]           # cached texts are not re-encoded
    assert np.allclose(np.linalg.norm(out[[0, 1, 3]], axis=1), 1.0, atol=1e-5)
    assert not out[2].any()                     # an empty title has no vector
    raw = hashed_encoder(16)(["焊工", "厨师"])
    assert np.allclose(enc.mean, raw.mean(axis=0))


def test_coder_rejects_a_bad_text_encoder() -> None:
    with pytest.raises(ValueError, match="callable"):
        OccupationCoder(text_encoder="e5").fit(None)
    bad = OccupationCoder(text_encoder=lambda texts: np.zeros((1, 4)))
    with pytest.raises(ValueError, match="text_encoder returned shape"):
        bad.fit(None)


@pytest.mark.skipif(not TITLES.is_file(), reason="../shared/data is not available")
def test_smoke_probe_runs_the_encoder_through_the_benchmark(tmp_path: Path, capsys) -> None:
    out = tmp_path / "probe.json"
    result = encoder_probe.main(["--titles", str(TITLES), "--smoke", "80", "--modes", "0:1", "--json", str(out)])
    rows = result["rows"]
    assert [r["mode"] for r in rows] == ["shipped (cnsyn word vectors)", "encoder 0:1"]
    for r in rows:
        assert 0.0 <= r["top1"] <= r["recall@5"] <= 1.0 and 0.0 <= r["auto_coverage_at_90"] <= 1.0
    assert result["encode_seconds_per_1000_titles"] >= 0 and result["folds"] == 2
    assert 0.0 <= result["nearest_name_top1"] <= 1.0
    assert json.loads(out.read_text(encoding="utf-8"))["rows"] == rows
    assert "| encoder 0:1 |" in capsys.readouterr().out


@pytest.mark.skipif(not TITLES.is_file(), reason="../shared/data is not available")
def test_speed_only_times_titles_the_encoder_has_not_seen() -> None:
    seen: list[str] = []

    def encode(texts):
        seen.extend(texts)
        return hashed_encoder(8)(texts)

    enc = CachedEncoder(encode)
    enc(["焊工领班"])
    seconds = encoder_probe.encode_speed(enc, ["焊工", "厨师", "焊工"], n=3)
    assert seconds >= 0
    assert seen[1:] == ["厨师领班", "焊工专员", "厨师专员"]   # never a cached or repeated title
    got = encoder_probe.main(["--titles", str(TITLES), "--smoke", "20", "--speed-only"])
    assert set(got) == {"encode_seconds_per_1000_titles"}


def test_nearest_name_takes_the_code_of_the_identical_name() -> None:
    import pandas as pd

    from matcher.occupations.taxonomy import load_taxonomy
    from matcher.occupations.titles import clean_title

    tax = load_taxonomy()
    owners: dict[str, set[str]] = {}
    for code, aliases in zip(tax["code"], tax["aliases"]):
        for text in map(clean_title, aliases):
            owners.setdefault(text, set()).add(code)
    by_code: dict[str, str] = {}
    for t, c in owners.items():
        if len(c) == 1 and len(t) >= 3:
            by_code.setdefault(next(iter(c)), t)
    unique = [(t, c) for c, t in list(by_code.items())[:6]]   # six titles of six different codes
    frame = pd.DataFrame({"job_name": [t for t, _ in unique], "expected_code": [c for _, c in unique]})
    assert encoder_probe.nearest_name_top1(frame, CachedEncoder(hashed_encoder(64))) == 1.0
    wrong = frame.assign(expected_code=frame["expected_code"].iloc[::-1].to_numpy())
    assert encoder_probe.nearest_name_top1(wrong, CachedEncoder(hashed_encoder(64))) == 0.0


@pytest.mark.skipif(not TITLES.is_file(), reason="../shared/data is not available")
def test_probe_passes_the_encoder_to_every_fold_coder() -> None:
    import pandas as pd

    from matcher.occupations.titles import clean_title

    seen: set[str] = set()

    def encode(texts):
        seen.update(texts)
        return hashed_encoder(16)(texts)

    frame = pd.read_csv(TITLES, dtype=str).head(40)
    encoder_probe.probe(frame, encode, [(0.0, 1.0)], folds=2)
    # only a fold coder fitted with the encoder encodes the training titles (the names are the centre,
    # the evaluated titles also go to the nearest-name figure)
    from matcher.occupations.coder import load_training_titles

    training = {clean_title(t) for t in load_training_titles()["job_name"]}
    others = training - {clean_title(t) for t in frame["job_name"]} - set(encoder_probe._names()[0])
    assert others & seen
