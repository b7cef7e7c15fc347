"""``mindspore.train.callback`` objects on their own, against real MindSpore 2.10 (tests/fixtures/train)."""
from __future__ import annotations

import contextlib
import io
import json
import pathlib
import re
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent / "fixtures" / "train"
sys.path.insert(0, str(HERE))

from mindspore.train import Model, CheckpointConfig, TimeMonitor, LambdaCallback, Callback  # noqa: E402

import make_train as M  # noqa: E402
import train_nets as T  # noqa: E402

FX = json.loads((HERE / "train.json").read_text())


def capture(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        result = fn()
    return result, buf.getvalue().splitlines()


@pytest.mark.parametrize("case", list(M.LOSS_MONITOR_CASES))
def test_loss_monitor_line_and_nan_check(case):
    outputs, step = M.LOSS_MONITOR_CASES[case]
    got = M.loss_monitor_run(outputs(), step)
    assert list(got) == FX["loss_monitor"][case]


@pytest.mark.parametrize("case", sorted(M.CALLBACK_ERROR_CASES))
def test_argument_errors_as_mindspore(case):
    assert M.err(M.CALLBACK_ERROR_CASES[case]) == FX["errors"][case]


def test_checkpoint_config_policies():
    cfg = CheckpointConfig(save_checkpoint_steps=0, keep_checkpoint_max=0, save_checkpoint_seconds=10)
    policy = cfg.get_checkpoint_policy()
    assert policy.pop("saved_network") is None
    assert policy == FX["ckpt_config_policy"]
    cfg = CheckpointConfig()
    got = {k: v for k, v in cfg.get_checkpoint_policy().items() if k != "saved_network"}
    got["append_dict"] = cfg.append_dict
    assert got == FX["ckpt_config_default"]
    assert CheckpointConfig(append_info=["step_num", {"a": 1, "b": 2.5}]).append_dict == FX["ckpt_config_append"]


def test_lambda_callback_runs_at_mindspore_stages():
    """Each function runs at its stage: the order equals MindSpore's callback order (Recorder events)."""
    calls = []
    stages = ["on_train_begin", "on_train_epoch_begin", "on_train_step_begin", "on_train_step_end",
              "on_train_epoch_end", "on_train_end"]
    cb = LambdaCallback(**{s: (lambda rc, s=s: calls.append(s)) for s in stages})
    net = T.make_net()
    Model(net, T.make_loss(), T.make_optimizer(net)).train(2, T.train_dataset(), callbacks=cb)
    assert calls == FX["train"]["events"]


def test_callbacks_are_entered_and_exited():
    """Model enters every callback as a context manager around the loop (MindSpore's _CallbackManager)."""
    log = []

    class Ctx(Callback):
        def __enter__(self):
            log.append("enter")
            return self

        def __exit__(self, *err):
            log.append("exit")

        def on_train_begin(self, run_context):
            log.append("on_train_begin")

        def on_train_end(self, run_context):
            log.append("on_train_end")

    net = T.make_net()
    Model(net, T.make_loss(), T.make_optimizer(net)).train(1, T.train_dataset(), callbacks=[Ctx()])
    assert log == ["enter", "on_train_begin", "on_train_end", "exit"]


def test_time_monitor_line_format():
    """"Train epoch time: X ms, per step time: Y ms", X / Y = batch_num (MindSpore's format string)."""
    net = T.make_net()
    _, lines = capture(lambda: Model(net, T.make_loss(), T.make_optimizer(net)).train(
        1, T.train_dataset(), callbacks=[TimeMonitor()]))
    assert [re.sub(r"\d+\.\d{3} ms", "<t> ms", line) for line in lines] == \
        [line for line in FX["train"]["lines"] if "epoch time" in line][:1]
    epoch_ms, step_ms = map(float, re.findall(r"(\d+\.\d{3}) ms", lines[0]))
    assert epoch_ms / step_ms == pytest.approx(T.N_TRAIN / T.BATCH, rel=1e-2)
