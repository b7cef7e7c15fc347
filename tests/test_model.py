"""``mindspore.train.Model``: train / eval / fit / predict against real MindSpore 2.10 runs.

Fixtures: tests/fixtures/train/make_train.py (real MindSpore) wrote train.json and the ms/*.ckpt files; the
same network, data and recording callbacks (tests/fixtures/train/train_nets.py) run here on msshim.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import pathlib
import re
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent / "fixtures" / "train"
sys.path.insert(0, str(HERE))

import mindspore as ms  # noqa: E402
from mindspore import nn, Tensor, load_checkpoint, load_param_into_net  # noqa: E402
from mindspore.train import (Model, ModelCheckpoint, CheckpointConfig, LossMonitor, TimeMonitor,  # noqa: E402
                             History, EarlyStopping, LearningRateScheduler, ReduceLROnPlateau)

import train_nets as T  # noqa: E402

FX = json.loads((HERE / "train.json").read_text())
RTOL = 1e-4


def capture(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        result = fn()
    return result, [re.sub(r"\d+\.\d{3} ms", "<t> ms", line) for line in buf.getvalue().splitlines()]


def losses(rec):
    return [s["loss"] for s in rec.steps]


def assert_losses(got, want, rtol=RTOL):
    assert len(got) == len(want)
    np.testing.assert_allclose(got, want, rtol=rtol)


_LOSS_LINE = re.compile(r"^epoch: (\d+) step: (\d+), loss is (\S+)$")


def assert_lines(got, want, rtol=RTOL):
    """Same lines; the loss values of LossMonitor lines within ``rtol``, Eval-result dicts within ``rtol``."""
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        mg, mw = _LOSS_LINE.match(g), _LOSS_LINE.match(w)
        if mw:
            assert mg and mg.group(1, 2) == mw.group(1, 2), (g, w)
            np.testing.assert_allclose(float(mg.group(3)), float(mw.group(3)), rtol=rtol)
        elif w.startswith("Eval result: "):
            head_g, dict_g = g.split(", metrics: ")
            head_w, dict_w = w.split(", metrics: ")
            assert head_g == head_w
            dg, dw = eval(dict_g), eval(dict_w)  # noqa: S307 - a printed dict of floats
            assert dg.keys() == dw.keys()
            for k in dw:
                np.testing.assert_allclose(dg[k], dw[k], rtol=rtol)
        else:
            assert g == w


def strip_loss(steps):
    return [{k: v for k, v in s.items() if k != "loss"} for s in steps]


# ------------------------------------------------------------------------------------------ the main run
@pytest.fixture(scope="module")
def main_run(tmp_path_factory):
    """make_train.run_main on msshim: train(2) with two ModelCheckpoints, LossMonitor, TimeMonitor."""
    tmp = str(tmp_path_factory.mktemp("ckpt"))
    net = T.make_net()
    model = Model(net, T.make_loss(), T.make_optimizer(net), metrics={'accuracy', 'loss'})
    cfg = CheckpointConfig(save_checkpoint_steps=2, keep_checkpoint_max=2,
                           append_info=["epoch_num", "step_num", {"tag": 7}])
    ck_net = ModelCheckpoint(prefix="net", directory=tmp, config=cfg)
    ck_res = ModelCheckpoint(prefix="resnet50", directory=tmp)
    rec, old = T.Recorder(tmp), T.OldStyle()
    _, lines = capture(lambda: model.train(2, T.train_dataset(),
                                           callbacks=[ck_net, ck_res, LossMonitor(), TimeMonitor(), rec, old]))
    return dict(tmp=tmp, net=net, model=model, ck_net=ck_net, ck_res=ck_res, rec=rec, old=old, lines=lines,
                training_after=bool(net.training))


def test_networks_built_as_mindspore(main_run):
    model, net = main_run["model"], main_run["net"]
    assert [p.name for p in model.train_network.get_parameters()] == FX["train_network_params"]
    assert type(model.train_network).__name__ == FX["train_network_type"]
    assert type(model.eval_network).__name__ == FX["eval_network_type"]
    assert (model.predict_network is net) == FX["predict_network_is_net"]


def test_train_losses_and_loss_monitor_lines(main_run):
    assert_losses(losses(main_run["rec"]), [s["loss"] for s in FX["train"]["steps"]])
    assert_lines(main_run["lines"], FX["train"]["lines"])


def test_callback_order_and_cb_params(main_run):
    rec = main_run["rec"]
    assert rec.events == FX["train"]["events"]
    assert rec.keys == FX["train"]["keys"]
    assert strip_loss(rec.steps) == strip_loss(FX["train"]["steps"])
    assert main_run["old"].events == FX["train"]["old_style"]
    assert main_run["training_after"] == FX["train"]["net_training_after"]


def test_checkpoint_files_over_time(main_run):
    """Names, save policy, keep_checkpoint_max pruning (oldest first), no -graph.meta (PyNative)."""
    assert main_run["rec"].dirs == FX["train"]["dirs"]
    assert sorted(os.listdir(main_run["tmp"])) == FX["train"]["final_dir"]
    assert os.path.basename(main_run["ck_net"].latest_ckpt_file_name) == FX["train"]["latest_net"]
    assert os.path.basename(main_run["ck_res"].latest_ckpt_file_name) == FX["train"]["latest_resnet50"]


@pytest.mark.parametrize("name", ["net-2_3.ckpt", "resnet50-2_3.ckpt"])
def test_checkpoint_contents(main_run, name):
    """Names, dtypes, shapes and order as MindSpore's; values (net + optimizer state) close to its file."""
    mine = load_checkpoint(os.path.join(main_run["tmp"], name))
    theirs = load_checkpoint(str(HERE / "ms" / name))
    assert [[k, str(p.dtype), list(p.shape)] for k, p in mine.items()] == FX["ckpt"][name]
    for k in theirs:
        np.testing.assert_allclose(mine[k].asnumpy(), theirs[k].asnumpy(), rtol=1e-4, atol=1e-5, err_msg=k)


