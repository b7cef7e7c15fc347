"""Shared test setup: msshim answers ``import mindspore``; reference samples live in ../shared."""
from __future__ import annotations

import pathlib
import sys

import pytest

import msshim

msshim.install_as_mindspore()

REPO = pathlib.Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "reference" / "samples"
FIXTURES = REPO / "tests" / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))  # the MindSpore-API networks in tests/fixtures/nets.py


@pytest.fixture(scope="session")
def samples() -> pathlib.Path:
    """Files real MindSpore 2.10 wrote (../shared/reference/samples beside the repository)."""
    if not SAMPLES.is_dir():
        pytest.skip(f"reference samples not found at {SAMPLES}")
    return SAMPLES


def pytest_collection_modifyitems(config, items):
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="no CUDA device on this machine")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line("markers", "cuda: needs a CUDA GPU (skipped without one)")


def load_fixture_script(relative: str, mode: str | None = None):
    """Import a fixture script (tests/fixtures/<relative>) by path: they are scripts run by the oracle, not a
    package.  ``mode`` is the command-line mode for scripts that read it from ``sys.argv`` at import time."""
    import importlib.util

    path = FIXTURES / relative
    saved = sys.argv
    if mode is not None:
        sys.argv = [path.name, mode]
    try:
        spec = importlib.util.spec_from_file_location(f"_fixture_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.argv = saved
    return module
