"""``mindspore.communication.management`` on torch.distributed.

``init()`` joins the process group that a launcher described in the environment:

- torchrun / ``msshim run --nproc N`` (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``);
- MindSpore's msrun (``MS_WORKER_NUM``, ``RANK_ID`` or ``MS_NODE_ID``, ``MS_SCHED_HOST``, ``MS_SCHED_PORT``,
  ``DEVICE_ID`` as the local rank): rank 0 hosts torch's store on the scheduler's address.

MindSpore's ``"nccl"`` runs on torch's NCCL backend (CUDA), ``"mccl"`` (MindSpore's CPU library) on gloo.  The
timeout of every collective is ``MSSHIM_DIST_TIMEOUT`` seconds (default 300), so a dead peer ends a run with an
error instead of a hang.

As in MindSpore, ``get_rank`` / ``get_group_size`` / ``get_local_rank`` / ``get_local_rank_size`` work before
``init`` (they return ``RANK_ID`` / ``RANK_SIZE`` / ``LOCAL_RANK`` / ``LOCAL_RANK_SIZE`` from the environment,
default 0 / 1 / 0 / 1); every other function raises RuntimeError until ``init`` has run.
"""
from __future__ import annotations

import atexit
import datetime
import os
import socket

from msshim.communication._comm_helper import (DEVICE_TO_BACKEND, HCCL_WORLD_COMM_GROUP, MCCL_WORLD_COMM_GROUP,
                                                NCCL_WORLD_COMM_GROUP, Backend, GlobalComm, _ExistingGroup, _GROUPS,
                                                _LOCAL, _check_inited, _is_world, _process_group)

__all__ = ["init", "release", "get_rank", "get_local_rank", "get_group_size",
           "get_local_rank_size", "get_world_rank_from_group_rank", "get_comm_name",
           "get_group_rank_from_world_rank", "create_group", "destroy_group", "get_process_group_ranks",
           "HCCL_WORLD_COMM_GROUP", "NCCL_WORLD_COMM_GROUP", "MCCL_WORLD_COMM_GROUP", "GlobalComm"]

DEFAULT_TIMEOUT_S = 300.0
_TORCHRUN_VARS = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
_MSRUN_VARS = ("MS_WORKER_NUM", "RANK_ID", "MS_SCHED_HOST", "MS_SCHED_PORT")


def _timeout() -> datetime.timedelta:
    raw = os.environ.get("MSSHIM_DIST_TIMEOUT", "")
    try:
        seconds = float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"The environment variable MSSHIM_DIST_TIMEOUT must be a number of seconds, "
                         f"but got '{raw}'.") from None
    if seconds <= 0:
        raise ValueError(f"The environment variable MSSHIM_DIST_TIMEOUT must be positive, but got '{raw}'.")
    return datetime.timedelta(seconds=seconds)


def _int_env(name: str) -> int:
    raw = os.environ[name]
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"For 'init', the environment variable {name} must be an integer, but got "
                           f"'{raw}'.") from None


def _launch_env() -> dict:
    """Rank, world size, local rank and rendezvous of this worker, from torchrun's or msrun's variables."""
    env = os.environ
    if all(env.get(v) for v in _TORCHRUN_VARS):
        local_size = env.get("LOCAL_WORLD_SIZE")
        return {"rank": _int_env("RANK"), "world_size": _int_env("WORLD_SIZE"),
                "local_rank": _int_env("LOCAL_RANK") if env.get("LOCAL_RANK") else None,
                "local_size": int(local_size) if local_size else None, "init_method": "env://"}
    if env.get("MS_WORKER_NUM") and env.get("MS_SCHED_HOST") and env.get("MS_SCHED_PORT") and \
            (env.get("RANK_ID") or env.get("MS_NODE_ID")):
        rank = _int_env("RANK_ID") if env.get("RANK_ID") else _int_env("MS_NODE_ID")
        return {"rank": rank, "world_size": _int_env("MS_WORKER_NUM"),
                "local_rank": _int_env("DEVICE_ID") if env.get("DEVICE_ID") else None, "local_size": None,
                "init_method": f"tcp://{env['MS_SCHED_HOST']}:{_int_env('MS_SCHED_PORT')}"}
    missing_torch = [v for v in _TORCHRUN_VARS if not env.get(v)]
    missing_ms = [v for v in _MSRUN_VARS if not env.get(v)]
    if "RANK_ID" in missing_ms and env.get("MS_NODE_ID"):
        missing_ms.remove("RANK_ID")
    raise RuntimeError(
        "For 'init', this process was not started by a distributed launcher: the environment variables "
        f"{', '.join(missing_torch)} (torchrun) are not set, nor {', '.join(missing_ms)} (MindSpore's msrun). "
        "Start the script with `msshim run --nproc N script.py` (or torchrun) to run N workers.")


