"""``msshim demo``: MindSpore code running on PyTorch, end to end, offline, on CPU or CUDA.

It runs unchanged MindSpore-API code (msshim/_examples/nets.py: the beginner tutorial's network and LeNet5),
shows that the parameters carry MindSpore's checkpoint names, checks the results against the same computation in
plain PyTorch modules loaded from the cell's ``state_dict()`` and times both, round-trips a checkpoint, then
exports LeNet5 to MindIR and runs the file in ``nn.GraphCell`` (onnxruntime), then trains with ``Model.train`` +
``ModelCheckpoint`` on synthetic MNIST-shaped data, resumes from the checkpoint into a fresh network and optimizer
(the save/load tutorials' flows), and converts that checkpoint to ``.pt`` with ``msshim convert`` for a plain
PyTorch model.  Each step prints one row of a summary table.
"""
from __future__ import annotations

import time

import numpy as np
import torch



def _time(fn, repeat: int = 30) -> float:
    for _ in range(3):
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def _row(step: str, result: str, ms: float | None = None) -> None:
    timing = f"{ms:9.3f} ms" if ms is not None else " " * 12
    print(f"| {step:<52} | {result:<46} | {timing} |")


def _checkpoint_round_trip(net, make_net, rng) -> int:
    """save_checkpoint -> load_checkpoint -> load_param_into_net into a fresh net: same outputs."""
    import os
    import tempfile

    import mindspore
    from mindspore import Tensor

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.ckpt")
        start = time.perf_counter()
        mindspore.save_checkpoint(net, path)
        saved = (time.perf_counter() - start) * 1e3
        _row("save_checkpoint(net, 'model.ckpt')", f"{os.path.getsize(path) / 2**20:.1f} MiB, MindSpore's format", saved)
        fresh = make_net()
        start = time.perf_counter()
        param_not_load, _ = mindspore.load_param_into_net(fresh, mindspore.load_checkpoint(path))
        loaded = (time.perf_counter() - start) * 1e3
        x = Tensor(rng.uniform(-1, 1, (4, 1, 28, 28)).astype(np.float32))
        same = np.array_equal(fresh(x).asnumpy(), net(x).asnumpy())
        _row("load_checkpoint + load_param_into_net (fresh net)", f"param_not_load={param_not_load}, "
             f"outputs {'equal' if same else 'DIFFER'}", loaded)
    return 0 if same and not param_not_load else 1


def _mindir_round_trip(net, rng) -> int:
    """The save/load tutorial's MindIR flow: export(..., file_format="MINDIR"), load, nn.GraphCell (onnxruntime)."""
    import os
    import tempfile

    import mindspore
    from mindspore import Tensor, nn

    x = Tensor(rng.uniform(-1, 1, (1, 1, 32, 32)).astype(np.float32))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lenet5")
        start = time.perf_counter()
        mindspore.export(net, x, file_name=path, file_format="MINDIR")
        took = (time.perf_counter() - start) * 1e3
        _row("export(LeNet5, x, file_format='MINDIR')", f"{os.path.getsize(path + '.mindir') / 2**10:.0f} KiB, "
             "for MindSpore 2.10 (mind_ir v3)", took)
        graph = nn.GraphCell(mindspore.load(path + ".mindir"))
    out = graph(x)
    err = float(np.abs(out.asnumpy() - net(x).asnumpy()).max())
    _row("nn.GraphCell(load('lenet5.mindir'))(x), batch 1", f"output {out.shape}, max |diff| {err:.1e}",
         _time(lambda: graph(x), repeat=200))
    return 0 if err <= 1e-5 and out.shape == (1, 10) else 1


def _synthetic_mnist(rng, n: int = 1024):
    """28x28 images whose label (0-9) is the best-matching of ten fixed patterns: learnable in a few epochs."""
    images = rng.uniform(-1, 1, (n, 1, 28, 28)).astype(np.float32)
    patterns = rng.uniform(-1, 1, (10, 28 * 28)).astype(np.float32)
    labels = (images.reshape(n, -1) @ patterns.T).argmax(1).astype(np.int32)
    return images, labels


