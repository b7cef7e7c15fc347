"""Seed 003, "Loading a Model for Inference and Transfer Learning" (MindSpore docs r1.6), on msshim.

The tutorial's three code blocks run as written (the checkpoint edit is make_train.edit_as_tutorial, shared
with the generator), with ``TinyNet`` (tests/fixtures/train/train_nets.py: conv1, bn1, conv2, fc1, fc2)
standing in for ResNet50/LeNet and ``resnet50-2_3.ckpt`` — written by real MindSpore 2.10's ModelCheckpoint
after 2 epochs of 3 steps — for "resnet50-2_32.ckpt" / "lenet.ckpt".  Expected values:
tests/fixtures/train/train.json["seed003"] (make_train.run_seed, real MindSpore).
"""
from __future__ import annotations

import hashlib
import json
import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent / "fixtures" / "train"
sys.path.insert(0, str(HERE))

import make_train as M  # noqa: E402
import train_nets as T  # noqa: E402

SEED = json.loads((HERE / "train.json").read_text())["seed003"]
CKPT = str(HERE / "ms" / "resnet50-2_3.ckpt")


def ResNet50():  # noqa: N802 - the tutorial's name
    return T.TinyNet()


def create_dataset(onehot=False):
    return T.eval_dataset() if not onehot else T.train_dataset(onehot=True)


def test_load_for_inference_validation():
    from mindspore import Model, load_checkpoint
    from mindspore.nn import CrossEntropyLoss

    resnet = ResNet50()
    load_checkpoint(CKPT, net=resnet)
    dataset_eval = create_dataset()
    loss = CrossEntropyLoss()
    model = Model(resnet, loss, metrics={"accuracy"})
    acc = model.eval(dataset_eval)
    assert acc.keys() == SEED["eval_acc"].keys()
    np.testing.assert_allclose(acc["accuracy"], SEED["eval_acc"]["accuracy"], rtol=1e-6)


def test_load_for_transfer_training():
    from mindspore import Model, load_checkpoint, load_param_into_net
    from mindspore.nn import Momentum
    from mindspore.nn import SoftmaxCrossEntropyWithLogits

    param_dict = load_checkpoint(CKPT)
    resnet = ResNet50()
    opt = Momentum(resnet.trainable_params(), 0.01, 0.9)
    r_net = load_param_into_net(resnet, param_dict)
    r_opt = load_param_into_net(opt, param_dict)
    loss = SoftmaxCrossEntropyWithLogits()
    model = Model(resnet, loss, opt)
    rec = T.Recorder()
    epoch, dataset = 1, create_dataset(onehot=True)  # sparse=False: one-hot float labels
    model.train(epoch, dataset, callbacks=[rec])
    assert [sorted(x) for x in r_net] == SEED["transfer"]["load_net"]
    assert [sorted(x) for x in r_opt] == SEED["transfer"]["load_opt"]
    np.testing.assert_allclose([s["loss"] for s in rec.steps], SEED["transfer"]["losses"], rtol=1e-4)


def test_modify_and_save_checkpoint(tmp_path, capsys):
    from mindspore import load_checkpoint, save_checkpoint

    # Load the checkpoint file
    param_dict = load_checkpoint(CKPT)
    # You can view the key and value by traversing this dict
    for key, value in param_dict.items():
        print(key)
        print(value.data.asnumpy())
    printed = capsys.readouterr().out.splitlines()
    assert [line for line in printed if line in param_dict] == SEED["keys"]

    save_list = M.edit_as_tutorial(param_dict)  # del conv1.weight, new conv2.weight / fc1.bias, the save list
    save_checkpoint(save_list, str(tmp_path / "new.ckpt"))

    data = (tmp_path / "new.ckpt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED["new_sha256"]
    assert data == (HERE / "ms" / "new.ckpt").read_bytes()
    reloaded = load_checkpoint(str(tmp_path / "new.ckpt"))
    assert [[k, str(p.dtype), list(p.shape)] for k, p in reloaded.items()] == SEED["new"]


@pytest.mark.parametrize("name", ["conv2.weight", "fc1.bias"])
def test_edited_entries_hold_the_new_values(name):
    from mindspore import load_checkpoint

    value = load_checkpoint(str(HERE / "ms" / "new.ckpt"))[name].asnumpy()
    assert value.tolist() == [0 if name == "conv2.weight" else 1]
