"""The fitted classifier arrays are cached on disk (npz, no pickle) and reused."""
from __future__ import annotations

import numpy as np

from matcher.occupations.coder import OccupationCoder


def test_cache_is_written_reused_and_survives_corruption(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path))
    titles = ["电焊工", "叉车司机", "保洁员", "养老护理员"]
    first = OccupationCoder().fit(None).predict(titles, 3)
    files = list(tmp_path.glob("coder-svm-*.npz"))
    assert len(files) == 1
    again = OccupationCoder().fit(None).predict(titles, 3)
    assert again == first
    files[0].write_bytes(b"not an npz")
    refit = OccupationCoder().fit(None).predict(titles, 3)
    assert refit == first
    # other parameters never reuse the same arrays
    OccupationCoder(C=0.5).fit(None)
    assert len(list(tmp_path.glob("coder-svm-*.npz"))) == 2


def test_cache_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    c = OccupationCoder().fit(None)
    assert np.isfinite(c.classifier_coef_).all()
    assert not list(tmp_path.rglob("coder-svm-*.npz"))
