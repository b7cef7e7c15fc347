"""Data-parallel step time of the beginner tutorial's MLP: 1 and 2 workers, batch 64 per worker.

    /work/venv/bin/python benchmarks/bench_data_parallel.py [--steps 50] [--warmup 5] [--nprocs 1,2]
        [--mindspore-python /work/venv-ms/bin/python]

msshim workers start through ``python -m msshim run --nproc N`` (torchrun; gloo on CPU, NCCL when CUDA is there
and ``--device GPU``); with ``--mindspore-python`` the same worker also runs under real MindSpore through its
``msrun`` (CPU collectives).  Each worker: ``init()``, DATA_PARALLEL with gradients_mean, ``TrainOneStepCell``
(SGD) on random data; after ``--warmup`` steps, rank 0 times ``--steps`` steps (the loss read back each step, so
the time includes the gradient all-reduce).  It also times the ``DistributedGradReducer`` call alone on the
model's gradients (the all-reduce of ~2.7 MB of float32).  Reported: median and mean ms per step,
samples/s over all workers.  Every worker runs with ``--threads`` (OMP_NUM_THREADS, default 1) threads.

Measured 2026-11-22 (median ms/step; all-reduce = the reducer call alone):
  dev box, 2 shared CPUs:  msshim 1 worker 3.87, 2 gloo workers 8.83 (all-reduce 3.74);
                           MindSpore 2.10 (msrun, CPU) 1 worker 22.6, 2 workers 65.5 (all-reduce 26.0)
  H100 box, 16 CPUs:       msshim 1 worker 3.74, 2 gloo workers 8.24 (all-reduce 2.63); NCCL, 1 worker on the
                           GPU 1.82 (2 NCCL workers need 2 GPUs: rank 1 asks for cuda:1)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def worker(args) -> None:
    import numpy as np
    import importlib.util
    import mindspore as ms
    from mindspore import nn
    from mindspore.communication import get_group_size, get_rank, init

    if args.device == "GPU":
        ms.set_context(device_target="GPU")
    init()
    rank, world = get_rank(), get_group_size()
    ms.set_auto_parallel_context(parallel_mode=ms.ParallelMode.DATA_PARALLEL, gradients_mean=True)
    spec = importlib.util.spec_from_file_location("_bench_nets", os.path.join(REPO, "msshim", "_examples",
                                                                              "nets.py"))
    nets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(nets)
    net = nets.Network()
    loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
    train = nn.TrainOneStepCell(nn.WithLossCell(net, loss), nn.SGD(net.trainable_params(), learning_rate=0.01))
    train.set_train()
    rng = np.random.RandomState(rank)
    x = ms.Tensor(rng.uniform(0, 1, (args.batch, 1, 28, 28)).astype(np.float32))
    y = ms.Tensor(rng.randint(0, 10, (args.batch,)).astype(np.int32))
    for _ in range(args.warmup):
        train(x, y).asnumpy()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        train(x, y).asnumpy()
        times.append(time.perf_counter() - start)
    reducer_ms = None
    if world > 1:
        grads = tuple(ms.Tensor(np.ones(p.shape, np.float32)) for p in net.trainable_params())
        reducer = nn.DistributedGradReducer(net.trainable_params())
        for _ in range(3):
            reducer(grads)[0].asnumpy()
        r_times = []
        for _ in range(args.steps):
            start = time.perf_counter()
            out = reducer(grads)
            out[-1].asnumpy()
            r_times.append(time.perf_counter() - start)
        reducer_ms = statistics.median(r_times) * 1e3
    if rank == 0:
        with open(args.out, "w") as f:
            json.dump({"world": world, "median_ms": statistics.median(times) * 1e3,
                       "mean_ms": statistics.mean(times) * 1e3, "reducer_median_ms": reducer_ms,
                       "samples_per_s": world * args.batch / statistics.median(times)}, f)


def run(framework: str, nproc: int, args, python: str) -> dict:
    out_dir = tempfile.mkdtemp(prefix="bench_dp_")
    out = os.path.join(out_dir, "result.json")
    # the worker's settings travel in the environment: msrun takes abbreviations of its own options
    settings = json.dumps({"out": out, "steps": args.steps, "warmup": args.warmup, "batch": args.batch,
                           "device": args.device})
    # one thread per worker whatever N (torchrun sets OMP_NUM_THREADS=1 only when N > 1)
    env = dict(os.environ, BENCH_DP_WORKER=settings, OMP_NUM_THREADS=str(args.threads))
    script = os.path.abspath(__file__)
    if framework == "msshim":
        cmd = [python, "-m", "msshim", "run", "--nproc", str(nproc), script]
    else:
        msrun = os.path.join(os.path.dirname(python), "msrun")
        cmd = [msrun, f"--worker_num={nproc}", f"--local_worker_num={nproc}", "--master_port=29531",
               f"--log_dir={out_dir}/logs", "--join=True", script]
        env["PATH"] = os.path.dirname(python) + os.pathsep + os.environ.get("PATH", "")
    proc = subprocess.run(cmd, cwd=out_dir, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"{framework} with {nproc} workers failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    with open(out) as f:
        result = json.load(f)
    shutil.rmtree(out_dir, ignore_errors=True)
    return result


def main() -> None:
    if "BENCH_DP_WORKER" in os.environ:
        worker(argparse.Namespace(**json.loads(os.environ["BENCH_DP_WORKER"])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64, help="samples per worker and step")
    parser.add_argument("--nprocs", default="1,2")
    parser.add_argument("--device", default="CPU", choices=["CPU", "GPU"])
    parser.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS of every worker")
    parser.add_argument("--mindspore-python", default=None)
    args = parser.parse_args()
    rows = []
    for nproc in [int(n) for n in args.nprocs.split(",")]:
        rows.append(("msshim", nproc, run("msshim", nproc, args, sys.executable)))
        if args.mindspore_python:
            rows.append(("mindspore", nproc, run("mindspore", nproc, args, args.mindspore_python)))
    print(f"tutorial MLP, batch {args.batch} per worker, {args.steps} timed steps, device {args.device}, "
          f"OMP_NUM_THREADS={args.threads}, {os.cpu_count()} CPUs")
    print(f"{'framework':<10} {'workers':>7} {'median ms/step':>15} {'mean ms/step':>13} {'samples/s':>10} "
          f"{'all-reduce ms':>14}")
    for framework, nproc, r in rows:
        reduce_ms = "-" if r["reducer_median_ms"] is None else f"{r['reducer_median_ms']:.2f}"
        print(f"{framework:<10} {nproc:>7} {r['median_ms']:>15.2f} {r['mean_ms']:>13.2f} {r['samples_per_s']:>10.0f} "
              f"{reduce_ms:>14}")


if __name__ == "__main__":
    main()
