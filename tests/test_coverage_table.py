"""README's API coverage table is what tools/coverage_table.py generates from today's code (re-run it with --write
after adding APIs)."""
from __future__ import annotations

import importlib.util
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("coverage_table", REPO / "tools" / "coverage_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_coverage_table_is_current():
    tool = _tool()
    readme = (REPO / "README.md").read_text()
    current = readme[readme.index(tool.START):readme.index(tool.END) + len(tool.END)]
    assert current == tool.table(), "README's API coverage table is stale: run `python tools/coverage_table.py --write`"


def test_every_recorded_module_is_importable_as_mindspore():
    rows = _tool().coverage()
    assert len(rows) == 15
    assert all(have > 0 for _, _, have, _ in rows)