def test_checkpoint_bytes_identical_for_equal_values(tmp_path):
    """Loaded with MindSpore's values (net + optimizer), the train network saved by ModelCheckpoint at
    epoch 2 step 3 is MindSpore's file byte for byte (order, dtypes, append_info)."""
    param_dict = load_checkpoint(str(HERE / "ms" / "net-2_3.ckpt"))
    net = T.TinyNet()
    opt = T.make_optimizer(net)
    load_param_into_net(net, param_dict)
    load_param_into_net(opt, param_dict)
    model = Model(net, T.make_loss(), opt)
    cfg = CheckpointConfig(save_checkpoint_steps=2, keep_checkpoint_max=2,
                           append_info=["epoch_num", "step_num", {"tag": 7}])
    ck = ModelCheckpoint(prefix="net", directory=str(tmp_path), config=cfg)
    cb = ms.train.callback._InternalCallbackParam(cur_step_num=6, batch_num=3, cur_epoch_num=2,
                                                  train_network=model.train_network)
    ck.step_end(ms.train.RunContext(cb))
    assert sorted(os.listdir(tmp_path)) == ["net-2_3.ckpt"]
    assert (tmp_path / "net-2_3.ckpt").read_bytes() == (HERE / "ms" / "net-2_3.ckpt").read_bytes()


