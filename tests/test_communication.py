"""mindspore.communication and the collective primitives on torch.distributed (gloo), and ``msshim run --nproc``.

Multi-process tests start 2 CPU workers as subprocesses with a hard timeout (a hang fails the test instead of
blocking CI); the workers (tests/fixtures/distributed/*.py) write one JSON file per rank.  Expected values are
computed here with numpy from the known per-rank inputs.  Single-process behaviour is compared with the outcomes
recorded from real MindSpore 2.10 (tests/fixtures/distributed/single_process_mindspore.json).
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import ops
from mindspore.communication import GlobalComm, init

FIXTURES = Path(__file__).parent / "fixtures" / "distributed"
REPO = Path(__file__).resolve().parents[1]
NPROC = 2
HARD_TIMEOUT_S = 120
LAUNCHER_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "RANK_ID",
                 "RANK_SIZE", "DEVICE_ID", "LOCAL_RANK_SIZE", "MS_WORKER_NUM", "MS_SCHED_HOST", "MS_SCHED_PORT",
                 "MS_NODE_ID", "MS_ROLE", "MSSHIM_LAUNCHED_WORKER", "MSSHIM_DIST_TIMEOUT", "TORCHELASTIC_RUN_ID")


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in LAUNCHER_VARS}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _msshim_run(args: list, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "msshim", "run", *args], cwd=REPO, env=env or _clean_env(),
                          capture_output=True, text=True, timeout=HARD_TIMEOUT_S)
    return proc, time.monotonic() - start


def _results(out_dir: Path, proc: subprocess.CompletedProcess, nproc: int = NPROC) -> list:
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads((out_dir / f"rank{r}.json").read_text()) for r in range(nproc)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------------------------- 2 gloo workers
def test_msshim_run_nproc_rank_facts(tmp_path):
    proc, _ = _msshim_run(["--nproc", str(NPROC), str(FIXTURES / "ranks.py"), str(tmp_path)])
    for r, res in enumerate(_results(tmp_path, proc)):
        assert res["before"] == {"rank": r, "size": NPROC}  # RANK_ID / RANK_SIZE, exported as msrun does
        assert (res["rank"], res["size"], res["local_rank"], res["local_size"]) == (r, NPROC, r, NPROC)
        assert (res["backend"], res["world"], res["inited"]) == ("mccl", "mccl_world_group", True)
        assert res["env"] == {"RANK_ID": str(r), "RANK_SIZE": str(NPROC), "DEVICE_ID": str(r)}


def test_collectives_values_and_gradients(tmp_path):
    proc, _ = _msshim_run(["--nproc", str(NPROC), str(FIXTURES / "collectives.py"), str(tmp_path)])
    results = _results(tmp_path, proc)
    _check_collectives(results, NPROC)
    assert all(res["device"] == "cpu" for res in results)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA (NCCL)")
def test_collectives_on_nccl(tmp_path):
    """device_target='GPU': init() picks NCCL, each rank uses CUDA device LOCAL_RANK (one rank per GPU)."""
    n = torch.cuda.device_count()
    proc, _ = _msshim_run(["--nproc", str(n), str(FIXTURES / "collectives.py"), str(tmp_path)],
                          env=_clean_env(MSSHIM_TEST_DEVICE="GPU"))
    results = _results(tmp_path, proc, n)
    _check_collectives(results, n)
    assert [res["device"] for res in results] == [f"cuda:{r}" for r in range(n)]


def _check_collectives(results: list, n: int) -> None:
    base = np.arange(6, dtype=np.float32).reshape(3, 2)
    xs = [base + 10 * r for r in range(n)]
    ws = [base * (r + 1) for r in range(n)]
    rs_in = [np.arange(4 * n, dtype=np.float32).reshape(2 * n, 2) + 10 * r for r in range(n)]
    wg = [np.arange(6 * n, dtype=np.float32).reshape(3 * n, 2) * (r + 1) for r in range(n)]
    wr = [np.arange(4, dtype=np.float32).reshape(2, 2) * (r + 1) for r in range(n)]
    reduce = {"SUM": np.sum, "MAX": np.max, "MIN": np.min, "PROD": np.prod, "AVG": np.mean}
    prod1 = np.prod([x + 1 for x in xs], axis=0)
    for r, res in enumerate(results):
        assert (res["rank"], res["size"]) == (r, n)
        got = {k: np.asarray(v) for k, v in res.items() if k not in ("broadcast", "group_ranks", "device")}
        for op, fn in reduce.items():
            np.testing.assert_allclose(got["allreduce_" + op], fn(xs, axis=0), rtol=1e-6)
        np.testing.assert_array_equal(got["allreduce_int32"], sum(np.arange(3) + k for k in range(n)))
        np.testing.assert_array_equal(got["allgather"], np.concatenate(xs, axis=0))
        np.testing.assert_array_equal(got["reducescatter_SUM"], np.sum(rs_in, axis=0)[2 * r:2 * r + 2])
        np.testing.assert_array_equal(got["reducescatter_MAX"], np.max(rs_in, axis=0)[2 * r:2 * r + 2])
        kind, bx, bints, bdtype = res["broadcast"]
        assert kind == "tuple" and bdtype == "Int32"
        np.testing.assert_array_equal(bx, xs[n - 1])
        np.testing.assert_array_equal(bints, [n - 1, n])
        np.testing.assert_array_equal(got["cell"], np.full((2, 8), n, np.float32))
        # MindSpore's bprops (grad_comm_ops.py) applied to loss_r = sum(collective(x_r) * w_r)
        np.testing.assert_allclose(got["grad_allreduce_SUM"], np.sum(ws, axis=0))
        np.testing.assert_allclose(got["grad_allreduce_MAX"], np.sum(ws, axis=0) * (xs[r] == np.max(xs, axis=0)))
        np.testing.assert_allclose(got["grad_allreduce_PROD"], np.sum([w * prod1 for w in ws], axis=0) / (xs[r] + 1),
                                   rtol=1e-6)
        np.testing.assert_allclose(got["grad_allgather"], np.sum(wg, axis=0)[3 * r:3 * r + 3])
        np.testing.assert_allclose(got["grad_reducescatter"], np.concatenate(wr, axis=0))
        np.testing.assert_allclose(got["grad_broadcast"], ws[r])
        np.testing.assert_allclose(got["group_sum"], np.sum(xs, axis=0))
        assert res["group_ranks"] == list(range(n)) and res["group_size"] == n
        assert res["group_rank_of_world_last"] == n - 1 and res["world_rank_of_group_last"] == n - 1


@pytest.mark.parametrize("script, message", [("fail_rank1.py", "ValueError: worker one gave up"),
                                             ("fail_before_init.py", "ValueError: worker one failed before init")])
def test_failed_worker_ends_the_run(script, message):
    proc, elapsed = _msshim_run(["--nproc", str(NPROC), str(FIXTURES / script)])
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"msshim run: worker rank 1 of {NPROC} failed (exit code 1: {message})"), last
    assert elapsed < 60, elapsed


def test_stalled_peer_hits_the_collective_timeout():
    """Rank 1 is alive but never joins: rank 0's AllReduce fails after MSSHIM_DIST_TIMEOUT, rank 1 is stopped."""
    proc, elapsed = _msshim_run(["--nproc", str(NPROC), str(FIXTURES / "stall_rank1.py")],
                                env=_clean_env(MSSHIM_DIST_TIMEOUT="3"))
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"msshim run: worker rank 0 of {NPROC} failed (exit code 1: RuntimeError:"), last
    assert "Timed out" in last
    assert elapsed < 60, elapsed