def _train_and_resume(make_net, rng) -> int:
    """The save/load tutorial's training flow: Model.train with ModelCheckpoint, Model.eval, then seed 003's
    transfer flow (load_param_into_net into a fresh network AND optimizer, Model.train again)."""
    import os
    import tempfile

    import mindspore
    from mindspore import nn
    from mindspore.dataset import NumpySlicesDataset
    from mindspore.train import CheckpointConfig, Model, ModelCheckpoint

    images, labels = _synthetic_mnist(rng)

    def dataset():
        return NumpySlicesDataset({"image": images, "label": labels}, shuffle=False).batch(32)

    def model_for(net, opt):
        loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
        return Model(net, loss, opt, metrics={"accuracy", "loss"})

    net = make_net()
    opt = nn.Momentum(net.trainable_params(), learning_rate=0.05, momentum=0.9)
    model = model_for(net, opt)
    before = model.eval(dataset())
    with tempfile.TemporaryDirectory() as tmp:
        config = CheckpointConfig(save_checkpoint_steps=32, keep_checkpoint_max=2)
        start = time.perf_counter()
        model.train(3, dataset(), callbacks=[ModelCheckpoint(prefix="mlp", directory=tmp, config=config)])
        took = (time.perf_counter() - start) * 1e3
        after = model.eval(dataset())
        files = sorted(f for f in os.listdir(tmp) if f.endswith(".ckpt"))
        _row("Model.train 3 epochs (Momentum) + ModelCheckpoint", f"acc {before['accuracy']:.2f} -> "
             f"{after['accuracy']:.2f}, kept {len(files)}: {files[-1]}", took)
        param_dict = mindspore.load_checkpoint(os.path.join(tmp, files[-1]))
        fresh = make_net()
        fresh_opt = nn.Momentum(fresh.trainable_params(), learning_rate=0.05, momentum=0.9)
        not_loaded = mindspore.load_param_into_net(fresh, param_dict)[0]
        not_loaded += mindspore.load_param_into_net(fresh_opt, param_dict)[0]
        step = int(fresh_opt.global_step.asnumpy()[0])
        resumed = model_for(fresh, fresh_opt)
        same = resumed.eval(dataset())["accuracy"] == after["accuracy"]
        resumed.train(1, dataset())
        final = resumed.eval(dataset())
        _row("resume: load ckpt into fresh net + optimizer, train", f"global_step {step}, eval "
             f"{'equal' if same else 'DIFFERS'}, acc -> {final['accuracy']:.2f}")
        converted = _to_pytorch(os.path.join(tmp, files[-1]), net, images[:64])
    learned = after["accuracy"] > max(0.5, before["accuracy"] + 0.2)
    return 0 if learned and same and not not_loaded and step == 96 and converted else 1


def _to_pytorch(ckpt: str, net, images) -> bool:
    """``msshim convert model.ckpt model.pt --weights-only`` (the converters' CLI: msshim never imports them),
    then the .pt in a plain PyTorch model with ``strict=True``: the same outputs as the trained Cell."""
    import os
    import subprocess
    import sys

    from mindspore import Tensor

    from msshim._examples.torch_nets import TorchNetwork

    pt = os.path.splitext(ckpt)[0] + ".pt"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "msshim", "convert", ckpt, pt, "--weights-only", "--no-progress"],
                          capture_output=True, text=True)
    took = (time.perf_counter() - start) * 1e3
    if done.returncode != 0:
        _row("msshim convert model.ckpt model.pt", "FAILED: " + (done.stderr.strip().splitlines() or ["?"])[-1][:40])
        return False
    model = TorchNetwork()
    model.load_state_dict(torch.load(pt, weights_only=True), strict=True)
    with torch.no_grad():
        theirs = model(torch.from_numpy(images)).numpy()
    err = float(np.abs(net(Tensor(images)).asnumpy() - theirs).max())
    _row("msshim convert ckpt -> .pt; torch model (strict)", f"output {theirs.shape}, max |diff| {err:.1e}", took)
    return err <= 1e-5


def main(device: str = "auto") -> int:
    import msshim

    msshim.install_as_mindspore()
    import mindspore
    from mindspore import Tensor

    target = "GPU" if device == "GPU" or (device == "auto" and torch.cuda.is_available()) else "CPU"
    mindspore.set_context(device_target=target)
    print(f"msshim {msshim.MSSHIM_VERSION} (MindSpore {mindspore.__version__} API) on torch {torch.__version__}, "
          f"device {target}")
    print("| step" + " " * 49 + "| result" + " " * 41 + "| time         |")
    print("|" + "-" * 54 + "|" + "-" * 48 + "|" + "-" * 14 + "|")

    start = time.perf_counter()
    from msshim._examples import nets  # MindSpore-API code: `from mindspore import nn`

    net, lenet = nets.Network(), nets.LeNet5()
    _row("build tutorial Network + LeNet5 (MindSpore API)", "ok", (time.perf_counter() - start) * 1e3)
    names = [name for name, _ in net.parameters_and_names()]
    _row("checkpoint names of Network", f"{names[0]} ... ({len(names)} params)")

    rng = np.random.RandomState(0)
    failures = 0
    from msshim._examples.torch_nets import torch_twin

    for label, cell, shape in (("tutorial Network", net, (64, 1, 28, 28)), ("LeNet5", lenet, (32, 1, 32, 32))):
        reference = torch_twin(cell)
        cell.set_train(False)
        x = Tensor(rng.uniform(-1, 1, shape).astype(np.float32))
        ours = cell(x).asnumpy()
        with torch.no_grad():
            theirs = reference(x.to_torch()).cpu().numpy()
            t_torch = _time(lambda: reference(x.to_torch()))
        err = float(np.abs(ours - theirs).max())
        failures += err > 1e-5
        t_ms = _time(lambda: cell(x))
        _row(f"{label} forward, batch {shape[0]} (msshim)", f"output {ours.shape}, max |diff| {err:.1e}", t_ms)
        _row(f"{label} forward, batch {shape[0]} (plain torch)", f"msshim/torch = {t_ms / t_torch:.2f}x", t_torch)
    failures += _checkpoint_round_trip(net, nets.Network, rng)
    failures += _mindir_round_trip(lenet, rng)
    failures += _train_and_resume(nets.Network, rng)
    print("demo " + ("passed" if not failures else "FAILED"))
    return 1 if failures else 0
