"""``mindspore.nn.GraphCell``: run a graph loaded from MindIR (``mindspore.load``) — on onnxruntime.

MindSpore 2.10 (nn/cell.py ``GraphCell``): ``obf_random_seed`` -> NotImplementedError; ``graph`` must be what
``load`` returned (TypeError); ``params_init`` is a dict str -> Tensor/Parameter (TypeError otherwise) whose
entries replace the weights of the same name (unknown names are ignored; a value of another shape or dtype ->
ValueError "Only support update parameter by Tensor or Parameter with same shape and dtype as it. ...").
Parameters are exposed under their MindSpore names ("1.weight"), all trainable, in the file's order.
A call re-infers shapes, so inputs may change the batch size; a different number of inputs or another dtype
is MindSpore's RuntimeError.

msshim translates the graph to ONNX once (msshim.train._mindir.to_onnx) and keeps one onnxruntime session with
the parameters as initializers, so onnxruntime pre-packs the weights.  A parameter changed afterwards
(``set_data``, an optimizer) bumps its torch version counter; the next call then rebuilds the session with the
current values overriding those initializers (``SessionOptions.add_initializer``, ~1-4 ms for LeNet5/the MLP);
from the second change on the parameters become graph inputs fed from the torch tensors on every call
(zero-copy, a few µs per call more than baked weights).  Providers: CUDA when
``device_target`` is "GPU" and onnxruntime offers it, else CPU.  float16/bfloat16/float64 graphs run natively
where onnxruntime has kernels, else in float32 (see to_onnx/lower_float.py) with the I/O converted.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np
import torch

from msshim.common import dtype as mstype
from msshim.common._convert import numpy_to_torch, torch_to_numpy
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell

__all__ = ["GraphCell"]

_VERSION = operator.attrgetter("_version")  # torch bumps a tensor's version on every in-place write

_ONNX_TYPE_OF_TORCH = {torch.float32: "tensor(float)", torch.float64: "tensor(double)",
                       torch.float16: "tensor(float16)", torch.int32: "tensor(int32)", torch.int64: "tensor(int64)",
                       torch.bool: "tensor(bool)", torch.int8: "tensor(int8)", torch.uint8: "tensor(uint8)"}


def _numpy_of(t: torch.Tensor, lowered: bool) -> np.ndarray:
    """numpy view of a tensor for onnxruntime (float32 copy when the graph was lowered to float32)."""
    if lowered and t.dtype in (torch.bfloat16, torch.float16, torch.float64):
        t = t.float()
    return torch_to_numpy(t)


def _shape_text(shape) -> str:
    return "[const vector]{" + ", ".join(str(int(d)) for d in shape) + "}"


class GraphCell(Cell):
    """Runs a MindIR graph from ``mindspore.load``; see the module docstring for MindSpore's rules."""

    def __init__(self, graph, params_init=None, obf_random_seed=None):
        super().__init__(auto_prefix=True)
        if obf_random_seed is not None:
            raise NotImplementedError("Dynamic structure obfuscation is not supported now.")
        from msshim.train._mindir.load import MindIRGraph

        if not isinstance(graph, MindIRGraph):
            raise TypeError(f"For 'GraphCell', the argument 'graph' must be a FuncGraph loaded from MindIR, "
                            f"but got type {type(graph)}.")
        params_init = {} if params_init is None else params_init
        if not isinstance(params_init, dict):
            raise TypeError(f"For 'GraphCell', the argument 'params_init' must be a dict, but got {type(params_init)}.")
        for name, value in params_init.items():
            if not isinstance(name, str) or not isinstance(value, Tensor):
                raise TypeError("For 'GraphCell', the key of the 'params_init' must be str, "
                                "and the value must be Tensor or Parameter, "
                                f"but got the key type: {type(name)}, and the value type: {type(value)}")
        object.__setattr__(self, "graph", graph)
        tps = []
        for name, array in graph.parameters.items():
            # a copy of read-only arrays (inside the protobuf), the array's own memory otherwise (split files' data,
            # read once): the graph's parameters, as MindSpore's GraphCell shares its FuncGraph's
            data = numpy_to_torch(array, copy=False)
            if name in params_init:
                data = self._checked_init(name, data, params_init[name])
            param = Parameter(data, name=name, requires_grad=True)
            self.insert_param_to_cell(name, param, check_name_contain_dot=False)
            tps.append(param._t)
        object.__setattr__(self, "_tps", tps)
        object.__setattr__(self, "_param_feed", [])  # (name, torch tensor) fed per call once weights keep changing
        object.__setattr__(self, "_overridden", {name for name in params_init if name in graph.parameters})
        self._prepare()

    @staticmethod
    def _checked_init(name: str, current: torch.Tensor, value: Tensor) -> torch.Tensor:
        new = value._t.detach()
        if tuple(new.shape) != tuple(current.shape) or new.dtype != current.dtype:
            raise ValueError(
                "Only support update parameter by Tensor or Parameter with same shape and dtype as it. The parameter "
                f"'{name}' has shape {_shape_text(current.shape)} and dtype {_ms_name(current.dtype)}, but got the "
                f"update value with shape {_shape_text(new.shape)} and dtype {_ms_name(new.dtype)}.")
        return new.to("cpu").clone()

    # ------------------------------------------------------------------------------------------ session
    def _prepare(self) -> None:
        """Translate to ONNX (once) and open the onnxruntime session."""
        from msshim.train._mindir.to_onnx import TranslateError, UnsupportedPrimitivesError

        graph = self.graph
        try:
            model = graph.onnx_model()
        except UnsupportedPrimitivesError as e:
            where = f" '{graph.file_name}'" if graph.file_name else ""
            raise RuntimeError(f"For 'GraphCell', the MindIR{where} uses primitives that msshim cannot run on "
                               f"onnxruntime: {', '.join(e.primitives)}.") from None
        except TranslateError as e:
            raise RuntimeError(f"For 'GraphCell', the MindIR '{graph.file_name}' cannot be run: {e}") from None
        object.__setattr__(self, "_input_names", [i.name for i in model.graph.input])
        object.__setattr__(self, "_output_names", [o.name for o in model.graph.output])
        object.__setattr__(self, "_input_dtypes", [_torch_dtype(spec.dtype) for _, spec in graph.inputs])
        object.__setattr__(self, "_input_ranks", [len(spec.shape) for _, spec in graph.inputs])
        object.__setattr__(self, "_input_shapes", [torch.Size(spec.shape) for _, spec in graph.inputs])
        object.__setattr__(self, "_free_batch", False)
        from msshim.train._mindir.to_onnx.emitter import external_initializers, numpy_of_onnx

        object.__setattr__(self, "_external", set(external_initializers(model)))

        object.__setattr__(self, "_output_dtypes",
                           [_torch_dtype(numpy_of_onnx(o.type.tensor_type.elem_type)) for o in model.graph.output])
        object.__setattr__(self, "_model_bytes", model.SerializeToString())
        object.__setattr__(self, "_lowered", False)
        object.__setattr__(self, "_lowered_bytes", None)
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_plain_outputs", True)
        object.__setattr__(self, "_structure", _output_structure(model, len(model.graph.output)))
        self._open_session()

    def _providers(self) -> list[str]:
        import onnxruntime as ort

        from msshim.context import get_context

        if get_context("device_target") == "GPU" and "CUDAExecutionProvider" in ort.get_available_providers():
            return ["CUDAExecutionProvider", "CPUExecutionProvider"]
        return ["CPUExecutionProvider"]

    def _open_session(self) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # onnxruntime's default pool (one thread per physical core, spinning) measured fastest for LeNet5 at
        # batch 1 and 32 and the tutorial MLP alike (benchmarks/bench_graph_cell.py); one thread was 1.3-1.9x slower.
        # Parameters reach onnxruntime from the Parameters' own memory (no protobuf copy): the translated graph
        # holds them as external stubs; small integer ones are inline and only replaced when overridden.
        keep_alive, external_names, external_values = [], [], []
        for name, tp in zip(self.graph.parameters, self._tps):
            if name in self._external or name in self._overridden:
                try:
                    value = np.ascontiguousarray(_numpy_of(tp.detach(), self._lowered))
                    ort_value = ort.OrtValue.ortvalue_from_numpy(value)
                except RuntimeError:  # onnxruntime takes no bfloat16 array from numpy: compute in float32
                    if self._lowered:
                        raise
                    self._lower()
                    return self._open_session()
                keep_alive += [value, ort_value]
                if name in self._external:
                    external_names.append(name)
                    external_values.append(ort_value)
                else:
                    options.add_initializer(name, ort_value)
        if external_names:
            options.add_external_initializers(external_names, external_values)
        data = self._lowered_bytes if self._lowered else self._model_bytes
        if self._free_batch:
            data = _with_free_batch(data)
        try:
            session = ort.InferenceSession(data, sess_options=options, providers=self._providers())
        except Exception as e:  # onnxruntime has no kernel for a dtype: compute in float32
            if self._lowered or "NOT_IMPLEMENTED" not in str(e) and "implementation" not in str(e):
                raise RuntimeError(f"For 'GraphCell', onnxruntime cannot run the MindIR "
                                   f"'{self.graph.file_name}': {e}") from None
            self._lower()
            return self._open_session()
        object.__setattr__(self, "_session", session)
        # onnxruntime's binding behind InferenceSession.run (which re-validates the feed names on every call).
        binding = getattr(session, "_sess", None)
        object.__setattr__(self, "_run", binding.run if hasattr(binding, "run") else
                           (lambda names, feed, _options: session.run(names, feed)))
        object.__setattr__(self, "_keep_alive", keep_alive)
        object.__setattr__(self, "_versions", list(map(_VERSION, self._tps)))
        object.__setattr__(self, "_plain_outputs", not self._lowered and all(
            o.type == _ONNX_TYPE_OF_TORCH.get(d) for o, d in zip(session.get_outputs(), self._output_dtypes)))

    def _lower(self) -> None:
        from msshim.train._mindir.to_onnx.lower_float import lower_to_float32

        lowered, changed = lower_to_float32(self._model)
        if not changed:
            raise RuntimeError(f"For 'GraphCell', onnxruntime cannot run the MindIR '{self.graph.file_name}'.")
        object.__setattr__(self, "_lowered", True)
        object.__setattr__(self, "_lowered_bytes", lowered.SerializeToString())

    def _refresh(self) -> None:
        """Parameters changed since the session was built: rebuild it with their current values (a few ms).
        From the second change on (weights being trained), the parameters become graph inputs fed from the
        torch tensors on every call instead (zero-copy views, always current, no rebuilds)."""
        object.__setattr__(self, "_refreshes", self.__dict__.get("_refreshes", 0) + 1)
        if self._refreshes >= 2:
            self._feed_parameters()
            return
        object.__setattr__(self, "_overridden", set(self.graph.parameters))
        self._open_session()

    def _feed_parameters(self) -> None:
        import onnx

        source = onnx.ModelProto()
        source.ParseFromString(self._lowered_bytes if self._lowered else self._model_bytes)
        names = set(self.graph.parameters)
        graph = source.graph
        kept = [t for t in graph.initializer if t.name not in names]
        for t in graph.initializer:
            if t.name in names:
                graph.input.append(onnx.helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)))
        del graph.initializer[:]
        graph.initializer.extend(kept)
        data = source.SerializeToString()
        if self._lowered:
            object.__setattr__(self, "_lowered_bytes", data)
        else:
            object.__setattr__(self, "_model_bytes", data)
        object.__setattr__(self, "_overridden", set())
        object.__setattr__(self, "_external", set())
        object.__setattr__(self, "_param_feed", list(zip(self.graph.parameters, self._tps)))
        object.__setattr__(self, "_tps", [])
        self._open_session()

    # -------------------------------------------------------------------------------------------- calls
    def construct(self, *inputs):
        return self(*inputs)

    def __call__(self, *inputs, **kwargs) -> Any:
        # The hot path: a few attribute reads per input, numpy views in and out (no copies on CPU).
        if kwargs or len(inputs) != len(self._input_names):
            raise RuntimeError(f"The input number of parameters is not Compatible.\nMindir:{len(self._input_names)} "
                               f"inputs: {len(inputs) + len(kwargs)} FuncGraph:{self.graph.name}")
        if self._tps and list(map(_VERSION, self._tps)) != self._versions:
            self._refresh()
        feed = {}
        device = None
        for name, x, dtype, rank, shape in zip(self._input_names, inputs, self._input_dtypes, self._input_ranks,
                                               self._input_shapes):
            if not isinstance(x, Tensor):
                raise TypeError(f"For 'GraphCell', the input '{name}' must be a Tensor, but got {type(x)}.")
            t = x._t
            if t.dtype != dtype or t.ndim != rank:
                self._bad_input(name, t, dtype, rank)
            if t.shape != shape and not self._free_batch:
                object.__setattr__(self, "_free_batch", True)
                self._open_session()
            if t.requires_grad or not t.is_cpu or self._lowered:
                if not t.is_cpu:
                    device = t.device
                feed[name] = _numpy_of(t, self._lowered)
            else:
                feed[name] = t.numpy()
        for name, tp in self._param_feed:
            feed[name] = _numpy_of(tp, self._lowered)
        try:
            outs = self._run(self._output_names, feed, None)
        except Exception as e:
            raise ValueError(f"For 'GraphCell', running the MindIR '{self.graph.file_name}' failed for input shapes "
                             f"{[tuple(f.shape) for f in feed.values()]}: {e}") from None
        if self._plain_outputs and device is None:
            results = [wrap(torch.from_numpy(out)) for out in outs]
        else:
            results = [wrap(self._converted(out, dtype, device)) for out, dtype in zip(outs, self._output_dtypes)]
        structure = self._structure
        if structure is None:
            return tuple(results)
        return results[structure] if structure.__class__ is int else _nest(structure, results)

    @staticmethod
    def _converted(out: np.ndarray, dtype: torch.dtype, device) -> torch.Tensor:
        t = torch.from_numpy(out)
        if t.dtype != dtype:
            t = t.to(dtype)
        return t if device is None else t.to(device)

    @staticmethod
    def _bad_input(name: str, t: torch.Tensor, dtype: torch.dtype, rank: int) -> None:
        if t.dtype != dtype:
            raise RuntimeError(f"For 'GraphCell', the input '{name}' must be a Tensor[{_ms_name(dtype)}] as the "
                               f"MindIR was exported with, but got Tensor[{_ms_name(t.dtype)}].")
        raise ValueError(f"For 'GraphCell', the input '{name}' must have rank {rank} as the MindIR was "
                         f"exported with, but got shape {tuple(t.shape)}.")


