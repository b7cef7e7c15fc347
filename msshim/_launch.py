"""``msshim run --nproc N script.py [args]``: N workers on this machine through torch's launcher (torchrun).

Each worker runs ``python -m msshim run script.py args`` (so ``import mindspore`` is msshim) with torchrun's
variables (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``) plus the ones MindSpore's
msrun exports for scripts that read them (``RANK_ID``, ``RANK_SIZE``, ``DEVICE_ID`` = local rank).

No restarts: when a worker fails, torchrun terminates the others (a worker blocked in a collective is killed
too) and the run ends with exit code 1 and one line naming the rank whose exception started the failure.
"""
from __future__ import annotations

import json
import os
import runpy
import shutil
import sys
import tempfile
import time

_WORKER_MARK = "MSSHIM_LAUNCHED_WORKER"
_ERROR_DIR = "MSSHIM_LAUNCH_ERROR_DIR"

# A worker whose collective broke because a peer died reports the peer, not the cause: such errors come second.
_PEER_LOSS = ("Connection closed by peer", "Connection reset by peer", "remote worker crashing", "Broken pipe",
              "NCCL communicator was aborted")


def _is_peer_loss(text: str) -> bool:
    return any(s in text for s in _PEER_LOSS)


def _recorded_exceptions(error_dir: str) -> list[tuple[bool, float, int, str]]:
    """The workers' own records (rank, time, ``Type: message``), sortable with the root cause first."""
    found = []
    for name in os.listdir(error_dir):
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(error_dir, name)) as f:
                rec = json.load(f)
            found.append((_is_peer_loss(rec["message"]), float(rec["time"]), int(rec["rank"]), rec["message"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a record half-written when its worker was stopped
    return sorted(found)


def _torch_failure_text(failure) -> str:
    message = failure.message
    if isinstance(message, dict):  # torch's error file: {"message": "Type: text", "extraInfo": {...}}
        message = message.get("message", "")
    if failure.exitcode < 0:
        return f"killed by signal {failure.signal_name()}"
    text = str(message).strip().splitlines()
    if not text or text[0].startswith("To enable traceback"):
        return f"exit code {failure.exitcode}"
    return f"exit code {failure.exitcode}: {text[-1]}"


def _describe(failures: dict, error_dir: str) -> tuple[int, str]:
    """(rank, text) of the failure that started it: the earliest exception a worker recorded (collective errors
    caused by a dead peer last); torch's failure records where no worker recorded one (signals, sys.exit)."""
    recorded = _recorded_exceptions(error_dir)
    if recorded:
        _, _, rank, message = recorded[0]
        failure = failures.get(rank)
        code = failure.exitcode if failure is not None and failure.exitcode > 0 else 1
        return rank, f"exit code {code}: {message}"

    def key(item):
        rank, failure = item
        return (failure.exitcode < 0 or _is_peer_loss(str(failure.message)), failure.timestamp, rank)

    rank, failure = min(failures.items(), key=key)
    return rank, _torch_failure_text(failure)


def launch(script: str, script_args: list[str], nproc: int, master_port: int | None = None) -> int:
    """Run ``script`` in ``nproc`` workers; the exit status of the whole run."""
    if nproc < 1:
        print(f"msshim run: --nproc must be a positive integer, but got {nproc}", file=sys.stderr)
        return 2
    from torch.distributed import run as torchrun
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    argv = ["--nproc-per-node", str(nproc), "--max-restarts", "0"]
    if master_port is None:
        argv.append("--standalone")  # rendezvous on a free local port
    else:
        argv += ["--nnodes", "1", "--master-addr", "127.0.0.1", "--master-port", str(master_port)]
    argv += ["--module", "msshim", "run", script, *script_args]
    error_dir = tempfile.mkdtemp(prefix="msshim-launch-")
    os.environ[_WORKER_MARK] = "1"
    os.environ[_ERROR_DIR] = error_dir
    try:
        torchrun.run(torchrun.get_args_parser().parse_args(argv))
    except ChildFailedError as err:
        rank, text = _describe(err.failures, error_dir)
        print(f"msshim run: worker rank {rank} of {nproc} failed ({text}); the other workers were stopped",
              file=sys.stderr)
        return 1
    finally:
        os.environ.pop(_WORKER_MARK, None)
        os.environ.pop(_ERROR_DIR, None)
        shutil.rmtree(error_dir, ignore_errors=True)
    return 0


def run_worker(script: str) -> None:
    """One worker: export msrun's variables, run the script, and record an exception for the launcher."""
    env = os.environ
    if env.get("RANK") is not None:
        env.setdefault("RANK_ID", env["RANK"])
    if env.get("WORLD_SIZE") is not None:
        env.setdefault("RANK_SIZE", env["WORLD_SIZE"])
    if env.get("LOCAL_RANK") is not None:
        env.setdefault("DEVICE_ID", env["LOCAL_RANK"])
    try:
        runpy.run_path(script, run_name="__main__")
    except Exception as exc:
        _record(exc)
        from torch.distributed.elastic.multiprocessing.errors import get_error_handler

        handler = get_error_handler()
        handler.initialize()
        handler.record_exception(exc)
        raise


def _record(exc: BaseException) -> None:
    """Write ``{rank, time, message}`` for the launcher (atomically: the worker may be stopped at any moment)."""
    error_dir = os.environ.get(_ERROR_DIR)
    if not error_dir or not os.path.isdir(error_dir):
        return
    rank = os.environ.get("RANK", "0")
    path = os.path.join(error_dir, f"rank{rank}.json")
    first_line = (str(exc).strip().splitlines() or [""])[0]
    with open(path + ".tmp", "w") as f:
        json.dump({"rank": int(rank), "time": time.time(), "message": f"{type(exc).__name__}: {first_line}"}, f)
    os.replace(path + ".tmp", path)