def _torch_backend(backend_name: str, device_target: str) -> str:
    import torch

    if backend_name == "nccl":
        if not torch.cuda.is_available() or not torch.distributed.is_nccl_available():
            raise RuntimeError("For 'init', the backend 'nccl' needs CUDA and torch's NCCL backend, which this "
                               "torch build does not have. Use device_target='CPU' (gloo).")
        return "nccl"
    return "gloo"


def init(backend_name=None):
    """Initialize the distributed backend (``"nccl"`` on GPU, ``"mccl"`` on CPU; ``"hccl"`` is Ascend-only).

    Reads the launcher's environment (see the module docstring) and joins torch's default process group.  On
    GPU the current CUDA device becomes the local rank (``set_context(device_id=local_rank)``).
    Raises TypeError for a non-str ``backend_name``, RuntimeError for a backend the device target cannot use
    (MindSpore's messages) or when no launcher environment is present.
    """
    import torch
    import torch.distributed as dist

    from msshim import context

    device_target = context.get_context("device_target")
    if backend_name is None:
        if device_target not in DEVICE_TO_BACKEND:
            raise RuntimeError("For 'set_context', the argument 'device_target' {} is not supported in "
                               "parallel initialization, please use Ascend, GPU or CPU.".format(device_target))
        backend_name = DEVICE_TO_BACKEND[device_target]
    if not isinstance(backend_name, str):
        raise TypeError("For 'init', the argument 'backend_name' must be a string, "
                        "but got the type : {}".format(type(backend_name)))
    if backend_name == "hccl" and device_target != "Ascend":
        raise RuntimeError("For 'init', the argument 'backend_name' should be '{}' to init '{}', "
                           "but got 'hccl'.".format(DEVICE_TO_BACKEND[device_target], device_target))
    if backend_name == "nccl" and device_target != "GPU":
        raise RuntimeError("For 'init', the argument 'backend_name' should be '{}' to init '{}', "
                           "but got 'nccl'.".format(DEVICE_TO_BACKEND[device_target], device_target))
    if backend_name not in ("nccl", "mccl"):
        raise RuntimeError("For 'init', the argument 'backend_name' must be one of 'hccl', 'nccl' and 'mccl', "
                           "but got 'backend_name' : {}".format(backend_name))

    if os.environ.get("MS_ROLE") == "MS_SCHED":
        # msrun also starts the script as a scheduler process; torch's rendezvous store lives in rank 0 instead,
        # so the scheduler has nothing to do.
        raise SystemExit(0)
    if GlobalComm.INITED and dist.is_initialized():
        return
    launch = _launch_env()
    torch_backend = _torch_backend(backend_name, device_target)
    if torch_backend == "nccl":
        local_rank = launch["local_rank"] if launch["local_rank"] is not None else \
            launch["rank"] % torch.cuda.device_count()
        torch.cuda.set_device(local_rank)
        context.set_context(device_id=local_rank)
    timeout = _timeout()
    try:
        if dist.is_initialized():
            pass  # torch's default group already exists (made by torch code in this process): adopt it
        elif launch["init_method"] == "env://":
            dist.init_process_group(torch_backend, timeout=timeout)
        else:
            dist.init_process_group(torch_backend, init_method=launch["init_method"], rank=launch["rank"],
                                    world_size=launch["world_size"], timeout=timeout)
    except Exception as err:  # torch's store/backend errors: say which rendezvous failed and the time limit
        where = launch["init_method"] if launch["init_method"] != "env://" else \
            f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}"
        raise RuntimeError(f"For 'init', rank {launch['rank']} could not join the {launch['world_size']} workers "
                           f"at {where} within {timeout.total_seconds():g} s (MSSHIM_DIST_TIMEOUT): "
                           f"{type(err).__name__}: {err}") from err
    _LOCAL["rank"], _LOCAL["size"] = _local_rank_and_size(launch)
    # Tear the groups down before the interpreter does: torch aborts (SIGABRT) when a user group's gloo
    # threads are destroyed during interpreter shutdown.
    atexit.register(release)
    GlobalComm.BACKEND = Backend(backend_name)
    GlobalComm.WORLD_COMM_GROUP = NCCL_WORLD_COMM_GROUP if backend_name == "nccl" else MCCL_WORLD_COMM_GROUP
    GlobalComm.INITED = True


