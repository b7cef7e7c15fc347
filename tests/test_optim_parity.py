"""Optimizers against real MindSpore 2.10 (tests/fixtures/optim, made by make_optim.py).

Each case trains ``TrainOneStepCell(WithLossCell(net, loss), optimizer)`` for 7 steps: the parameter and
optimizer-state names, dtypes, shapes and order, the checkpoint key order, the losses, the learning rates and
the state after 5 and 7 steps must match; reloading the 5-step state into a fresh network and optimizer with
``load_param_into_net`` must continue exactly as MindSpore did.
"""
import json
import os
import sys

import numpy as np
import pytest

from mindspore import Parameter, Tensor, load_checkpoint, load_param_into_net, nn, save_checkpoint

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "optim")
sys.path.insert(0, HERE)
import optim_cases as oc  # noqa: E402

with open(os.path.join(HERE, "optim.json")) as f:
    FIX = json.load(f)
ARRAYS = np.load(os.path.join(HERE, "optim.npz"))
CASES = [c for c, v in FIX["cases"].items() if "error" not in v]


def _skip_missing_loss(case):
    if oc.CASES[case][1] == "ce" and not hasattr(nn, "SoftmaxCrossEntropyWithLogits"):
        pytest.skip("nn.SoftmaxCrossEntropyWithLogits is not available yet")


def state(case, after):
    prefix = f"{case}|after{after}|"
    return {k[len(prefix):]: ARRAYS[k] for k in ARRAYS.files if k.startswith(prefix)}


def lr_values(v):
    if isinstance(v, list):
        return [lr_values(x) for x in v]
    return v["value"]


def to_value(v):
    if isinstance(v, Tensor):
        return v.asnumpy().tolist()
    if isinstance(v, (list, tuple)):
        return [to_value(x) for x in v]
    return v


def assert_state(cell, ref, what, atol=1e-5, rtol=1e-5):
    """Through a whole training step (forward, backward, BatchNorm) msshim's gradients differ from MindSpore's
    by float32 rounding, which Adam-style normalisation lifts to ~1e-6 absolute: hence atol 1e-5 there."""
    got = {p.name: p for _, p in cell.parameters_and_names()}
    assert list(got) == list(ref), what
    for name, value in ref.items():
        np.testing.assert_allclose(got[name].asnumpy(), value, rtol=rtol, atol=atol, err_msg=f"{what}: {name}")


@pytest.mark.parametrize("case", CASES)
def test_names_dtypes_order(case):
    _skip_missing_loss(case)
    _, opt, cell = oc.train_net(case)
    assert oc.describe(cell) == FIX["cases"][case]["train_params"]
    assert oc.describe(opt) == FIX["cases"][case]["opt_params"]


@pytest.mark.parametrize("case", CASES)
def test_training_steps(case, tmp_path):
    _skip_missing_loss(case)
    ref = FIX["cases"][case]
    _, opt, cell = oc.train_net(case)
    kind = oc.CASES[case][1]
    for step in range(oc.STEPS + oc.CONTINUE):
        loss = float(cell(*oc.batch(step, kind)).asnumpy())
        assert loss == pytest.approx(ref["losses"][step], rel=1e-4), f"step {step}"
        np.testing.assert_allclose(np.array(to_value(opt.get_lr()), np.float32),
                                   np.array(lr_values(ref["lrs"][step]), np.float32), rtol=1e-6)
        if step + 1 == oc.STEPS:
            assert_state(cell, state(case, oc.STEPS), "after 5 steps")
            path = str(tmp_path / "train.ckpt")
            save_checkpoint(cell, path)
            assert list(load_checkpoint(path)) == ref["ckpt_keys"]
    assert_state(cell, state(case, oc.STEPS + oc.CONTINUE), "after 7 steps")


