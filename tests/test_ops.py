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
        assert np.allclose(g, w, rtol=rtol, atol=rtol, equal_nan=True), \
            f"{where}: values differ, max abs diff {np.nanmax(np.abs(g - w)) if g.size else 0}\n" \
            f" got {g[:8]}\nwant {w[:8]}"
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
            f"{expr}: raised {type(info.value).__name__}: {info.value} " \
            f"(MindSpore: {record['error']}: {record['message']})"
        return
    compare(encode(eval(expr, SCOPE)), record["result"], expr)


def test_fixture_size():
    assert len(RECORDS) >= 200


# ---------------------------------------------------------------------------------------------- beyond the oracle
def _np(t):
    return t.asnumpy()


def test_primitive_attributes_and_repr():
    mm = ops.MatMul(transpose_b=True)
    assert mm.transpose_b is True and mm.transpose_a is False
    assert repr(mm) == "Prim[MatMul]<transpose_a=False, transpose_b=True>"
    assert repr(ops.Add()) == "Prim[Add]"
    assert ops.Softmax(axis=0).axis == (0,)
    assert ops.ReduceMean(keep_dims=True).keep_dims is True
    assert ops.Conv2D(4, 3).kernel_size == (3, 3)
    assert isinstance(ops.Add(), ops.Primitive)


def test_strided_slice_new_axis_matches_numpy():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    out = ops.StridedSlice(new_axis_mask=2)(Tensor(a), (0, 0, 0), (2, 1, 3), (1, 1, 1))
    np.testing.assert_array_equal(_np(out), a[0:2, None, 0:3])
    out = ops.StridedSlice(ellipsis_mask=1, shrink_axis_mask=2)(Tensor(a), (0, 1), (0, 2), (1, 1))
    np.testing.assert_array_equal(_np(out), a[..., 1])


def test_assign_family_updates_parameters_in_place():
    p = ms.Parameter(Tensor(np.zeros((2, 2), np.float32)), name="p")
    torch_param = p._t
    out = ops.Assign()(p, Tensor(np.ones((2, 2), np.float32)))
    assert out is p and p._t is torch_param
    ops.AssignAdd()(p, Tensor(np.full((2, 2), 2.0, np.float32)))
    np.testing.assert_array_equal(_np(p), np.full((2, 2), 3.0))
    ops.ScatterUpdate()(p, Tensor(np.array([1], np.int32)), Tensor(np.zeros((1, 2), np.float32)))
    np.testing.assert_array_equal(_np(p), [[3.0, 3.0], [0.0, 0.0]])


def test_batchnorm_training_updates_running_statistics():
    # numbers from MindSpore 2.10: running mean 0 -> 0.1 * batch mean, var 1 -> 0.9 + 0.1 * unbiased var
    x = Tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2))
    mean = ms.Parameter(Tensor(np.zeros(3, np.float32)), name="m")
    var = ms.Parameter(Tensor(np.ones(3, np.float32)), name="v")
    out = ops.BatchNorm(is_training=True, momentum=0.1)(x, Tensor(np.ones(3, np.float32)),
                                                        Tensor(np.zeros(3, np.float32)), mean, var)
    assert len(out) == 5
    np.testing.assert_allclose(_np(mean), [0.75, 1.15, 1.55], rtol=1e-5)
    np.testing.assert_allclose(_np(var), [5.157143] * 3, rtol=1e-5)
    np.testing.assert_allclose(_np(out[3]), [7.5, 11.5, 15.5], rtol=1e-6)
    np.testing.assert_allclose(_np(out[4]), [37.25] * 3, rtol=1e-6)
    np.testing.assert_array_equal(_np(out[1]), np.zeros(3))


def test_dropout_scales_kept_values_and_returns_mask():
    ms.set_seed(1)
    x = Tensor(np.ones((200, 50), np.float32))
    y = ops.dropout(x, p=0.3)
    kept = _np(y) != 0
    assert 0.6 < kept.mean() < 0.8
    np.testing.assert_allclose(_np(y)[kept], 1 / 0.7, rtol=1e-6)
    out, mask = ops.Dropout(keep_prob=0.5)(x)
    assert str(mask.dtype) == "Float32"
    np.testing.assert_allclose(_np(out), _np(mask) * 2.0)
    assert ops.dropout(x, training=False) is x


def test_ops_are_differentiable_through_torch():
    import torch

    w = torch.randn(3, 4, requires_grad=True)
    x = Tensor(np.random.RandomState(0).randn(2, 3).astype(np.float32))
    loss = ops.mean(ops.gelu(ops.matmul(x, Tensor(w))) ** 2)
    loss._t.backward()
    assert w.grad is not None and w.grad.shape == (3, 4)


def test_ctc_log_alpha_is_consistent_with_the_loss():
    rs = np.random.RandomState(0)
    log_probs = ops.log_softmax(Tensor(rs.randn(7, 2, 5).astype(np.float32)), 2)
    targets = Tensor(np.array([[1, 2, 2], [3, 4, 0]], np.int32))
    in_len = Tensor(np.array([7, 6], np.int32))
    tgt_len = Tensor(np.array([3, 2], np.int32))
    loss, log_alpha = ops.ctc_loss(log_probs, targets, in_len, tgt_len, reduction="none")
    assert log_alpha.shape == (2, 7, 7)
    la = _np(log_alpha)
    for n, (t_n, l_n) in enumerate(((7, 3), (6, 2))):
        final = np.logaddexp(la[n, t_n - 1, 2 * l_n], la[n, t_n - 1, 2 * l_n - 1])
        np.testing.assert_allclose(-final, _np(loss)[n], rtol=1e-4)


def test_print_writes_each_input_on_its_own_line(capsys):
    ops.Print()("value:", Tensor(np.array([1.0], np.float32)))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "value:" and lines[1].startswith("Tensor(shape=[1], dtype=Float32")


def test_every_exported_name_exists_in_mindspore_ops():
    """msshim must not invent names: each public op is one MindSpore 2.10 defines (names checked at fixture time)."""
    names = set(_DATA.get("ms_names", []))
    if not names:
        pytest.skip("fixture has no MindSpore name list")
    from msshim.ops import function, operations

    ours = {n for mod in (function, operations) for n in dir(mod) if not n.startswith("_")
            and callable(getattr(mod, n)) and not n.endswith(("_func", "_ops"))}
    assert sorted(ours - names) == []
