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
    assert json.loads(out.read_text(encoding="utf-8"))["rows"] == rows
    assert "| encoder 0:1 |" in capsys.readouterr().out