@pytest.mark.parametrize("case", CASES)
def test_continue_from_loaded_state(case):
    """MindSpore's 5-step state loaded into a fresh network and optimizer continues as MindSpore did."""
    _skip_missing_loss(case)
    ref = FIX["cases"][case]
    net, opt, cell = oc.train_net(case)
    params = {name: Parameter(Tensor(value), name=name) for name, value in state(case, oc.STEPS).items()}
    load_param_into_net(net, params)
    not_loaded, _ = load_param_into_net(opt, params)
    assert not_loaded == []
    kind = oc.CASES[case][1]
    for step in range(oc.STEPS, oc.STEPS + oc.CONTINUE):
        loss = float(cell(*oc.batch(step, kind)).asnumpy())
        assert loss == pytest.approx(ref["losses"][step], rel=1e-4), f"step {step}"
    assert_state(cell, state(case, oc.STEPS + oc.CONTINUE), "continued")


# FTRL's update cancels (accum ** p differences, |linear| against l1): MindSpore's powf and torch's pow differ
# by an ulp, which grows to ~1e-5 relative over five steps.
DIRECT_TOLERANCE = {"ftrl": 1e-5, "ftrl_power": 1e-5}


@pytest.mark.parametrize("name", sorted(FIX["direct"]))
def test_update_rules(name):
    """The same 5 gradient tuples fed straight to each optimizer: parameters and state to float32 rounding."""
    ns = oc.namespace()
    ns["ps"] = oc.direct_params()
    opt = eval(oc.DIRECT[name], ns)
    for step in range(oc.STEPS):
        assert opt(oc.direct_grads(step)) == (True,) * len(opt.parameters)
    assert oc.describe(opt) == FIX["direct"][name]
    prefix = f"direct:{name}|"
    ref = {k[len(prefix):]: ARRAYS[k] for k in ARRAYS.files if k.startswith(prefix)}
    atol = DIRECT_TOLERANCE.get(name, 1e-6)
    assert_state(opt, ref, name, atol=atol, rtol=10 * atol if name in DIRECT_TOLERANCE else 1e-5)


@pytest.mark.parametrize("name", sorted(FIX["errors"]))
def test_errors(name):
    expected = FIX["errors"][name]
    code = oc.ERRORS[name]
    if expected == "OK":
        exec(compile(code, "<case>", "exec"), oc.namespace())
        return
    etype = expected.split(":")[1].strip()
    with pytest.raises(Exception) as info:
        exec(compile(code, "<case>", "exec"), oc.namespace())
    assert type(info.value).__name__ == etype, f"{code}: {info.value!r}"


@pytest.mark.parametrize("name", sorted(FIX["values"]))
def test_values(name):
    from parity_helpers import run_code

    expected = FIX["values"][name]
    if isinstance(expected, str) and expected.startswith("ERROR:"):
        with pytest.raises(Exception) as info:
            run_code(oc.VALUES[name], oc.namespace())
        assert type(info.value).__name__ == expected.split(":")[1].strip()
        return
    got = oc.to_json(run_code(oc.VALUES[name], oc.namespace()))
    assert _close(got, expected), f"{got} != {expected}"


def _close(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-6)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize("name", sorted(FIX["schedules"]))
def test_schedule_cells(name):
    from parity_helpers import run_code

    import mindspore as ms

    ref = FIX["schedules"][name]
    cell = run_code(oc.SCHEDULES[name], oc.namespace())
    vector = [float(cell(Tensor(np.array([s], np.int32))).asnumpy()[0]) for s in range(12)]
    scalar = [float(cell(Tensor(s, ms.int32)).asnumpy()) for s in range(12)]
    out = cell(Tensor(np.array([3], np.int32)))
    np.testing.assert_allclose(vector, ref["vector"], rtol=1e-6)
    np.testing.assert_allclose(scalar, ref["scalar"], rtol=1e-6)
    assert [list(out.shape), str(out.dtype)] == [ref["shape"], ref["dtype"]]


@pytest.mark.parametrize("name", sorted(FIX["dynamic"]))
def test_dynamic_lr_lists(name):
    from parity_helpers import run_code

    got = run_code(oc.DYNAMIC[name], oc.namespace())
    assert isinstance(got, list) and got == FIX["dynamic"][name]
