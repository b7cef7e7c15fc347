"""``mindspore.train.callback`` objects on their own, against real MindSpore 2.10 (tests/fixtures/train)."""
from __future__ import annotations

import contextlib
import io
import json
import pathlib
import re
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent / "fixtures" / "train"
sys.path.insert(0, str(HERE))

from mindspore import Tensor  # noqa: E402
from mindspore.train import (Model, ModelCheckpoint, CheckpointConfig, LossMonitor, TimeMonitor,  # noqa: E402
                             EarlyStopping, LambdaCallback, RunContext, Callback)
from mindspore.train.callback import _InternalCallbackParam  # noqa: E402

import train_nets as T  # noqa: E402

FX = json.loads((HERE / "train.json").read_text())


def capture(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        result = fn()
    return result, buf.getvalue().splitlines()


def err(fn) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return "ERROR: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
    return "no error"


@pytest.mark.parametrize("case,outputs,step", [
    ("tuple", lambda: (Tensor(np.float32(1.5)), Tensor(False), Tensor(np.float32(1024.0))), 5),
    ("nan", lambda: Tensor(np.float32("nan")), 5),
    ("inf", lambda: Tensor(np.float32("inf")), 3),
    ("float64", lambda: Tensor(np.float64(0.1)), 5),
])
def test_loss_monitor_line_and_nan_check(case, outputs, step):
    cb = _InternalCallbackParam()
    cb.cur_epoch_num, cb.cur_step_num, cb.batch_num, cb.dataset_sink_mode = 2, step, 3, False
    cb.net_outputs = outputs()
    got = capture(lambda: err(lambda: LossMonitor().step_end(RunContext(cb))))
    assert list(got) == FX["loss_monitor"][case]


_CONFIG_ERRORS = {
    "run_context_not_dict": lambda: RunContext(1),
    "loss_monitor_negative": lambda: LossMonitor(-1),
    "loss_monitor_float": lambda: LossMonitor(1.5),
    "time_monitor_data_time_int": lambda: TimeMonitor(data_time=1),
    "ckpt_config_all_zero": lambda: CheckpointConfig(0, 0, 0, 0),
    "ckpt_config_negative_steps": lambda: CheckpointConfig(save_checkpoint_steps=-1),
    "ckpt_config_append_not_list": lambda: CheckpointConfig(append_info="epoch_num"),
    "ckpt_config_append_bad_name": lambda: CheckpointConfig(append_info=["epoch"]),
    "ckpt_config_append_bad_value": lambda: CheckpointConfig(append_info=[{"a": [1]}]),
    "ckpt_config_saved_network_bad": lambda: CheckpointConfig(saved_network=1),
    "ckpt_config_async_bad": lambda: CheckpointConfig(async_save="x"),
    "ckpt_config_enc_key_str": lambda: CheckpointConfig(enc_key="k"),
    "model_checkpoint_prefix_slash": lambda: ModelCheckpoint(prefix="a/b"),
    "model_checkpoint_prefix_int": lambda: ModelCheckpoint(prefix=1),
    "model_checkpoint_config_bad": lambda: ModelCheckpoint(config=1),
    "early_stopping_mode_bad": lambda: EarlyStopping(mode="x"),
}


@pytest.mark.parametrize("case", sorted(_CONFIG_ERRORS))
def test_argument_errors_as_mindspore(case):
    assert err(_CONFIG_ERRORS[case]) == FX["errors"][case]


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