# ------------------------------------------------------------------------------------------ eval / predict
def test_eval(main_run):
    model, net = main_run["model"], main_run["net"]
    erec, eold = T.Recorder(), T.OldStyle()
    result, lines = capture(lambda: model.eval(T.eval_dataset(), callbacks=[erec, eold]))
    want = FX["eval"]
    assert result.keys() == want["result"].keys()
    for k in want["result"]:
        np.testing.assert_allclose(result[k], want["result"][k], rtol=RTOL)
    assert lines == want["lines"]
    assert erec.events == want["events"] and erec.keys == want["keys"] and eold.events == want["old_style"]
    assert [{k: v for k, v in s.items() if k != "loss"} for s in erec.eval_steps] == \
        [{k: v for k, v in s.items() if k != "loss"} for s in want["steps"]]
    np.testing.assert_allclose([s["loss"] for s in erec.eval_steps], [s["loss"] for s in want["steps"]], rtol=RTOL)
    assert bool(net.training) == want["net_training_after"]

    _, _, xe, _ = T.arrays()
    np.testing.assert_allclose(model.predict(Tensor(xe[:4])).asnumpy(), FX["predict"], rtol=RTOL, atol=1e-5)
    assert bool(net.training) == FX["net_training_after_predict"]

    # ... then one more epoch of the same Model (LossMonitor every 2 steps) continues where training stopped
    crec = T.Recorder()
    _, clines = capture(lambda: model.train(1, T.train_dataset(), callbacks=[LossMonitor(2), crec]))
    assert_losses(losses(crec), FX["continue"]["losses"])
    assert_lines(clines, FX["continue"]["lines"])


def resume(path):
    """Seed 003's transfer-training flow: checkpoint -> fresh net and optimizer -> Model.train."""
    param_dict = load_checkpoint(str(path))
    net = T.TinyNet()
    opt = T.make_optimizer(net)
    r_net = load_param_into_net(net, param_dict)
    r_opt = load_param_into_net(opt, param_dict)
    rec = T.Recorder()
    Model(net, T.make_loss(), opt).train(1, T.train_dataset(), callbacks=[rec])
    return {"losses": losses(rec), "load_net": [sorted(x) for x in r_net], "load_opt": [sorted(x) for x in r_opt]}


def test_resume_from_mindspore_checkpoint():
    got = resume(HERE / "ms" / "net-2_3.ckpt")
    assert got["load_net"] == FX["resume"]["load_net"] and got["load_opt"] == FX["resume"]["load_opt"]
    assert_losses(got["losses"], FX["resume"]["losses"])
    # resuming equals continuing: the checkpoint holds the whole training state (moments, global_step)
    assert_losses(got["losses"], FX["continue"]["losses"])


def test_resume_from_own_checkpoint(main_run):
    assert_losses(resume(os.path.join(main_run["tmp"], "net-2_3.ckpt"))["losses"], FX["resume"]["losses"])


def test_msshim_checkpoint_resumes_in_mindspore():
    """make_train.py loaded msshim's committed checkpoint (make_msshim_ckpt.py) into real MindSpore."""
    got = FX.get("msshim_ckpt")
    assert got is not None, "run make_msshim_ckpt.py (msshim) then make_train.py (MindSpore)"
    assert got["names"] == [n for n, _, _ in FX["ckpt"]["net-2_3.ckpt"]]
    assert got["dtypes"] == [d for _, d, _ in FX["ckpt"]["net-2_3.ckpt"]]
    assert got["max_abs_diff_vs_mindspore"] < 1e-5
    assert got["load_net"] == FX["resume"]["load_net"] and got["load_opt"] == FX["resume"]["load_opt"]
    assert_losses(got["losses"], FX["resume"]["losses"])
    # and the committed file is what msshim writes today
    again = resume(HERE / "msshim" / "net-2_3.ckpt")
    assert_losses(again["losses"], got["losses"])


# ------------------------------------------------------------------------------------------ variants
def test_request_stop():
    net = T.make_net()
    rec = T.Recorder()
    Model(net, T.make_loss(), T.make_optimizer(net)).train(2, T.train_dataset(), callbacks=[T.StopAt(4), rec])
    assert rec.events == FX["stop"]["events"] and len(rec.steps) == FX["stop"]["n_steps"]


