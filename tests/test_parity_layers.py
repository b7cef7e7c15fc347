"""msshim layers vs real MindSpore 2.10 (fixtures from tests/fixtures/make_fixtures.py).

Per case (tests/fixtures/data/manifest.json):
  test_params   parameters_and_names(): names, param.name, shapes, dtype strings, requires_grad, order
  test_repr     str(cell) equals MindSpore's (object addresses normalised)
  test_forward  weights loaded with param.set_data(Tensor(w)), same inputs; outputs (structure, shapes, dtypes,
                values within 1e-5 * max(1, |ref|max)); parameters after the forward (train-mode cases, and
                eval cases whose forward updates moving statistics)
"""
import json
import os
import sys

import numpy as np
import pytest

msshim = pytest.importorskip("msshim")
msshim.install_as_mindspore()

import mindspore as ms  # noqa: E402
from mindspore import nn, ops, Tensor, Parameter  # noqa: E402,F401
import mindspore.common.dtype as mstype  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
DATA = os.path.join(FIXTURES, "data")
if FIXTURES not in sys.path:
    sys.path.insert(0, FIXTURES)

import nets  # noqa: E402
from parity_helpers import norm_repr, flatten_outputs, close, tolerance_for, exception_matches  # noqa: E402

with open(os.path.join(DATA, "manifest.json")) as _f:
    MANIFEST = json.load(_f)
CASES = list(MANIFEST)


def build(entry):
    return eval(entry["ctor"], {"nn": nn, "ms": ms, "mstype": mstype, "np": np, "ops": ops, "nets": nets})


def param_record(cell):
    return [[n, p.name, [int(s) for s in p.shape], str(p.dtype), bool(p.requires_grad)]
            for n, p in cell.parameters_and_names()]


def load_npz(case_id):
    path = os.path.join(DATA, case_id + ".npz")
    if not os.path.exists(path):
        return {}
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def skip_if_backend(entry):
    if entry.get("backend_limitation"):
        pytest.skip("MindSpore CPU wheel could not run this (%s)" % entry["error"])


def expect_ctor_error(entry):
    """Cases whose constructor fails in MindSpore 2.10: msshim must raise the same exception type."""
    with pytest.raises(Exception) as info:
        build(entry)
    assert exception_matches(info.value, entry["error_type"]), \
        "expected %s, got %r" % (entry["error"], info.value)


@pytest.mark.parametrize("case_id", CASES)
def test_params(case_id):
    entry = MANIFEST[case_id]
    if entry.get("error_stage") == "ctor":
        expect_ctor_error(entry)
        return
    cell = build(entry)
    assert param_record(cell) == entry["params"]


@pytest.mark.parametrize("case_id", CASES)
def test_repr(case_id):
    entry = MANIFEST[case_id]
    if entry.get("error_stage") == "ctor":
        expect_ctor_error(entry)
        return
    cell = build(entry)
    cell.set_train(entry["train"])
    # after install_as_mindspore() msshim *is* mindspore: a default object repr naming msshim's module path
    # (e.g. weight_init=<msshim.common.initializer.HeUniform object at 0x..>) counts as mindspore's
    assert norm_repr(str(cell)).replace("<msshim.", "<mindspore.") == entry["repr"]


def make_call(entry, npz):
    """Rebuild the call's args/kwargs. Leaves are npz keys ('x0', ...) - a key used twice (self-attention
    q = k = v) gives the same Tensor object -, nested lists are tuples, {'literal': v} is a plain value."""
    tensors = {}

    def leaf(st):
        if isinstance(st, list):
            return tuple(leaf(s) for s in st)
        if isinstance(st, dict):
            return st["literal"]
        if st not in tensors:
            tensors[st] = Tensor(npz[st])
        return tensors[st]

    return [leaf(s) for s in entry["inputs"]], {k: leaf(s) for k, s in entry["kwargs"].items()}


def load_weights(cell, entry, npz):
    if entry["weights_stored"]:
        weights = {k[2:]: v for k, v in npz.items() if k.startswith("w.")}
    else:
        weights = nets.fill_arrays([(p[0], p[2]) for p in entry["params"]], entry["seed"])
    names = [n for n, _ in cell.parameters_and_names()]
    assert sorted(names) == sorted(weights), "parameter names differ; see test_params"
    for n, p in cell.parameters_and_names():
        p.set_data(Tensor(weights[n]))


def _check_array(ours_t, ref, label, errs):
    ours = ours_t.asnumpy() if str(ours_t.dtype) != "BFloat16" else ours_t.astype(mstype.float32).asnumpy()
    if list(ours.shape) != list(ref.shape):
        errs.append("%s: shape %s != %s" % (label, list(ours.shape), list(ref.shape)))
        return
    if np.issubdtype(ref.dtype, np.floating):
        m = close(ours, ref, tolerance_for(str(ours_t.dtype)))
        if m:
            errs.append("%s: %s" % (label, m))
    elif not np.array_equal(ours, ref):
        errs.append("%s: values differ" % label)


@pytest.mark.parametrize("case_id", CASES)
def test_forward(case_id):
    entry = MANIFEST[case_id]
    skip_if_backend(entry)
    if entry.get("error_stage") == "ctor":
        expect_ctor_error(entry)
        return
    npz = load_npz(case_id)
    cell = build(entry)
    cell.set_train(entry["train"])
    load_weights(cell, entry, npz)
    args, kwargs = make_call(entry, npz)
    if entry.get("error_stage") == "forward":
        with pytest.raises(Exception) as info:
            cell(*args, **kwargs)
        assert exception_matches(info.value, entry["error_type"]), \
            "expected %s, got %r" % (entry["error"], info.value)
        return
    out = cell(*args, **kwargs)
    flat = []
    structure = flatten_outputs(out, flat)
    assert structure == entry["output_structure"], "output structure (nesting of tuples / None)"
    errs = []
    for i, y in enumerate(flat):
        if str(y.dtype) != entry["output_dtypes"][i]:
            errs.append("y%d: dtype %s != %s" % (i, y.dtype, entry["output_dtypes"][i]))
        _check_array(y, npz["y%d" % i], "y%d" % i, errs)
    after = {k[6:]: v for k, v in npz.items() if k.startswith("after.")}
    if after:
        params = dict(cell.parameters_and_names())
        for name, ref in after.items():
            _check_array(params[name], ref, "after.%s" % name, errs)
    assert not errs, "\n".join(errs)
