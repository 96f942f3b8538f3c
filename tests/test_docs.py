"""The project documents itself: docs/ covers the schema, links resolve, nothing points outside the repo."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher import schema

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: Documents another line of work adds to docs/ (the web UI's privacy policy, issue 15).
WRITTEN_ELSEWHERE = {DOCS / "privacy.md"}


def test_input_format_names_every_column_and_chinese_header():
    text = (DOCS / "input-format.md").read_text(encoding="utf-8")
    missing = []
    for kind, columns in schema.TABLES.items():
        for col in columns:
            if f"`{col.name}`" not in text:
                missing.append(f"{kind}.{col.name}")
            missing += [f"{kind}.{col.name}: {zh}" for zh in col.zh if zh not in text]
    assert not missing, f"docs/input-format.md does not mention: {missing}"


def test_input_format_lists_every_outcome_value():
    text = (DOCS / "input-format.md").read_text(encoding="utf-8")
    for value in schema.OUTCOMES:
        assert f"`{value}`" in text, value
    for zh in schema.OUTCOME_ZH:  # every Chinese spelling the loader accepts
        if re.search(r"[\u4e00-\u9fff]", zh):
            assert zh in text, zh


def _shipped_text_files():
    for top in ("matcher", "webui", "docs"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".md", ".html", ".j2", ".po", ".json", ".sh", ".txt",
                                                  ".toml", ".cfg", ".mako"}:
                yield path
    for name in ("README.md", "Makefile", "pyproject.toml"):
        yield ROOT / name


def test_nothing_shipped_points_outside_the_repository():
    offenders = []
    for path in _shipped_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            if "../shared" in line or re.search(r"(?<![\w/-])(SCHEMA|DOMAIN|STYLE)\.md", line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not offenders, "references to files outside the repository:\n" + "\n".join(offenders)


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", sorted(DOCS.glob("*.md")) + [ROOT / "README.md"], ids=lambda p: p.name)
def test_relative_links_resolve(doc):
    broken = []
    for target in _LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        resolved = (doc.parent / target).resolve()
        if not resolved.exists() and resolved not in WRITTEN_ELSEWHERE:
            broken.append(target)
    assert not broken, f"{doc.name}: broken links {broken}"


def test_readme_links_the_documents():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("docs/input-format.md", "docs/domain.md", "docs/architecture.md"):
        assert f"({name}" in readme, name


def _make_dry_run(target: str, tmp_path: Path) -> list[str]:
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "-C", str(ROOT), target, f"VENV={tmp_path / 'venv'}"],
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if "pip install" in line]


@pytest.mark.parametrize("target, extras", [("demo", ""), ("install", ""), ("test", "[dev,cluster,bench,postgres]"),
                                            ("bench", "[bench]")])
def test_each_make_target_installs_what_it_runs(tmp_path, target, extras):
    lines = _make_dry_run(target, tmp_path)
    assert len(lines) == 1, lines
    assert lines[0].rstrip().endswith(f"-e '.{extras}'"), lines[0]