def test_fit_with_history():
    net = T.make_net()
    model = Model(net, T.make_loss(), T.make_optimizer(net), metrics={'accuracy', 'loss'})
    rec, hist = T.Recorder(), History()
    _, lines = capture(lambda: model.fit(2, T.train_dataset(), T.eval_dataset(),
                                         callbacks=[LossMonitor(), rec, hist]))
    want = FX["fit"]
    assert_lines(lines, want["lines"])
    assert rec.events == want["events"]
    assert_losses(losses(rec), want["losses"])
    assert [s["training"] for s in rec.eval_steps] == [s["training"] for s in want["eval_steps"]]
    np.testing.assert_allclose([s["loss"] for s in rec.eval_steps], [s["loss"] for s in want["eval_steps"]],
                               rtol=RTOL)
    assert hist.epoch == want["epoch"]
    assert hist.history.keys() == want["history"].keys()
    for k, v in want["history"].items():
        np.testing.assert_allclose([float(x) for x in hist.history[k]], v, rtol=RTOL)


def test_early_stopping():
    net = T.make_net()
    model = Model(net, T.make_loss(), T.make_optimizer(net), metrics={'accuracy'})
    es = EarlyStopping(monitor="accuracy", patience=1, verbose=True)
    rec = T.Recorder()
    _, lines = capture(lambda: model.fit(4, T.train_dataset(), T.eval_dataset(), callbacks=[es, rec]))
    want = FX["early_stopping"]
    assert lines == want["lines"]
    assert es.stopped_epoch == want["stopped_epoch"] and len(rec.steps) == want["n_steps"]
    np.testing.assert_allclose(float(es.best), want["best"], rtol=RTOL)


def test_prefix_renamed_when_files_exist(main_run):
    """A second ModelCheckpoint with prefix "net" in the same directory writes net_1-*.ckpt."""
    tmp = main_run["tmp"]
    net = T.make_net()
    ck = ModelCheckpoint(prefix="net", directory=tmp, config=CheckpointConfig(save_checkpoint_steps=3))
    before = set(os.listdir(tmp))
    Model(net, T.make_loss(), T.make_optimizer(net)).train(1, T.train_dataset(), callbacks=[ck])
    assert sorted(set(os.listdir(tmp)) - before) == FX["rename"]["new_files"]
    assert os.path.basename(ck.latest_ckpt_file_name) == FX["rename"]["latest"]


def test_network_without_loss_fn_takes_all_columns():
    net = T.make_net()
    rec = T.Recorder()
    model = Model(nn.WithLossCell(net, T.make_loss()), optimizer=T.make_optimizer(net))
    model.train(1, T.train_dataset(), callbacks=[rec])
    assert type(model.train_network).__name__ == FX["no_loss_fn"]["train_network_type"]
    assert_losses(losses(rec), FX["no_loss_fn"]["losses"])


def test_sink_mode_runs_the_host_loop_as_mindspore_cpu():
    net = T.make_net()
    rec = T.Recorder()
    _, lines = capture(lambda: Model(net, T.make_loss(), T.make_optimizer(net)).train(
        1, T.train_dataset(), callbacks=[rec, LossMonitor()], dataset_sink_mode=True, sink_size=2))
    want = FX["sink"]
    assert_losses(losses(rec), want["losses"])
    assert_lines(lines, want["lines"])
    assert strip_loss(rec.steps) == strip_loss(want["steps"])


def test_initial_epoch_and_reused_loss_monitor():
    net = T.make_net()
    model = Model(net, T.make_loss(), T.make_optimizer(net))
    lm, rec = LossMonitor(2), T.Recorder()
    _, lines = capture(lambda: model.train(3, T.train_dataset(), callbacks=[lm, rec], initial_epoch=1))
    _, lines2 = capture(lambda: model.train(1, T.train_dataset(), callbacks=[lm]))
    want = FX["initial_epoch"]
    assert_lines(lines, want["lines"])
    assert_lines(lines2, want["lines_second_call"])
    assert strip_loss(rec.steps) == strip_loss(want["steps"])


class LogitsLabel(nn.Cell):
    def __init__(self, net):
        super().__init__(auto_prefix=False)
        self.net = net

    def construct(self, x, y):
        return self.net(x), y


