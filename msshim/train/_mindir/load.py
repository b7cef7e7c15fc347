"""``mindspore.load(file_name, **kwargs)``: a MindIR file as a graph object for ``nn.GraphCell``.

MindSpore returns a C++ ``FuncGraph``; msshim returns a :class:`MindIRGraph` holding the parsed
``mind_ir.ModelProto``, the parameters (numpy, by MindSpore name) and the input/output signatures.  Its ONNX
translation (what GraphCell runs on onnxruntime) is made on first use and cached, so loading a file with
primitives msshim cannot translate still works (``msshim inspect``); GraphCell reports them.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from msshim._proto import mind_ir_pb2
from msshim.train._mindir.reader import LOAD_FAILED, check_load_args, read_model_and_data
from msshim.train._mindir.to_onnx.translate import primitives_used
from msshim.train._mindir.to_onnx.values import TypeSpec, parameter_name, short_name, tensor_array, tensor_spec

__all__ = ["load", "MindIRGraph"]


class MindIRGraph:
    """A loaded MindIR graph (msshim's stand-in for MindSpore's ``FuncGraph``).

    Attributes: ``model`` (the ModelProto), ``file_name``, ``name`` (the graph name), ``parameters``
    (OrderedDict MindSpore name -> read-only numpy array, in the file's order), ``inputs`` (list of
    (construct argument name, TypeSpec)), ``outputs`` (list of TypeSpec, or None where the file records no type,
    e.g. tuple outputs), ``user_info`` (dict).
    """

    def __init__(self, model: mind_ir_pb2.ModelProto, file_name: str = "",
                 external: dict[str, np.ndarray] | None = None):
        """``external``: arrays of the parameters a split file keeps outside the graph (reader.read_model_and_data),
        by TensorProto name; they are used as they are (writable, not copied)."""
        external = external or {}
        graph = model.graph
        self.model = model
        self.file_name = file_name
        self.name = graph.name
        self.parameters: "OrderedDict[str, np.ndarray]" = OrderedDict(
            (parameter_name(p), external[p.name] if p.name in external else tensor_array(p))
            for p in graph.parameter)
        self.inputs: list[tuple[str, TypeSpec]] = [
            (short_name(i.name, graph.name), tensor_spec(i.tensor[0]) if i.tensor else TypeSpec((), None))
            for i in graph.input]
        self.outputs: list[TypeSpec | None] = [tensor_spec(o.tensor[0]) if len(o.tensor) == 1 else None
                                               for o in graph.output]
        self.user_info = dict(model.user_info)
        self._onnx = None

    def primitives(self) -> list[str]:
        """Primitive names the graph uses, in first-use order."""
        return primitives_used(self.model)

    def onnx_model(self):
        """The graph translated to ONNX (cached), parameters as external initializers for the session to be given
        (``to_onnx(..., external_parameters=True)``); raises UnsupportedPrimitivesError / TranslateError."""
        if self._onnx is None:
            from msshim.train._mindir.to_onnx import to_onnx

            self._onnx = to_onnx(self.model, external_parameters=True)
        return self._onnx

    def __repr__(self) -> str:
        return f"MindIRGraph({self.name!r}, inputs={[n for n, _ in self.inputs]}, parameters={len(self.parameters)})"


def load(file_name, **kwargs) -> MindIRGraph:
    """MindSpore 2.10's ``load``: ``dec_key`` (bytes) / ``dec_mode`` ("AES-GCM", "AES-CBC", "SM4-CBC" or a
    callable ``(data, key) -> plaintext``); ``obf_func`` -> NotImplementedError.  Errors as MindSpore's
    (see reader.py)."""
    if "obf_func" in kwargs:
        raise NotImplementedError("Dynamic model structure obfuscation is no longer supported.")
    check_load_args(file_name)
    if "dec_key" in kwargs:
        dec_key = kwargs["dec_key"]
        if not isinstance(dec_key, bytes):  # MindSpore checks even an explicit None
            raise ValueError(f"The parameter 'dec_key' must be isinstance of {bytes}, but got {dec_key}.")
        model, external = read_model_and_data(file_name, dec_key=dec_key, dec_mode=kwargs.get("dec_mode", "AES-GCM"))
    else:
        model, external = read_model_and_data(file_name)
    try:
        return MindIRGraph(model, file_name, external)
    except ValueError:  # a parameter whose bytes do not fit its dims / an unknown data type: MindSpore fails too
        raise RuntimeError(LOAD_FAILED) from None
