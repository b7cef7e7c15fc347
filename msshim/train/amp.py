"""Automatic mixed precision (``mindspore.amp.auto_mixed_precision``, ``build_train_network``).

How each level is realised on torch (parameters always stay float32, as in MindSpore):

* ``O0``: unchanged.
* ``O1``: every white-listed cell (Conv*, Dense, LSTM/RNN/GRU cells) casts its floating inputs to ``dtype``,
  runs in it and returns float32 (MindSpore inserts Cast ops around those ops).
* ``O2``: the whole network runs in ``dtype`` except black-listed cells (BatchNorm*, LayerNorm), which run in
  float32 and return ``dtype``; the network's outputs are cast to float32.
* ``O3``: the whole network runs in ``dtype``; outputs cast to float32.
* ``auto``: as ``O1`` (msshim has no per-primitive promote lists).

A cell computes in the type of its (cast) inputs: its float32 parameters are cast on use.
"""
from __future__ import annotations

from msshim.common import dtype as mstype
from msshim.nn.cell import Cell, _cast_outputs
from msshim.train.loss_scale_manager import DynamicLossScaleManager, LossScaleManager

__all__ = ["auto_mixed_precision", "build_train_network", "custom_mixed_precision", "get_white_list",
           "get_black_list"]


def _nn():
    import msshim.nn as nn

    return nn


def get_white_list() -> list:
    """Cells that run in low precision under ``O1`` (a copy of MindSpore's list, cell classes only)."""
    nn = _nn()
    return [nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Conv1dTranspose, nn.Conv2dTranspose, nn.Conv3dTranspose, nn.Dense,
            nn.LSTMCell, nn.RNNCell, nn.GRUCell]


def get_black_list() -> list:
    """Cells kept in float32 under ``O2``."""
    nn = _nn()
    return [nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.LayerNorm]


class _OutputTo16(Cell):
    """Runs ``backbone`` and casts its floating outputs to ``dtype`` (float16 by default)."""

    def __init__(self, backbone: Cell, dtype=mstype.float16):
        super().__init__(auto_prefix=False)
        self._backbone = backbone
        self.dtype = dtype

    def construct(self, *args, **kwargs):
        return _cast_outputs(self._backbone(*args, **kwargs), mstype.to_torch_dtype(self.dtype))


class _OutputTo32(Cell):
    """Runs ``backbone`` and casts its floating outputs to float32."""

    def __init__(self, backbone: Cell):
        super().__init__(auto_prefix=False)
        self._backbone = backbone

    def construct(self, *args, **kwargs):
        return _cast_outputs(self._backbone(*args, **kwargs), mstype.to_torch_dtype(mstype.float32))


def _check_dtype(dtype) -> None:
    if dtype not in (mstype.float16, mstype.bfloat16):
        raise ValueError(f"The dtype should be one of (mstype.float16, mstype.bfloat16), but got {dtype}.")


def _cast_white_list(network: Cell, white_list: tuple, dtype) -> None:
    low = mstype.to_torch_dtype(dtype)
    f32 = mstype.to_torch_dtype(mstype.float32)
    for _, cell in network.cells_and_names():
        if isinstance(cell, white_list):
            object.__setattr__(cell, "_cast_dtype", low)
            object.__setattr__(cell, "_amp_output_dtype", f32)


def _keep_black_list_fp32(network: Cell, black_list: tuple, dtype) -> bool:
    """Wrap every black-listed child in ``_OutputTo16(child.to_float(float32))`` (MindSpore's
    ``_auto_black_list`` / ``_do_keep_batchnorm_fp32``); parameter names do not change."""
    changed = False
    for name, sub in list(network._modules.items()):
        if sub is None or sub is network:
            continue
        if isinstance(sub, black_list):
            network._modules[name] = _OutputTo16(sub.to_float(mstype.float32), dtype)
            changed = True
        elif isinstance(sub, Cell):
            _keep_black_list_fp32(sub, black_list, dtype)
    return changed


def auto_mixed_precision(network, amp_level: str = "O0", dtype=mstype.float16):
    """Return ``network`` prepared for mixed precision at ``amp_level`` ("O0", "O1", "O2", "O3", "auto")."""
    if not isinstance(network, Cell):
        if amp_level != "auto" or not callable(network):
            raise TypeError(f"For amp_level '{amp_level}', the network type should be Cell.")
    _check_dtype(dtype)
    if amp_level == "O0":
        return network
    if amp_level in ("O1", "auto"):
        if isinstance(network, Cell):
            _cast_white_list(network, tuple(get_white_list()), dtype)
    elif amp_level == "O2":
        network.to_float(dtype)
        _keep_black_list_fp32(network, tuple(get_black_list()), dtype)
        network = _OutputTo32(network)
    elif amp_level == "O3":
        network.to_float(dtype)
        network = _OutputTo32(network)
    else:
        raise ValueError(f"The amp level {amp_level} is not supported")
    object.__setattr__(network, "_amp_level", amp_level)
    return network


def custom_mixed_precision(network: Cell, *, white_list=None, black_list=None, dtype=mstype.float16):
    """Mixed precision with user lists: cells of ``white_list`` types run in ``dtype`` (as O1); with
    ``black_list``, everything else runs in ``dtype`` and those types stay float32 (as O2)."""
    if not isinstance(network, Cell):
        raise TypeError("The network type should be Cell.")
    if (white_list is None) == (black_list is None):
        raise ValueError("For custom_mixed_precision, one of white_list and black_list must be provided.")
    _check_dtype(dtype)
    if white_list is not None:
        _cast_white_list(network, tuple(c for c in white_list if isinstance(c, type)), dtype)
        return network
    network.to_float(dtype)
    _keep_black_list_fp32(network, tuple(c for c in black_list if isinstance(c, type)), dtype)
    return _OutputTo32(network)