def test_custom_eval_networks():
    net = T.make_net()
    ev = nn.WithEvalCell(net, T.make_loss())
    model = Model(net, T.make_loss(), T.make_optimizer(net), metrics={"accuracy", "loss"}, eval_network=ev,
                  eval_indexes=[0, 1, 2])
    for got, want in ((model.eval(T.eval_dataset()), FX["eval_indexes"]),
                      (Model(net, metrics={"accuracy"}, eval_network=LogitsLabel(net)).eval(T.eval_dataset()),
                       FX["eval_no_indexes"])):
        assert got.keys() == want.keys()
        for k in want:
            np.testing.assert_allclose(got[k], want[k], rtol=RTOL)


def test_fit_valid_frequency_list_and_model_without_optimizer():
    net = T.make_net()
    rec = T.Recorder()
    Model(net, T.make_loss(), T.make_optimizer(net), metrics={"accuracy"}).fit(
        3, T.train_dataset(), T.eval_dataset(), valid_frequency=[1, 3], callbacks=[rec])
    assert rec.events == FX["valid_frequency"]["events"]

    net = T.make_net()
    rec = T.Recorder()
    model = Model(net, T.make_loss())
    model.train(2, T.train_dataset(), callbacks=[rec])
    want = FX["no_optimizer"]
    assert type(model.train_network).__name__ == want["train_network_type"]
    assert rec.steps[0]["types"] == want["types"]
    assert_losses(losses(rec), want["losses"])


def test_loss_scale_manager_goes_to_amp():
    from mindspore.amp import FixedLossScaleManager
    net = T.make_net()
    opt = nn.Momentum(net.trainable_params(), T.LR, T.MOMENTUM, loss_scale=1024.0)
    rec = T.Recorder()
    model = Model(net, T.make_loss(), opt, loss_scale_manager=FixedLossScaleManager(1024.0, False))
    _, lines = capture(lambda: model.train(1, T.train_dataset(), callbacks=[rec, LossMonitor()]))
    want = FX["loss_scale"]
    assert type(model.train_network).__name__ == want["train_network_type"]
    assert rec.steps[0]["net_outputs_type"] == want["net_outputs_type"]
    assert_losses(losses(rec), want["losses"])
    assert_lines(lines, want["lines"])


def test_learning_rate_callbacks():
    net = T.make_net()
    opt = T.make_optimizer(net)
    rec = T.Recorder()
    Model(net, T.make_loss(), opt).train(2, T.train_dataset(), callbacks=[
        LearningRateScheduler(lambda lr, step: lr * 0.5 if step % 2 == 0 else lr), rec])
    assert_losses(losses(rec), FX["lr_scheduler"]["losses"])
    assert float(opt.learning_rate.asnumpy()) == FX["lr_scheduler"]["lr"]

    net = T.make_net()
    opt = T.make_optimizer(net)
    rec = T.Recorder()
    _, lines = capture(lambda: Model(net, T.make_loss(), opt).train(3, T.train_dataset(), callbacks=[
        ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, verbose=True, min_delta=0.5), rec]))
    assert lines == FX["reduce_lr"]["lines"]
    assert_losses(losses(rec), FX["reduce_lr"]["losses"])
    assert float(opt.learning_rate.asnumpy()) == FX["reduce_lr"]["lr"]


def test_exception_save_writes_breakpoint_checkpoint(tmp_path):
    net = T.make_net()
    ck = ModelCheckpoint(prefix="exc", directory=str(tmp_path / "exc"),
                         config=CheckpointConfig(save_checkpoint_steps=5, exception_save=True))
    with pytest.raises(RuntimeError, match="stop here"):
        Model(net, T.make_loss(), T.make_optimizer(net)).train(1, T.train_dataset(), callbacks=[ck, T.FailAt(2)])
    want = FX["exception_save"]
    assert want["error"] == "ERROR: RuntimeError: stop here"
    assert sorted(os.listdir(tmp_path / "exc")) == want["files"]
    saved = load_checkpoint(str(tmp_path / "exc" / "exc-1_2_breakpoint.ckpt"))
    assert [[k, str(p.dtype), list(p.shape)] for k, p in saved.items()] == want["ckpt"]