def _local_rank_and_size(launch: dict) -> tuple[int, int]:
    """The launcher's local rank/size; where it gives none (msrun), count the ranks on this host."""
    if launch["local_rank"] is not None and launch["local_size"] is not None:
        return launch["local_rank"], launch["local_size"]
    import torch.distributed as dist

    hosts: list = [None] * dist.get_world_size()
    dist.all_gather_object(hosts, socket.gethostname())
    me = socket.gethostname()
    same = [r for r, h in enumerate(hosts) if h == me]
    local_rank = launch["local_rank"] if launch["local_rank"] is not None else same.index(dist.get_rank())
    return local_rank, len(same)


def release():
    """Release the process group (MindSpore: ``finalize``); ``init`` may be called again afterwards."""
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()
    _GROUPS.clear()
    _ExistingGroup.ITEMS.clear()
    _ExistingGroup.GROUP_RANKS.clear()
    GlobalComm.INITED = False


def _check_group(func: str, group) -> None:
    if not isinstance(group, str):
        raise TypeError("For '{}', the argument 'group' must be type of string, "
                        "but got 'group' type : {}.".format(func, type(group)))


def get_rank(group=GlobalComm.WORLD_COMM_GROUP):
    """The rank of this process in ``group`` (before ``init``: the ``RANK_ID`` variable, default 0)."""
    _check_group("get_rank", group)
    if not GlobalComm.INITED:
        return int(os.getenv("RANK_ID", "0"))
    import torch.distributed as dist

    return dist.get_rank(_process_group(group))


def get_local_rank(group=GlobalComm.WORLD_COMM_GROUP):
    """The rank of this process among the ranks on its host (before ``init``: ``LOCAL_RANK``, default 0).
    msshim answers for the world group only."""
    _check_group("get_local_rank", group)
    if not GlobalComm.INITED:
        return int(os.getenv("LOCAL_RANK", "0"))
    _check_world_only("get_local_rank", group)
    return _LOCAL["rank"]


def get_group_size(group=GlobalComm.WORLD_COMM_GROUP):
    """The number of ranks in ``group`` (before ``init``: the ``RANK_SIZE`` variable, default 1)."""
    _check_group("get_group_size", group)
    if not GlobalComm.INITED:
        return int(os.getenv("RANK_SIZE", "1"))
    import torch.distributed as dist

    return dist.get_world_size(_process_group(group))


def get_local_rank_size(group=GlobalComm.WORLD_COMM_GROUP):
    """The number of ranks on this host (before ``init``: ``LOCAL_RANK_SIZE``, default 1); world group only."""
    _check_group("get_local_rank_size", group)
    if not GlobalComm.INITED:
        return int(os.getenv("LOCAL_RANK_SIZE", "1"))
    _check_world_only("get_local_rank_size", group)
    return _LOCAL["size"]


def _check_world_only(func: str, group: str) -> None:
    if not _is_world(group):
        _process_group(group)  # an unknown group name raises its own error
        raise ValueError(f"For '{func}', msshim supports the world group '{GlobalComm.WORLD_COMM_GROUP}' only, "
                         f"but got '{group}'.")


def get_world_rank_from_group_rank(group, group_rank_id):
    """The world rank of rank ``group_rank_id`` of ``group`` (the identity for the world group)."""
    _check_group("get_world_rank_from_group_rank", group)
    _check_inited()
    if not isinstance(group_rank_id, int):
        raise TypeError("For 'get_world_rank_from_group_rank', the argument 'group_rank_id' must be"
                        " type of int, but got 'group_rank_id' type : {}.".format(type(group_rank_id)))
    pg = _process_group(group)
    _check_rank_in_range("group_rank_id", group_rank_id, get_group_size(group))
    if pg is None:
        return group_rank_id
    return sorted(_ExistingGroup.ITEMS[group])[group_rank_id]