_CONFIG_LEVEL = {
    "O0": {"keep_batchnorm_fp32": False, "cast_model_type": mstype.float32, "loss_scale_manager": None},
    "O1": {"keep_batchnorm_fp32": False, "cast_model_type": mstype.float32, "loss_scale_manager": None},
    "O2": {"keep_batchnorm_fp32": True, "cast_model_type": mstype.float16, "loss_scale_manager": "dynamic"},
    "O3": {"keep_batchnorm_fp32": False, "cast_model_type": mstype.float16, "loss_scale_manager": None},
    "auto": {"keep_batchnorm_fp32": False, "cast_model_type": mstype.float32, "loss_scale_manager": None},
}


def _check_level(level, boost_level) -> str:
    if not isinstance(level, str):
        raise TypeError(f"The argument `level` must be a string in ['O0', 'O1', 'O2', 'O3', 'auto'],but got type "
                        f"{type(level)}.")
    if level not in _CONFIG_LEVEL:
        raise ValueError(f"The `level` must be in ['O0', 'O1', 'O2', 'O3', 'auto'], but got '{level}'.")
    if boost_level not in ("O0", "O1", "O2"):
        raise ValueError(f"The `boost_level` must be in ['O0', 'O1', 'O2'], but got '{boost_level}'.")
    return level


def _check_kwargs(kwargs: dict) -> None:
    for arg in kwargs:
        if arg not in ("cast_model_type", "keep_batchnorm_fp32", "loss_scale_manager"):
            raise ValueError(f"Unsupported arg '{arg}'")
    if "cast_model_type" in kwargs and kwargs["cast_model_type"] not in (mstype.float16, mstype.float32):
        raise TypeError(f"For 'cast_model_type', the type must be Float16 or Float32, but got "
                        f"{kwargs['cast_model_type']}.")
    if "keep_batchnorm_fp32" in kwargs and not isinstance(kwargs["keep_batchnorm_fp32"], bool):
        raise TypeError(f"The argument 'keep_batchnorm_fp32' must be bool, but got "
                        f"{type(kwargs['keep_batchnorm_fp32']).__name__}.")
    manager = kwargs.get("loss_scale_manager")
    if manager is not None and not isinstance(manager, LossScaleManager):
        raise TypeError(f"The argument 'loss_scale_manager' must be LossScaleManager, but got "
                        f"{type(manager).__name__}.")


class _AmpWithLossCell(Cell):
    """MindSpore's amp ``WithLossCell``: network output and label cast to float32 before the loss."""

    def __init__(self, backbone: Cell, loss_fn: Cell):
        super().__init__(auto_prefix=False)
        self._backbone = backbone
        self._loss_fn = loss_fn

    def construct(self, data, label):
        f32 = mstype.to_torch_dtype(mstype.float32)
        return self._loss_fn(_cast_outputs(self._backbone(data), f32), _cast_outputs(label, f32))


def _add_loss_network(network: Cell, loss_fn, cast_model_type):
    if not isinstance(loss_fn, Cell):
        raise TypeError(f"The argument 'loss_fn' must be Cell, but got {type(loss_fn).__name__}.")
    if cast_model_type in (mstype.float16, mstype.bfloat16) or \
            getattr(network, "_amp_level", None) in ("O2", "O3", "auto"):
        return _AmpWithLossCell(network, loss_fn)
    return _nn().WithLossCell(network, loss_fn)


def _mixed_precision_process(network: Cell, config: dict, level: str) -> Cell:
    if config["cast_model_type"] == mstype.float16:
        network.to_float(mstype.float16)
        if config["keep_batchnorm_fp32"]:
            _keep_black_list_fp32(network, tuple(get_black_list()), mstype.float16)
        return network
    if not config["keep_batchnorm_fp32"] and level == "O2":
        network.to_float(mstype.float16)
        return network
    if config["cast_model_type"] == mstype.float32 and level in ("O2", "O3"):
        return network
    return auto_mixed_precision(network, level)


def build_train_network(network: Cell, optimizer, loss_fn=None, level: str = "O0", boost_level: str = "O0",
                        **kwargs) -> Cell:
    """The mixed-precision training cell: amp at ``level``, the loss (``loss_fn``), and TrainOneStepCell, or
    TrainOneStepWithLossScaleCell when the loss scale manager has an update cell (O2's DynamicLossScaleManager,
    FixedLossScaleManager with drop_overflow_update).  ``kwargs``: cast_model_type, keep_batchnorm_fp32,
    loss_scale_manager override the level's settings."""
    nn = _nn()
    if not isinstance(optimizer, Cell):
        raise TypeError(f"The argument 'optimizer' must be Optimizer, but got {type(optimizer).__name__}.")
    level = _check_level(level, boost_level)
    _check_kwargs(kwargs)
    config = dict(_CONFIG_LEVEL[level], **kwargs)
    if config["loss_scale_manager"] == "dynamic":
        config["loss_scale_manager"] = DynamicLossScaleManager()
    network = _mixed_precision_process(network, config, level)
    if loss_fn:
        network = _add_loss_network(network, loss_fn, config["cast_model_type"])
    loss_scale = None
    manager = config["loss_scale_manager"]
    if manager is not None:
        loss_scale = manager.get_loss_scale()
        update_cell = manager.get_update_cell()
        if update_cell is not None:
            return nn.TrainOneStepWithLossScaleCell(network, optimizer, scale_sense=update_cell).set_train()
    return nn.TrainOneStepCell(network, optimizer, loss_scale).set_train()