def test_callable_prefix_and_time_monitor_data_time(tmp_path):
    net = T.make_net()
    ck = ModelCheckpoint(prefix=lambda cb: "p%d" % cb.cur_step_num, directory=str(tmp_path),
                         config=CheckpointConfig(keep_checkpoint_max=2))
    _, lines = capture(lambda: Model(net, T.make_loss(), T.make_optimizer(net)).train(
        1, T.train_dataset(), callbacks=[ck, TimeMonitor(data_time=True)]))
    want = FX["callable_prefix"]
    assert sorted(os.listdir(tmp_path)) == want["files"]
    assert os.path.basename(ck.latest_ckpt_file_name) == want["latest"]
    assert lines == want["time_lines"]


def test_train_mode_switches_with_shared_backbone():
    """train() puts the backbone in training mode, eval()/predict() in inference mode, and a later train()
    switches back (BatchNorm uses batch statistics only while training)."""
    net = T.make_net()
    model = Model(net, T.make_loss(), T.make_optimizer(net), metrics={"accuracy"})
    _, _, xe, _ = T.arrays()
    model.predict(Tensor(xe[:2]))
    assert not net.training
    model.train(1, T.train_dataset())
    assert net.training and model.train_network.training
    model.eval(T.eval_dataset())
    assert not net.training
    rec = T.Recorder()
    model.train(1, T.train_dataset(), callbacks=[rec])
    assert all(s["training"] == [True, True] for s in rec.steps)


# ------------------------------------------------------------------------------------------ errors
def _reuse():
    net = T.make_net()
    d = T.train_dataset()
    Model(net, T.make_loss(), T.make_optimizer(net)).train(1, d)
    Model(net, T.make_loss(), T.make_optimizer(net)).train(1, d)


def _error_cases():
    from mindspore.amp import FixedLossScaleManager
    net = T.make_net()
    loss, opt = T.make_loss(), T.make_optimizer(net)
    x, y, _, _ = T.arrays()
    three = lambda: ms.dataset.NumpySlicesDataset({"a": x, "b": y, "c": y}, shuffle=False).batch(8)  # noqa: E731
    one = lambda: ms.dataset.NumpySlicesDataset({"a": x}, shuffle=False).batch(8)  # noqa: E731
    return {
        "eval_without_metrics": lambda: Model(net, loss, opt).eval(T.eval_dataset()),
        "metrics_without_loss_or_eval_network": lambda: Model(net, metrics={"accuracy"}),
        "amp_without_optimizer": lambda: Model(net, loss, amp_level="O2"),
        "bad_kwarg": lambda: Model(net, loss, opt, foo=1),
        "eval_indexes_bad": lambda: Model(net, loss, opt, metrics={"accuracy"}, eval_network=nn.WithEvalCell(net, loss),
                                          eval_indexes=[0, 1]),
        "initial_epoch_ge_epoch": lambda: Model(net, loss, opt).train(2, T.train_dataset(), initial_epoch=2),
        "epoch_zero": lambda: Model(net, loss, opt).train(0, T.train_dataset()),
        "epoch_float": lambda: Model(net, loss, opt).train(1.5, T.train_dataset()),
        "sink_size_zero": lambda: Model(net, loss, opt).train(1, T.train_dataset(), sink_size=0),
        "sink_size_float": lambda: Model(net, loss, opt).train(1, T.train_dataset(), sink_size=1.5),
        "sink_mode_not_bool": lambda: Model(net, loss, opt).train(1, T.train_dataset(), dataset_sink_mode=1),
        "three_columns_with_loss_fn": lambda: Model(net, loss, opt).train(1, three()),
        "three_columns_no_loss_fn": lambda: Model(nn.WithLossCell(net, loss), None, opt).train(1, three()),
        "one_column_no_loss_fn": lambda: Model(nn.WithLossCell(net, loss), None, opt).train(1, one()),
        "three_columns_eval": lambda: Model(net, loss, opt, metrics={"accuracy"}).eval(three()),
        "callbacks_not_callback": lambda: Model(net, loss, opt).train(1, T.train_dataset(), callbacks=[1]),
        "callbacks_int": lambda: Model(net, loss, opt).train(1, T.train_dataset(), callbacks=1),
        "fit_valid_without_metrics": lambda: Model(net, loss, opt).fit(1, T.train_dataset(), T.eval_dataset()),
        "fit_old_style_callback": lambda: Model(net, loss, opt, metrics={"accuracy"}).fit(
            1, T.train_dataset(), callbacks=[T.OldStyle()]),
        "dataset_reused_by_other_model": _reuse,
        "network_not_cell": lambda: Model(1),
        "predict_numpy": lambda: Model(net).predict(x),
        "predict_empty": lambda: Model(net).predict(Tensor(np.zeros((0, 1, 6, 6), np.float32))),
        "predict_backend_bad": lambda: Model(net).predict(Tensor(x), backend="x"),
        "loss_scale_manager_without_optimizer": lambda: Model(net, loss, loss_scale_manager=FixedLossScaleManager()),
        "fit_valid_frequency_bad": lambda: Model(net, loss, opt, metrics={"accuracy"}).fit(
            1, T.train_dataset(), T.eval_dataset(), valid_frequency=1.5),
    }


