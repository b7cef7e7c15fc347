"""Tensor printing, overloads and operator corner cases vs REAL MindSpore 2.10.

Complements tests/test_parity_tensor.py with what its fixture leaves out (see
tests/fixtures/tensor_semantics/tensor_cases.py); the expected texts were recorded by
tests/fixtures/tensor_semantics/make_tensor_semantics.py and are compared exactly.
"""
from __future__ import annotations

import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_DIR = os.path.join(HERE, "fixtures", "tensor_semantics")
sys.path.insert(0, FIXTURE_DIR)
sys.path.insert(0, os.path.join(HERE, "fixtures"))

import make_tensor_semantics as recorder  # noqa: E402  (its helpers run the snippets on either side)

with open(os.path.join(FIXTURE_DIR, "cases.json")) as _f:
    CASES = json.load(_f)

_NAN_SIGN = ("NaN sign bit: MindSpore prints '-nan' for the negative NaNs its kernels make; msshim prints every NaN "
             "as 'nan' (torch's kernels make NaNs of other signs)")
# Where msshim deliberately differs from what MindSpore 2.10 did.
DIFFERENT = {
    "Tensor(np.array([[1, 2, 3], [4, 5, 6]], np.float32))[:, 0:2:-1]":
        "MindSpore reads memory outside the tensor for an empty negative-step slice; msshim returns the empty "
        "slice numpy gives",
    "Tensor(np.array([[1, 2, 3], [4, 5, 0]], np.float32)).any(dim=0, keepdim=True)":
        "MindSpore 2.10's CPU ReduceAny answers wrongly for float input ([[1, 2, 3], [4, 5, 0]] -> [T, F, T])",
    "5 % Tensor([3.0, -4.0, 0.0, 5.0])": _NAN_SIGN,
    "Tensor([3.0, -3.0, 0.0]) % 0": _NAN_SIGN,
}


@pytest.mark.parametrize("case", CASES, ids=[c["code"][:70] for c in CASES])
def test_tensor_semantics(case):
    if case["code"] in DIFFERENT:
        pytest.skip(DIFFERENT[case["code"]])
    assert recorder.run(case["code"]) == case["result"]
