"""``msshim run --nproc N script.py [args]``: N workers on this machine through torch's launcher (torchrun).

Each worker runs ``python -m msshim run script.py args`` (so ``import mindspore`` is msshim) with torchrun's
variables (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``) plus the ones MindSpore's
msrun exports for scripts that read them (``RANK_ID``, ``RANK_SIZE``, ``DEVICE_ID`` = local rank).

No restarts: when a worker fails, torchrun terminates the others (a worker blocked in a collective is killed
too) and the run ends with exit code 1 and one line naming the failed rank and its exception.
"""
from __future__ import annotations

import os
import runpy
import sys

_WORKER_MARK = "MSSHIM_LAUNCHED_WORKER"


def _failure_message(failure) -> str:
    message = failure.message
    if isinstance(message, dict):  # torch's error file: {"message": "Type: text", "extraInfo": {...}}
        message = message.get("message", "")
    if failure.exitcode < 0:
        return f"killed by signal {failure.signal_name()}"
    text = str(message).strip().splitlines()
    if not text or text[0].startswith("To enable traceback"):
        return f"exit code {failure.exitcode}"
    return f"exit code {failure.exitcode}: {text[-1] if len(text) > 1 else text[0]}"


# A worker whose collective broke because a peer died reports the peer, not the cause: name the cause first.
_PEER_LOSS = ("Connection closed by peer", "Connection reset by peer", "remote worker crashing", "Broken pipe",
              "NCCL communicator was aborted")


def _first_cause(failures: dict):
    """(rank, failure) of the failure that started it (torch's timestamps have one-second resolution)."""
    def key(item):
        rank, failure = item
        text = str(failure.message)
        secondary = failure.exitcode < 0 or any(s in text for s in _PEER_LOSS)
        return (secondary, failure.timestamp, rank)

    return min(failures.items(), key=key)


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
    os.environ[_WORKER_MARK] = "1"
    try:
        torchrun.run(torchrun.get_args_parser().parse_args(argv))
    except ChildFailedError as err:
        rank, failure = _first_cause(err.failures)
        print(f"msshim run: worker rank {rank} of {nproc} failed ({_failure_message(failure)}); "
              f"the other workers were stopped", file=sys.stderr)
        return 1
    finally:
        os.environ.pop(_WORKER_MARK, None)
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
        from torch.distributed.elastic.multiprocessing.errors import get_error_handler

        handler = get_error_handler()
        handler.initialize()
        handler.record_exception(exc)
        raise