_ERROR_CASES = ("eval_without_metrics", "metrics_without_loss_or_eval_network", "amp_without_optimizer", "bad_kwarg",
                "eval_indexes_bad", "initial_epoch_ge_epoch", "epoch_zero", "epoch_float", "sink_size_zero", "sink_size_float",
                "sink_mode_not_bool", "three_columns_with_loss_fn", "three_columns_no_loss_fn",
                "one_column_no_loss_fn", "three_columns_eval", "callbacks_not_callback", "callbacks_int",
                "fit_valid_without_metrics", "fit_old_style_callback", "dataset_reused_by_other_model",
                "network_not_cell", "predict_numpy", "predict_empty", "predict_backend_bad",
                "loss_scale_manager_without_optimizer", "fit_valid_frequency_bad")


@pytest.mark.parametrize("case", _ERROR_CASES)
def test_errors_as_mindspore(case):
    """Same exception type and message as MindSpore (a printed set is compared sorted)."""
    want = FX["errors"][case]
    assert want.startswith("ERROR: ")
    kind, msg = want[len("ERROR: "):].split(": ", 1)
    with pytest.raises(Exception) as info:
        _error_cases()[case]()
    assert type(info.value).__name__ == kind
    got = str(info.value).splitlines()[0]
    got = re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", got)
    assert got == msg


def test_dataset_helper():
    from mindspore.train import DatasetHelper, connect_network_with_dataset
    want = FX["dataset_helper"]
    helper = DatasetHelper(T.train_dataset(), dataset_sink_mode=False, epoch_num=2)
    assert [[[list(t.shape) for t in row] for row in helper] for _ in range(2)] == want["epochs"]
    assert [type(row).__name__ for row in DatasetHelper(T.train_dataset(), False)] == want["types"]

    def err(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the exception is the result
            return "ERROR: %s: %s" % (type(e).__name__, str(e).splitlines()[0])
        return "no error"
    assert err(lambda: helper.sink_size()) == want["sink_size_non_sink"]
    assert err(lambda: DatasetHelper(T.train_dataset(), False, sink_size=0)) == want["sink_size_zero"]
    assert err(lambda: DatasetHelper(T.train_dataset(), False, sink_size=1.5)) == want["sink_size_float"]
    assert err(lambda: connect_network_with_dataset(T.TinyNet(), helper)) == want["connect_non_sink"]