def test_msrun_environment(tmp_path):
    """Workers started with MindSpore msrun's variables (no torchrun): rank 0 hosts the store at MS_SCHED_*."""
    port = _free_port()
    common = {"MS_WORKER_NUM": str(NPROC), "MS_SCHED_HOST": "127.0.0.1", "MS_SCHED_PORT": str(port),
              "RANK_SIZE": str(NPROC), "MSSHIM_DIST_TIMEOUT": "60"}
    cmd = [sys.executable, "-m", "msshim", "run", str(FIXTURES / "ranks.py"), str(tmp_path)]
    procs = [subprocess.Popen(cmd, cwd=REPO, env=_clean_env(**common, RANK_ID=str(r), DEVICE_ID=str(r),
                                                            MS_ROLE="MS_WORKER"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in range(NPROC)]
    sched = subprocess.run(cmd, cwd=REPO, env=_clean_env(**common, MS_ROLE="MS_SCHED"), capture_output=True,
                           text=True, timeout=HARD_TIMEOUT_S)
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=HARD_TIMEOUT_S))
    finally:
        for p in procs:
            p.kill()
    assert sched.returncode == 0, sched.stderr[-2000:]  # the scheduler role has nothing to do in msshim
    assert [p.returncode for p in procs] == [0] * NPROC, [err[-2000:] for _, err in outs]
    for r in range(NPROC):
        res = json.loads((tmp_path / f"rank{r}.json").read_text())
        assert (res["rank"], res["size"], res["local_rank"], res["local_size"]) == (r, NPROC, r, NPROC)


