"""Shared fixtures."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# jsonschema (imported by nbformat) imports rfc3987_syntax, which builds ~35 Lark parsers on
# import (1–10 s), for "iri" formats no notebook schema uses; the report workers go without
# it too (pilot_eval.render._preload).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import pilot_eval as pe  # noqa: E402 — after the line above

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "minimal"
ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Callable[[], Path]:
    """Return a function that copies the minimal valid folder into tmp and returns it."""

    def make() -> Path:
        dest = tmp_path / "data"
        shutil.copytree(MINIMAL, dest)
        return dest

    return make


@pytest.fixture(scope="module")
def ds() -> pe.Dataset:
    """tests/data/minimal at its default as_of, loaded once per test module."""
    return pe.load_dataset(MINIMAL)


@pytest.fixture(scope="module")
def sample_ds() -> pe.Dataset:
    """data/sample at its default as_of, loaded once per test module; skips when not generated."""
    if not (SAMPLE / "pilots.csv").exists():
        pytest.skip("data/sample not generated yet")
    return pe.load_dataset(SAMPLE)


def edit(folder: Path, file: str, old: str | None, new: str, *, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a text file of ``folder`` (``old=None`` appends a line)."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    if old is None:
        text = text + new + "\n"
    else:
        assert old in text, f"{old!r} not in {file}"
        text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")


# Hypothesis: fixed examples in CI (a red build must mean a real change), exploration locally.
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "default")
