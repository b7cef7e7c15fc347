"""``mindspore.train.Model``: train / eval / fit / predict against real MindSpore 2.10 runs.

Fixtures: tests/fixtures/train/make_train.py (real MindSpore) wrote train.json and the ms/*.ckpt files; its
runs (``*_run``, ``checkpointed_training`` ...), on the same network, data and recording callbacks
(tests/fixtures/train/train_nets.py), run here unchanged on msshim.
"""
from __future__ import annotations

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
from mindspore import Tensor, load_checkpoint, load_param_into_net  # noqa: E402
from mindspore.train import Model, ModelCheckpoint, CheckpointConfig  # noqa: E402

import make_train as M  # noqa: E402
import train_nets as T  # noqa: E402
from make_train import losses, resume  # noqa: E402

FX = json.loads((HERE / "train.json").read_text())
RTOL = 1e-4


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
    return M.checkpointed_training(str(tmp_path_factory.mktemp("ckpt")))


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
    got = M.eval_predict_continue(main_run["net"], main_run["model"])
    result, want = got["eval"]["result"], FX["eval"]
    assert result.keys() == want["result"].keys()
    for k in want["result"]:
        np.testing.assert_allclose(result[k], want["result"][k], rtol=RTOL)
    assert got["eval"]["lines"] == want["lines"]
    assert got["eval"]["events"] == want["events"] and got["eval"]["keys"] == want["keys"] and \
        got["eval"]["old_style"] == want["old_style"]
    assert strip_loss(got["eval"]["steps"]) == strip_loss(want["steps"])
    np.testing.assert_allclose([s["loss"] for s in got["eval"]["steps"]], [s["loss"] for s in want["steps"]],
                               rtol=RTOL)
    assert got["eval"]["net_training_after"] == want["net_training_after"]

    np.testing.assert_allclose(got["predict"], FX["predict"], rtol=RTOL, atol=1e-5)
    assert got["net_training_after_predict"] == FX["net_training_after_predict"]

    # ... then one more epoch of the same Model (LossMonitor every 2 steps) continues where training stopped
    assert_losses(got["continue"]["losses"], FX["continue"]["losses"])
    assert_lines(got["continue"]["lines"], FX["continue"]["lines"])


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
    got = M.stop_run()
    assert got["events"] == FX["stop"]["events"] and got["n_steps"] == FX["stop"]["n_steps"]


def test_fit_with_history():
    got, want = M.fit_run(), FX["fit"]
    assert_lines(got["lines"], want["lines"])
    assert got["events"] == want["events"]
    assert_losses(got["losses"], want["losses"])
    assert [s["training"] for s in got["eval_steps"]] == [s["training"] for s in want["eval_steps"]]
    np.testing.assert_allclose([s["loss"] for s in got["eval_steps"]], [s["loss"] for s in want["eval_steps"]],
                               rtol=RTOL)
    assert got["epoch"] == want["epoch"]
    assert got["history"].keys() == want["history"].keys()
    for k, v in want["history"].items():
        np.testing.assert_allclose(got["history"][k], v, rtol=RTOL)


def test_early_stopping():
    got, want = M.early_stopping_run(), FX["early_stopping"]
    assert got["lines"] == want["lines"]
    assert got["stopped_epoch"] == want["stopped_epoch"] and got["n_steps"] == want["n_steps"]
    np.testing.assert_allclose(got["best"], want["best"], rtol=RTOL)


def test_prefix_renamed_when_files_exist(main_run):
    """A second ModelCheckpoint with prefix "net" in the same directory writes net_1-*.ckpt."""
    got = M.rename_run(main_run["tmp"])
    assert got["new_files"] == FX["rename"]["new_files"]
    assert got["latest"] == FX["rename"]["latest"]


def test_network_without_loss_fn_takes_all_columns():
    got = M.no_loss_fn_run()
    assert got["train_network_type"] == FX["no_loss_fn"]["train_network_type"]
    assert_losses(got["losses"], FX["no_loss_fn"]["losses"])


def test_sink_mode_runs_the_host_loop_as_mindspore_cpu():
    got, want = M.sink_run(), FX["sink"]
    assert_losses(got["losses"], want["losses"])
    assert_lines(got["lines"], want["lines"])
    assert strip_loss(got["steps"]) == strip_loss(want["steps"])


def test_initial_epoch_and_reused_loss_monitor():
    got, want = M.initial_epoch_run(), FX["initial_epoch"]
    assert_lines(got["lines"], want["lines"])
    assert_lines(got["lines_second_call"], want["lines_second_call"])
    assert strip_loss(got["steps"]) == strip_loss(want["steps"])


def test_custom_eval_networks():
    runs = M.custom_eval_runs()
    for name in ("eval_indexes", "eval_no_indexes"):
        got, want = runs[name], FX[name]
        assert got.keys() == want.keys()
        for k in want:
            np.testing.assert_allclose(got[k], want[k], rtol=RTOL)


def test_fit_valid_frequency_list_and_model_without_optimizer():
    assert M.valid_frequency_run()["events"] == FX["valid_frequency"]["events"]

    got, want = M.no_optimizer_run(), FX["no_optimizer"]
    assert got["train_network_type"] == want["train_network_type"]
    assert got["types"] == want["types"]
    assert_losses(got["losses"], want["losses"])


def test_loss_scale_manager_goes_to_amp():
    got, want = M.loss_scale_run(), FX["loss_scale"]
    assert got["train_network_type"] == want["train_network_type"]
    assert got["net_outputs_type"] == want["net_outputs_type"]
    assert_losses(got["losses"], want["losses"])
    assert_lines(got["lines"], want["lines"])


def test_learning_rate_callbacks():
    got = M.lr_scheduler_run()
    assert_losses(got["losses"], FX["lr_scheduler"]["losses"])
    assert got["lr"] == FX["lr_scheduler"]["lr"]

    got = M.reduce_lr_run()
    assert got["lines"] == FX["reduce_lr"]["lines"]
    assert_losses(got["losses"], FX["reduce_lr"]["losses"])
    assert got["lr"] == FX["reduce_lr"]["lr"]


def test_exception_save_writes_breakpoint_checkpoint(tmp_path):
    got, want = M.exception_save_run(str(tmp_path)), FX["exception_save"]
    assert got["error"] == want["error"] == "ERROR: RuntimeError: stop here"
    assert got["files"] == want["files"]
    assert got["ckpt"] == want["ckpt"]


def test_callable_prefix_and_time_monitor_data_time(tmp_path):
    got, want = M.callable_prefix_run(str(tmp_path)), FX["callable_prefix"]
    assert got["files"] == want["files"]
    assert got["latest"] == want["latest"]
    assert got["time_lines"] == want["time_lines"]


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
_ERROR_CASES = list(M.model_error_cases())


@pytest.mark.parametrize("case", _ERROR_CASES)
def test_errors_as_mindspore(case):
    """Same exception type and message as MindSpore (a printed set is compared sorted)."""
    want = FX["errors"][case]
    assert want.startswith("ERROR: ")
    kind, msg = want[len("ERROR: "):].split(": ", 1)
    with pytest.raises(Exception) as info:
        M.model_error_cases()[case]()
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
    err = M.err
    assert err(lambda: helper.sink_size()) == want["sink_size_non_sink"]
    assert err(lambda: DatasetHelper(T.train_dataset(), False, sink_size=0)) == want["sink_size_zero"]
    assert err(lambda: DatasetHelper(T.train_dataset(), False, sink_size=1.5)) == want["sink_size_float"]
    assert err(lambda: connect_network_with_dataset(T.TinyNet(), helper)) == want["connect_non_sink"]
