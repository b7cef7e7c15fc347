"""``msshim.ops`` against real MindSpore 2.10: every expression in ``tests/fixtures/ops/ops.json`` (recorded by
``tests/fixtures/ops/make_ops.py`` under the MindSpore environment) is evaluated with msshim and must give the
same values (1e-5 relative), shapes and dtype strings, or raise the same exception type."""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

import msshim as ms
from msshim import Tensor, ops
from msshim.common import dtype as mstype

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "ops", "ops.json")
with open(FIXTURE) as _f:
    _DATA = json.load(_f)
RECORDS = _DATA["records"]


def _scope() -> dict:
    scope = {"ops": ops, "Tensor": Tensor, "mstype": mstype, "np": np, "mindspore": ms}
    exec(_DATA["setup"], scope)
    return scope


SCOPE = _scope()


def encode(value):
    """The same record format as make_ops.encode, for msshim values."""
    if isinstance(value, Tensor):
        arr = value.float().asnumpy() if str(value.dtype) == "BFloat16" else value.asnumpy()
        data = arr.astype(np.float64).reshape(-1).tolist() if arr.dtype.kind in "fc" else arr.reshape(-1).tolist()
        if arr.dtype.kind == "b":
            data = [bool(v) for v in data]
        return {"kind": "tensor", "dtype": str(value.dtype), "shape": list(arr.shape), "data": data}
    if isinstance(value, (tuple, list)):
        return {"kind": type(value).__name__, "items": [encode(v) for v in value]}
    if isinstance(value, mstype.Type):
        return {"kind": "dtype", "value": str(value)}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return {"kind": "py", "type": type(value).__name__, "value": value}
    if isinstance(value, np.generic):
        return {"kind": "py", "type": type(value.item()).__name__, "value": value.item()}
    raise TypeError(f"cannot encode {type(value)}")


def compare(got: dict, want: dict, where: str = "") -> None:
    assert got["kind"] == want["kind"], f"{where}: kind {got['kind']} != {want['kind']}"
    kind = want["kind"]
    if kind == "tensor":
        assert got["dtype"] == want["dtype"], f"{where}: dtype {got['dtype']} != {want['dtype']}"
        assert got["shape"] == want["shape"], f"{where}: shape {got['shape']} != {want['shape']}"
        g = np.asarray(got["data"], dtype=np.float64)
        w = np.asarray(want["data"], dtype=np.float64)
        rtol = 1e-3 if want["dtype"] in ("Float16", "BFloat16") else 1e-5
        assert np.allclose(g, w, rtol=rtol, atol=rtol * 0.1, equal_nan=True), \
            f"{where}: values differ, max abs diff {np.nanmax(np.abs(g - w)) if g.size else 0}\n got {g[:8]}\nwant {w[:8]}"
    elif kind in ("tuple", "list"):
        assert len(got["items"]) == len(want["items"]), f"{where}: length {len(got['items'])} != {len(want['items'])}"
        for i, (g, w) in enumerate(zip(got["items"], want["items"])):
            compare(g, w, f"{where}[{i}]")
    elif kind == "dtype":
        assert got["value"] == want["value"], f"{where}: {got['value']} != {want['value']}"
    else:
        assert got["type"] == want["type"], f"{where}: type {got['type']} != {want['type']}"
        if isinstance(want["value"], float):
            assert math.isclose(got["value"], want["value"], rel_tol=1e-5, abs_tol=1e-6), where
        else:
            assert got["value"] == want["value"], f"{where}: {got['value']} != {want['value']}"


@pytest.mark.parametrize("record", RECORDS, ids=[r["expr"][:90] for r in RECORDS])
def test_against_mindspore(record):
    expr = record["expr"]
    if "error" in record:
        with pytest.raises(Exception) as info:
            eval(expr, SCOPE)
        assert type(info.value).__name__ == record["error"], \
            f"{expr}: raised {type(info.value).__name__}: {info.value} (MindSpore: {record['error']}: {record['message']})"
        return
    compare(encode(eval(expr, SCOPE)), record["result"], expr)


def test_fixture_size():
    assert len(RECORDS) >= 200
