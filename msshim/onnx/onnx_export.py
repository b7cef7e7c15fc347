"""``mindspore.onnx.export`` on torch's ONNX exporter.

MindSpore 2.10 (mindspore/onnx/onnx_export.py): checks the file name by regular expression, ``net`` must be a
Cell, ``input_names``/``output_names`` lists and ``dynamic_axes`` a dict (ValueError with Validator's text),
datasets are refused, the net runs in eval mode (its training flag is restored afterwards), ".onnx" is appended
when missing, missing directories are created, and a network above 2 GiB (``PROTO_LIMIT_SIZE`` KB) keeps its
parameters in an external data file next to the model.  Initializers carry the MindSpore parameter names and
graph inputs default to ``construct``'s argument names, as in MindSpore's files.

torch's dynamo exporter needs onnxscript; the TorchScript ("legacy") exporter is used (``dynamo=False``) with
constant folding off, because folding renames and merges parameters.  Opset 17: the first opset with
LayerNormalization as one op (MindSpore writes opset 11, which onnxruntime and every current runtime read
alike; at 11 torch would decompose LayerNorm into a dozen primitive ops).
"""
from __future__ import annotations

import inspect
import os
import tempfile
import uuid
import warnings

import torch

from msshim.train._mindir.export import check_file_name

PROTO_LIMIT_SIZE = 1024 * 1024 * 2  # KB, MindSpore's constant: 2 GiB
OPSET_VERSION = 17
def _check_isinstance(name: str, value, cls, shown: str):
    """``Validator.check_isinstance``; ``shown`` is the class as MindSpore prints it."""
    if not isinstance(value, cls):
        raise ValueError(f"The parameter '{name}' must be isinstance of {shown}, but got {value}.")


def _net_size_kb(net) -> float:
    """MindSpore's ``_calculation_net_size``: parameter bytes in KB."""
    return sum(t.numel() * t.element_size() for t in net.state_dict().values()) / 1024


def _torch_inputs(net, inputs) -> tuple:
    """torch tensors on the net's device (a CUDA-resident net traces with CUDA inputs)."""
    from msshim.common._convert import to_torch_tree

    first = next(iter(net.parameters()), None)
    args = tuple(to_torch_tree(x) for x in inputs)
    if first is None:
        return args
    return tuple(a.to(first.device) if isinstance(a, torch.Tensor) else a for a in args)


def _default_input_names(net, args: tuple) -> list:
    """``construct``'s argument names for the tensor arguments (MindSpore names graph inputs so)."""
    try:
        params = list(inspect.signature(net.construct).parameters.values())
    except (TypeError, ValueError):
        return []
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params[:len(args)]) or len(params) < len(args):
        return []
    return [p.name for p, a in zip(params, args) if isinstance(a, torch.Tensor)]


def _trace(net, args: tuple, path: str, input_names: list, output_names: list, export_params: bool,
           keep_initializers_as_inputs: bool, dynamic_axes: dict) -> None:
    with warnings.catch_warnings():
        # The legacy exporter is deprecated in favour of dynamo (which needs onnxscript) and warns on tracing.
        warnings.simplefilter("ignore")
        torch.onnx.export(net, args, path, export_params=export_params, opset_version=OPSET_VERSION,
                          do_constant_folding=False, input_names=input_names or None,
                          output_names=output_names or None, dynamic_axes=dynamic_axes or None,
                          keep_initializers_as_inputs=keep_initializers_as_inputs, dynamo=False)


def _replace(tmp: str, final: str) -> None:
    os.replace(tmp, final)


def save_onnx(model, abs_file_name: str, external: bool) -> None:
    """Atomic write of an ONNX model (temporary file in the target directory, then rename); ``external``:
    initializers go to "<file>.data" beside it (for models over protobuf's 2 GiB)."""
    import onnx

    directory = os.path.dirname(abs_file_name)
    base = os.path.basename(abs_file_name)
    if not external:
        data = model.SerializeToString()
        tmp = os.path.join(directory, f".{base}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        try:
            with open(tmp, "xb") as f:  # plain open: the file mode follows the umask, as MindSpore's
                f.write(data)
            _replace(tmp, abs_file_name)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return
    location = base + ".data"
    staging = tempfile.mkdtemp(prefix=f".{base}.", dir=directory)
    try:
        onnx.save_model(model, os.path.join(staging, base), save_as_external_data=True,
                        all_tensors_to_one_file=True, location=location, size_threshold=0)
        _replace(os.path.join(staging, location), os.path.join(directory, location))
        _replace(os.path.join(staging, base), abs_file_name)
    finally:
        for name in os.listdir(staging):
            os.remove(os.path.join(staging, name))
        os.rmdir(staging)


def export(net, *inputs, file_name, input_names=None, output_names=None, export_params=True,
           keep_initializers_as_inputs=False, dynamic_axes=None) -> None:
    """Export the Cell ``net`` traced on ``inputs`` as an ONNX model ``file_name`` (".onnx" appended)."""
    import onnx

    from msshim.dataset.engine.datasets import Dataset
    from msshim.nn.cell import Cell
    from msshim.onnx._initializers import restore_parameters

    check_file_name(file_name)
    _check_isinstance("net", net, Cell, "<class 'mindspore.nn.cell.Cell'>")
    input_names = input_names or []
    _check_isinstance("input_names", input_names, list, "<class 'list'>")
    output_names = output_names or []
    _check_isinstance("output_names", output_names, list, "<class 'list'>")
    dynamic_axes = dynamic_axes or {}
    _check_isinstance("dynamic_axes", dynamic_axes, dict, "<class 'dict'>")
    if any(isinstance(x, Dataset) for x in inputs):
        raise ValueError("Can not support dataset as inputs to export ONNX model.")

    cell_mode = net.training
    net.set_train(False)
    try:
        external = _net_size_kb(net) > PROTO_LIMIT_SIZE
        args = _torch_inputs(net, inputs)
        names = input_names or _default_input_names(net, args)
        abs_file_name = os.path.abspath(file_name)
        if not abs_file_name.endswith(".onnx"):
            abs_file_name += ".onnx"
        os.makedirs(os.path.dirname(abs_file_name), exist_ok=True)
        with tempfile.TemporaryDirectory() as work:
            traced = os.path.join(work, "model.onnx")
            _trace(net, args, traced, names, output_names, export_params, keep_initializers_as_inputs,
                   dynamic_axes)
            model = onnx.load(traced)  # external data (torch writes it for > 2 GiB) is read back in
        restore_parameters(model, net.state_dict().keys())
        save_onnx(model, abs_file_name, external)
    finally:
        net.set_train(cell_mode)


__all__ = ["export"]