def test_init_timeout_when_a_worker_never_comes(tmp_path):
    env = _clean_env(MS_WORKER_NUM="2", MS_SCHED_HOST="127.0.0.1", MS_SCHED_PORT=str(_free_port()), RANK_ID="0",
                     MSSHIM_DIST_TIMEOUT="2")
    proc, elapsed = _msshim_run([str(FIXTURES / "ranks.py"), str(tmp_path)], env=env)
    assert proc.returncode == 1
    assert "RuntimeError: For 'init', rank 0 could not join the 2 workers at tcp://127.0.0.1:" in proc.stderr
    assert "within 2 s (MSSHIM_DIST_TIMEOUT)" in proc.stderr
    assert elapsed < 30


def test_nproc_must_be_positive():
    proc, _ = _msshim_run(["--nproc", "0", str(FIXTURES / "ranks.py")])
    assert proc.returncode == 2 and "--nproc must be a positive integer" in proc.stderr


# ------------------------------------------------------------------------------------------- single process
def _load_cases():
    sys.path.insert(0, str(FIXTURES))
    try:
        import single_process_cases
    finally:
        sys.path.remove(str(FIXTURES))
    return single_process_cases


def test_single_process_matches_mindspore(monkeypatch):
    for var in LAUNCHER_VARS:
        monkeypatch.delenv(var, raising=False)
    recorded = json.loads((FIXTURES / "single_process_mindspore.json").read_text())
    mine = json.loads(json.dumps(_load_cases().run_all()))
    assert set(mine) == set(recorded)
    for name, outcome in recorded.items():
        assert mine[name] == outcome, name
    assert GlobalComm.INITED is False


def test_get_rank_before_init_reads_the_environment(monkeypatch):
    from mindspore.communication import get_group_size, get_local_rank, get_rank

    monkeypatch.setenv("RANK_ID", "3")
    monkeypatch.setenv("RANK_SIZE", "8")
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert (get_rank(), get_group_size(), get_local_rank()) == (3, 8, 1)


def test_init_outside_a_launcher_names_the_missing_variables(monkeypatch):
    for var in LAUNCHER_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MS_WORKER_NUM", "2")
    with pytest.raises(RuntimeError) as err:
        init()
    text = str(err.value)
    assert "RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (torchrun)" in text
    assert "RANK_ID, MS_SCHED_HOST, MS_SCHED_PORT (MindSpore's msrun)" in text
    assert "msshim run --nproc N" in text
    assert GlobalComm.INITED is False


def test_primitives_before_init_raise():
    """MindSpore 2.10 segfaults when a collective runs before init(); msshim raises its not-inited error."""
    x = ms.Tensor(np.ones((2, 2), np.float32))
    calls = [lambda: ops.AllReduce()(x), lambda: ops.AllGather()(x), lambda: ops.ReduceScatter()(x),
             lambda: ops.Broadcast(0)((x,))]
    for call in calls:
        with pytest.raises(RuntimeError, match="Distributed Communication has not been inited"):
            call()


def test_bad_timeout_variable(monkeypatch):
    from msshim.communication.management import _timeout

    monkeypatch.setenv("MSSHIM_DIST_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="MSSHIM_DIST_TIMEOUT must be a number of seconds, but got 'soon'"):
        _timeout()
    monkeypatch.setenv("MSSHIM_DIST_TIMEOUT", "7.5")
    assert _timeout().total_seconds() == 7.5
    monkeypatch.delenv("MSSHIM_DIST_TIMEOUT")
    assert _timeout().total_seconds() == 300