def _output_structure(model, count: int):
    """The nesting of the outputs (to_onnx's OUTPUT_STRUCTURE): an index for a single tensor, a nested list for
    tuples, None for a flat tuple of all outputs (the fast path)."""
    import json

    from msshim.train._mindir.to_onnx.translate import OUTPUT_STRUCTURE

    props = {p.key: p.value for p in model.metadata_props}
    structure = json.loads(props[OUTPUT_STRUCTURE]) if OUTPUT_STRUCTURE in props else (0 if count == 1 else None)
    return None if structure == list(range(count)) else structure


def _nest(structure, results: list):
    if structure.__class__ is int:
        return results[structure]
    return tuple(_nest(s, results) for s in structure)


def _ms_name(dtype: torch.dtype) -> str:
    return str(mstype.from_torch(dtype))


def _torch_dtype(dtype: np.dtype) -> torch.dtype:
    return mstype.to_torch_dtype(mstype.pytype_to_dtype(dtype))


def _with_free_batch(data: bytes) -> bytes:
    """The serialized ONNX model with a symbolic first input dim and untyped output dims: MindSpore re-infers
    shapes per call, so another batch size runs (where the graph has no batch-size constant baked in).  Used
    from the first call with another shape on: the exported static shapes let onnxruntime plan memory and
    layouts ahead (LeNet5 at batch 32: 0.33 ms static against 0.54 ms with a symbolic batch)."""
    import onnx

    out = onnx.ModelProto()
    out.ParseFromString(data)
    for vi in out.graph.input:
        dims = vi.type.tensor_type.shape.dim
        if len(dims):
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "batch"
    for vi in out.graph.output:
        vi.type.tensor_type.ClearField("shape")
    return out.SerializeToString()