def get_group_rank_from_world_rank(world_rank_id, group):
    """The rank in ``group`` of world rank ``world_rank_id`` (the identity for the world group)."""
    _check_group("get_group_rank_from_world_rank", group)
    _check_inited()
    if not isinstance(world_rank_id, int):
        raise TypeError("For 'get_group_rank_from_world_rank', the argument 'world_rank_id' must be type of int, "
                        "but got 'world_rank_id' type : {}.".format(type(world_rank_id)))
    pg = _process_group(group)
    _check_rank_in_range("world_rank_id", world_rank_id, get_group_size())
    if pg is None:
        return world_rank_id
    ranks = _ExistingGroup.GROUP_RANKS[group]
    if world_rank_id not in ranks:
        raise ValueError(f"For 'get_group_rank_from_world_rank', the world rank {world_rank_id} is not in the "
                         f"group '{group}' (ranks {sorted(ranks)}).")
    return ranks[world_rank_id]


def _check_rank_in_range(name: str, rank: int, size: int) -> None:
    if not 0 <= rank < size:
        raise ValueError(f"The argument '{name}' must be in [0, {size}), but got {rank}.")


def create_group(group, rank_ids, options=None):
    """Create the user group ``group`` of world ranks ``rank_ids`` (a torch ``new_group``; only its members need
    to call it).  Group ranks follow the sorted world ranks, as in MindSpore."""
    if not isinstance(group, str):
        raise TypeError("For 'create_group', the argument 'group' must be type of string, "
                        "but got 'group' type : {}.".format(type(group)))
    _check_inited()
    if group in _ExistingGroup.ITEMS:
        if rank_ids != _ExistingGroup.ITEMS.get(group):
            raise ValueError("The group {} has been created, the rank_list is {}, "
                             "but current rank_list for the group is {}".
                             format(group, _ExistingGroup.ITEMS[group], rank_ids))
        return
    if not isinstance(rank_ids, list):
        raise TypeError("For 'create_group', the argument 'rank_ids' must be type of list, "
                        "but got 'rank_ids' type : {}.".format(type(rank_ids)))
    if len(rank_ids) < 1:
        raise ValueError("For 'create_group', the argument 'rank_ids' size should be greater than 1, "
                         "but got 'rank_ids' size : {}.".format(len(rank_ids)))
    if len(rank_ids) != len(set(rank_ids)):
        raise ValueError("List rank_ids in Group {} has duplicate data!".format(group))
    if _is_world(group):
        raise ValueError(f"For 'create_group', '{group}' is the name of the world group.")
    world = get_group_size()
    for rank in rank_ids:
        if not isinstance(rank, int) or not 0 <= rank < world:
            raise ValueError(f"For 'create_group', every rank id must be an int in [0, {world}), but got "
                             f"{rank_ids}.")
    import torch.distributed as dist

    sorted_ranks = sorted(rank_ids)
    _GROUPS[group] = dist.new_group(sorted_ranks, use_local_synchronization=True)
    _ExistingGroup.ITEMS[group] = rank_ids
    _ExistingGroup.GROUP_RANKS[group] = {world_rank: group_rank for group_rank, world_rank in enumerate(sorted_ranks)}


def destroy_group(group):
    """Destroy a group made by ``create_group`` (the world group cannot be destroyed: ValueError)."""
    if not isinstance(group, str):
        raise TypeError("For 'destroy_group', the argument 'group' must be type of string, "
                        "but got 'group' type : {}.".format(type(group)))
    _check_inited()
    if _is_world(group):
        raise ValueError("The world_group does not support destruction.")
    pg = _process_group(group)
    import torch.distributed as dist

    if pg is not None and pg != dist.GroupMember.NON_GROUP_MEMBER:
        dist.destroy_process_group(pg)
    del _GROUPS[group]
    del _ExistingGroup.ITEMS[group]
    del _ExistingGroup.GROUP_RANKS[group]


def get_process_group_ranks(group=GlobalComm.WORLD_COMM_GROUP):
    """The world ranks of ``group``, in group-rank order."""
    _check_group("get_process_group_ranks", group)
    _check_inited()
    if _process_group(group) is None:
        return list(range(get_group_size()))
    return sorted(_ExistingGroup.ITEMS[group])


def get_comm_name(group=GlobalComm.WORLD_COMM_GROUP):
    """MindSpore's communicator name exists on Ascend (HCCL) only; msshim has no such name."""
    _check_group("get_comm_name", group)
    _check_inited()
    raise RuntimeError("For 'get_comm_name', the communicator name is an Ascend (HCCL) notion; msshim runs on "
                       "torch.distributed (gloo/NCCL) and has none.")
