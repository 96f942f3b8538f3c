"""Generated markets of shapes unlike the generator's own, for determinism tests.

:func:`write_market` draws a city with :func:`matcher.generate.generate_city`
and then rewrites part of the seekers so their profiles are thin: one
colloquial skill and one experience title (no summary, no desired title), or
one rare skill no post mentions. Such profiles share almost no vocabulary with
the posts, which is where similarities of near-empty text vectors used to turn
into noise that depended on the BLAS thread count.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from matcher.generate import generate_city, write_city

#: colloquial skills as seekers write them (not the posts' wording)
COLLOQUIAL = ("烧电焊", "开叉车的", "看图纸", "会开挖机", "搬砖", "做饭好吃", "带娃", "跑腿", "看门", "会电脑打字")
#: experience titles as seekers write them
TITLES = ("杂工", "小工", "帮厨", "司机", "保安", "临时工", "打零工", "装卸", "学徒", "跟车")
#: skills no post lists and the lexicon does not know
RARE = ("修古钟", "吹唢呐", "养蜂", "刻印章", "编竹篮", "捏面人")


def thin_city(n_seekers: int, n_vacancies: int, seed: int, thin_share: float = 0.5, rare_share: float = 0.1,
              empty_share: float = 0.0):
    """A generated city whose seekers are partly rewritten to thin profiles (see the module docstring)."""
    city = generate_city(n_seekers, n_vacancies, seed=seed, dirty=False)
    rng = np.random.default_rng(seed + 1000)
    s = city.seekers.copy()
    n = len(s)
    draw = rng.random(n)
    thin = draw < thin_share
    rare = (draw >= thin_share) & (draw < thin_share + rare_share)
    empty = (draw >= thin_share + rare_share) & (draw < thin_share + rare_share + empty_share)
    s.loc[thin, "skills"] = rng.choice(COLLOQUIAL, thin.sum())
    s.loc[thin, "experience"] = [f"{t}:{y}" for t, y in zip(rng.choice(TITLES, thin.sum()),
                                                           rng.integers(1, 20, thin.sum()))]
    s.loc[rare, "skills"] = rng.choice(RARE, rare.sum())
    s.loc[rare, "experience"] = ""
    for col in ("summary", "desired_titles", "certificates"):
        s.loc[thin | rare | empty, col] = ""
    s.loc[empty, "skills"] = ""
    s.loc[empty, "experience"] = ""
    city.seekers = s
    return city


def write_market(out_dir: Path, n_seekers: int, n_vacancies: int, seed: int, **kw) -> dict[str, Path]:
    """Write :func:`thin_city` files into ``out_dir``; returns the paths of :func:`write_city`."""
    return write_city(thin_city(n_seekers, n_vacancies, seed, **kw), out_dir)
