"""``mindspore.communication._comm_helper``: the world-group names, ``Backend`` and ``GlobalComm``.

MindSpore keeps the communication state in the class attributes of ``GlobalComm``; msshim does the same (scripts
read ``GlobalComm.WORLD_COMM_GROUP`` / ``GlobalComm.INITED``).  The process groups themselves are torch.distributed
ones: ``_GROUPS`` maps a MindSpore group name to its torch ``ProcessGroup`` and world ranks.
"""
from __future__ import annotations

HCCL_WORLD_COMM_GROUP = "hccl_world_group"
NCCL_WORLD_COMM_GROUP = "nccl_world_group"
MCCL_WORLD_COMM_GROUP = "mccl_world_group"

# Every name MindSpore uses for the world group: the default argument of get_rank(group=...) is evaluated when
# the module is imported (``hccl_world_group``), so all three must mean "world" whatever backend init chose.
WORLD_GROUP_NAMES = (HCCL_WORLD_COMM_GROUP, NCCL_WORLD_COMM_GROUP, MCCL_WORLD_COMM_GROUP)

DEVICE_TO_BACKEND = {"Ascend": "hccl", "GPU": "nccl", "CPU": "mccl"}

NOT_INITED_MESSAGE = ("Distributed Communication has not been inited.You can't invoke this interface yet. "
                      "Please call `init()` method first.")


class Backend:
    """MindSpore's backend names (``Backend("nccl") == "nccl"``); unknown names raise as MindSpore does."""

    UNDEFINED = "undefined"
    HCCL = "hccl"
    NCCL = "nccl"
    MCCL = "mccl"

    @staticmethod
    def __new__(cls, name):
        if not isinstance(name, str):
            raise TypeError("For 'Backend', the class variable 'name' must be a string, "
                            "but got the type : {}".format(type(name)))
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            raise ValueError("For 'Backend', the class variable 'name' {} is not supported, "
                             "please use hccl or nccl.".format(name))
        return value


DEFAULT_BACKEND = Backend("hccl")


class GlobalComm:
    """World communication information, as MindSpore's ``GlobalComm``.

    - ``BACKEND``: ``"hccl"`` / ``"nccl"`` / ``"mccl"`` (MindSpore's name for the library; msshim runs ``"nccl"``
      on torch's NCCL backend and ``"mccl"`` on gloo).
    - ``WORLD_COMM_GROUP``: ``"hccl_world_group"`` before ``init``, then the backend's world group name.
    - ``INITED``: whether ``init()`` has run.
    - ``CHECK_ENVS``: kept for scripts that set it; msshim's init always checks the launcher environment.
    """

    BACKEND = DEFAULT_BACKEND
    WORLD_COMM_GROUP = HCCL_WORLD_COMM_GROUP
    INITED = False
    CHECK_ENVS = True


class _ExistingGroup:
    """User groups made by ``create_group``: name -> rank list (as given) and world rank -> group rank."""

    ITEMS: dict = {}
    GROUP_RANKS: dict = {}


# MindSpore group name -> torch ProcessGroup (user groups only; the world group is torch's default group).
_GROUPS: dict = {}

# Facts about this process learned at init (local rank and the number of ranks on this host).
_LOCAL = {"rank": 0, "size": 1}


def _is_world(group: str) -> bool:
    return group in WORLD_GROUP_NAMES or group == GlobalComm.WORLD_COMM_GROUP


def _check_inited() -> None:
    if not GlobalComm.INITED:
        raise RuntimeError(NOT_INITED_MESSAGE)


def _process_group(group: str):
    """The torch ProcessGroup for a MindSpore group name (``None`` is torch's default, the world group)."""
    _check_inited()
    if _is_world(group):
        return None
    if group not in _GROUPS:
        raise ValueError(f"The communication group '{group}' does not exist: create it with "
                         f"mindspore.communication.create_group first (the world group is "
                         f"'{GlobalComm.WORLD_COMM_GROUP}').")
    return _GROUPS[group]
