"""``mindspore.nn.Cell`` as a ``torch.nn.Module``.

Parameters are registered in the Module's ``_parameters`` under MindSpore's attribute names, so
``state_dict()`` keys equal checkpoint names and torch tools work on a Cell as on any Module.  Attribute
access from MindSpore code returns msshim Parameters (``net.fc1.weight.name == 'fc1.weight'``).

Calling convention:
* msshim Tensors in, msshim Tensors out, MindSpore semantics: outside a gradient function (value_and_grad,
  grad, GradOperation) no autograd graph is recorded.
* torch tensors in (torch.compile, DDP, torch.onnx, a torch training loop), torch tensors out, torch's own
  autograd rules.

Parameter naming follows MindSpore 2.10 exactly: an unnamed Parameter takes its attribute name; assigning
a child cell prefixes every parameter name inside it with ``<attr>.`` (``update_parameters_name``), so a
top-level explicit ``name=`` survives while nested ones become the attribute path.
"""
from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any, Iterator

import torch

from msshim._runtime import RUNTIME
from msshim.common import dtype as mstype
from msshim.common._convert import to_torch_tree
from msshim.common.parameter import _MS_ATTR, Parameter, ParameterTuple, is_generated_name
from msshim.common.tensor import Tensor, wrap, wrap_tree

_Module = torch.nn.Module
_module_call = torch.nn.Module.__call__
_tm = torch.nn.modules.module
_get_tracing_state = torch._C._get_tracing_state
_set_grad_enabled = torch._C._set_grad_enabled
_is_grad_enabled = torch.is_grad_enabled
_TorchTensor = torch.Tensor


def _has_torch_tensor(args: tuple) -> bool:
    for a in args:
        if isinstance(a, _TorchTensor):
            return True
    return False


def _call_path(cell: "Cell"):
    """``Module.__call__`` when any hook could fire (or a torch.jit trace is recording scopes), else the
    cell's own ``forward``: skipping torch's two dispatch frames is most of a small layer's call overhead."""
    d = cell.__dict__
    if (d["_forward_hooks"] or d["_forward_pre_hooks"] or d["_backward_hooks"] or d["_backward_pre_hooks"]
            or _tm._global_forward_hooks or _tm._global_forward_pre_hooks or _tm._global_backward_hooks
            or _tm._global_backward_pre_hooks or _get_tracing_state()):
        return _module_call
    return type(cell).forward


def _cast_inputs(args: tuple, dtype: torch.dtype) -> tuple:
    return tuple(wrap(a._t.to(dtype)) if isinstance(a, Tensor) and a._t.is_floating_point() else a for a in args)


def _cast_outputs(out, dtype: torch.dtype):
    if isinstance(out, Tensor):
        return wrap(out._t.to(dtype)) if out._t.is_floating_point() else out
    if isinstance(out, (tuple, list)):
        return type(out)(_cast_outputs(o, dtype) for o in out)
    return out


class Cell(_Module):
    """Base class of every MindSpore network: subclasses define ``construct``."""

    # Layers that msshim implements set this, so torch errors inside them are reported as MindSpore does.
    _builtin_layer = False

    def __init__(self, auto_prefix: bool = True, flags: dict | None = None):
        super().__init__()
        # MindSpore cells start in inference mode (set_train() switches), torch modules in training mode.
        object.__setattr__(self, "training", False)
        object.__setattr__(self, "_auto_prefix", auto_prefix)
        object.__setattr__(self, "_cast_dtype", None)
        object.__setattr__(self, "_flags", dict(flags or {}))
        object.__setattr__(self, "requires_grad", False)
        object.__setattr__(self, "_param_prefix", "")

    # ------------------------------------------------------------------ calling
    def __call__(self, *args, **kwargs):
        if _has_torch_tensor(args):
            return self._call_with_torch_semantics(args, kwargs)
        call = _call_path(self)
        if RUNTIME.grad_depth == 0 and _is_grad_enabled():
            _set_grad_enabled(False)
            try:
                return call(self, *args, **kwargs)
            finally:
                _set_grad_enabled(True)
        return call(self, *args, **kwargs)

    def _call_with_torch_semantics(self, args: tuple, kwargs: dict):
        # Nested cells see msshim Tensors; the raised depth tells them to keep recording autograd.
        RUNTIME.grad_depth += 1
        try:
            return to_torch_tree(_module_call(self, *wrap_tree(args), **kwargs))
        finally:
            RUNTIME.grad_depth -= 1

    def forward(self, *args, **kwargs):
        if self._cast_dtype is not None:
            return self._forward_cast(args, kwargs)
        if not self._builtin_layer:
            return self.construct(*args, **kwargs)
        return self._run_construct(args, kwargs)

    def _forward_cast(self, args: tuple, kwargs: dict):
        """to_float / amp: floating inputs cast to the cell's type; under amp O1 the outputs go back to float32
        (MindSpore casts around each white-listed op only)."""
        args = _cast_inputs(args, self._cast_dtype)
        out = self._run_construct(args, kwargs)
        out_dtype = self.__dict__.get("_amp_output_dtype")
        return out if out_dtype is None else _cast_outputs(out, out_dtype)

    def _run_construct(self, args: tuple, kwargs: dict):
        if not self._builtin_layer:
            return self.construct(*args, **kwargs)
        try:
            return self.construct(*args, **kwargs)
        except RuntimeError as e:
            if type(e) is not RuntimeError:
                raise
            raise _layer_error(self, args, e) from None

    def construct(self, *args, **kwargs):
        raise AttributeError(f"For '{type(self).__name__}', the method 'construct' is not defined: a Cell "
                             f"subclass must implement construct().")

    def __deepcopy__(self, memo):
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            object.__setattr__(new, key, copy.deepcopy(value, memo))
        # torch copies a parameter without its __dict__: carry the msshim name and flags across
        for tp in self._parameters.values():
            copied = memo.get(id(tp)) if tp is not None else None
            if copied is not None and copied is not tp:
                found = tp.__dict__.get(_MS_ATTR)
                if found is not None:
                    found._adopt(copied)
        return new

    # ------------------------------------------------------------------ attributes
    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Parameter):
            self.__dict__.pop(name, None)
            self.insert_param_to_cell(name, value)
        elif isinstance(value, ParameterTuple):
            self._set_parameter_tuple(name, value)
        elif isinstance(value, Cell):
            self.__dict__.pop(name, None)
            if self._auto_prefix:
                value.update_parameters_name(name + ".")
            _Module.__setattr__(self, name, value)
        elif isinstance(value, Tensor):
            params = self.__dict__.get("_parameters")
            if params is not None and params.get(name) is not None:
                Parameter._of(params[name], name).set_data(value)
                return
            # Constant tensors held by a cell become non-persistent buffers: they follow .to(device)
            # but stay out of state_dict, as they stay out of MindSpore checkpoints.
            self.__dict__.pop(name, None)
            self._modules.pop(name, None)
            self._buffers[name] = value._t
            self._non_persistent_buffers_set.add(name)
        else:
            _Module.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        params = d.get("_parameters")
        if params is not None and name in params:
            p = params[name]
            return None if p is None else Parameter._of(p, name)
        buffers = d.get("_buffers")
        if buffers is not None and name in buffers:
            b = buffers[name]
            return None if b is None else wrap(b)
        modules = d.get("_modules")
        if modules is not None and name in modules:
            return modules[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'.")

    def _set_parameter_tuple(self, name: str, value: ParameterTuple) -> None:
        seen_ids, names = set(), set()
        for item in value:
            if id(item) in seen_ids:
                continue
            seen_ids.add(id(item))
            if is_generated_name(item.name):
                item.name = f"Parameter${len(self._parameters)}"
            if item.name in names:
                raise ValueError(f"The value {value} , its name '{item.name}' already exists. Please set a unique "
                                 f"name for the parameter.")
            names.add(item.name)
            self.insert_param_to_cell(item.name, item, check_name_contain_dot=False)
        object.__setattr__(self, name, value)

    def insert_param_to_cell(self, param_name: str, param, check_name_contain_dot: bool = True) -> None:
        """Register ``param`` under ``param_name``; an unnamed Parameter takes that name (MindSpore rule)."""
        if not param_name:
            raise KeyError("For 'insert_param_to_cell', the argument 'param_name' should not be None.")
        if check_name_contain_dot and "." in param_name:
            raise KeyError("For 'insert_param_to_cell', the argument 'param_name' should not contain'.' ")
        if "_parameters" not in self.__dict__:
            raise AttributeError("For 'insert_param_to_cell', please call Cell.__init__() firstly.")
        if param_name not in self._parameters and (param_name in self._modules or param_name in self.__dict__):
            raise KeyError(f"For 'insert_param_to_cell', the {param_name} parameter already exists in the network."
                           f"Cannot insert another parameter with the same name.")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"For 'insert_param_to_cell', the argument 'param' must be 'Parameter' if not None, "
                            f"but got {type(param)}.")
        if param is not None and is_generated_name(param.name):
            param.name = param_name
        self._buffers.pop(param_name, None)
        self._parameters[param_name] = None if param is None else param._t

    def insert_child_to_cell(self, child_name: str, child_cell) -> None:
        if not isinstance(child_name, str):
            raise TypeError(f"For 'insert_child_to_cell', the type of parameter 'child_name' must be str, but got "
                            f"{type(child_name)}.")
        if not child_name or "." in child_name:
            raise KeyError(f"For 'insert_child_to_cell', the parameter 'child_name' can not be None and can not "
                           f"contain '.', but got {child_name!r}.")
        if child_cell is not None and not isinstance(child_cell, _Module):
            raise TypeError(f"For 'insert_child_to_cell', the argument 'child_cell' must be 'Cell' if not None, "
                            f"but got type {type(child_cell)}.")
        self._modules[child_name] = child_cell

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)
        # Own parameters may have dotted names (an optimizer's 'moments.fc.weight', a ParameterTuple's entries);
        # torch's strict check takes the part before the dot for a child module and reports them as unexpected.
        if strict and unexpected_keys:
            own = {prefix + name for name in self._parameters if "." in name}
            if own:
                unexpected_keys[:] = [k for k in unexpected_keys if k not in own]

    # ------------------------------------------------------------------ traversal
    def cells_and_names(self, cells=None, name_prefix: str = "") -> Iterator[tuple[str, "Cell"]]:
        seen = cells if cells else set()
        if self in seen:
            return
        seen.add(self)
        yield name_prefix, self
        for name, cell in self._modules.items():
            if cell is None:
                continue
            prefix = name_prefix + "." + name if name_prefix else name
            if isinstance(cell, Cell):
                yield from cell.cells_and_names(seen, prefix)
            elif cell not in seen:
                seen.add(cell)
                for sub_name, sub in cell.named_modules(prefix=prefix):
                    yield sub_name, sub

    @property
    def _cells(self) -> "OrderedDict[str, Cell]":
        """MindSpore's name for the child-cell table (torch's ``_modules``), used by code that swaps children."""
        return self._modules

    def name_cells(self) -> "OrderedDict[str, Cell]":
        return OrderedDict((name, cell) for name, cell in self._modules.items() if cell is not None)

    def cells(self):
        return self.name_cells().values()

    def parameters_and_names(self, name_prefix: str = "", expand: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(attribute path, Parameter) pairs in MindSpore's order: each cell's own, then its children's."""
        cells = self.cells_and_names(name_prefix=name_prefix) if expand else [(name_prefix, self)]
        seen = set()
        for cell_name, cell in cells:
            for par_name, tp in cell._parameters.items():
                if tp is None or id(tp) in seen:
                    continue
                seen.add(id(tp))
                yield (cell_name + "." + par_name if cell_name else par_name), Parameter._of(tp, par_name)

    def get_parameters(self, expand: bool = True) -> Iterator[Parameter]:
        for _, param in self.parameters_and_names(expand=expand):
            yield param

    def trainable_params(self, recurse: bool = True) -> list:
        return [p for p in self.get_parameters(expand=recurse) if p.requires_grad]

    def untrainable_params(self, recurse: bool = True) -> list:
        return [p for p in self.get_parameters(expand=recurse) if not p.requires_grad]

    def parameters_dict(self, recurse: bool = True) -> "OrderedDict[str, Parameter]":
        return OrderedDict((p.name, p) for p in self.get_parameters(expand=recurse))

    def update_parameters_name(self, prefix: str = "", recurse: bool = True) -> None:
        """Rename every parameter to ``prefix + <its path inside this cell>``."""
        for name, param in self.parameters_and_names(expand=recurse):
            param.name = prefix + name

    def init_parameters_data(self, auto_parallel_mode: bool = False) -> dict:
        return {p: p for p in self.get_parameters()}

    def check_names(self) -> None:
        names = set()
        for value, param in self.parameters_and_names():
            if param.name in names:
                raise ValueError(f"The value of {value} is {param}, its name '{param.name}' already exists. Please "
                                 f"set a unique name for the parameter.")
            names.add(param.name)

    # ------------------------------------------------------------------ modes and flags
    def set_train(self, mode: bool = True) -> "Cell":
        self.train(mode)
        return self

    def set_grad(self, requires_grad: bool = True) -> "Cell":
        object.__setattr__(self, "requires_grad", requires_grad)
        return self

    def to_float(self, dst_type) -> "Cell":
        """Cast the floating inputs of this cell and all its child cells to ``dst_type`` (float16/bfloat16/32)."""
        if dst_type not in (mstype.float16, mstype.float32, mstype.bfloat16):
            raise ValueError(f"For 'to_float', the argument 'dst_type' should be float32, float16 or bfloat16, "
                             f"but got {dst_type}.")
        torch_dtype = mstype.to_torch_dtype(dst_type)
        for _, cell in self.cells_and_names():
            if isinstance(cell, Cell):
                object.__setattr__(cell, "_cast_dtype", torch_dtype)
        return self

    def add_flags(self, **flags) -> "Cell":
        self._flags.update(flags)
        return self

    def add_flags_recursive(self, **flags) -> "Cell":
        for _, cell in self.cells_and_names():
            if isinstance(cell, Cell):
                cell.add_flags(**flags)
        return self

    def get_flags(self) -> dict:
        return self._flags

    def set_boost(self, boost_type) -> "Cell":
        return self

    def recompute(self, **kwargs) -> "Cell":
        """Accepted for compatibility; msshim keeps activations (no recomputation)."""
        return self

    def shard(self, *args, **kwargs) -> "Cell":
        return self

    def set_data_parallel(self) -> "Cell":
        return self

    def set_jit_config(self, jit_config) -> None:
        object.__setattr__(self, "jit_config_dict", jit_config)

    def compile(self, *args, **kwargs) -> None:
        """MindSpore compiles the graph here; msshim runs eagerly, so there is nothing to do."""

    def compile_and_run(self, *args, **kwargs):
        return self(*args, **kwargs)

    @property
    def cls_name(self) -> str:
        return type(self).__name__

    @property
    def param_prefix(self) -> str:
        return self._param_prefix

    @property
    def phase(self) -> str:
        return "train" if self.training else "predict"

    @property
    def parameter_layout_dict(self) -> dict:
        return {}

    # ------------------------------------------------------------------ printing
    def extend_repr(self) -> str:
        return ""

    def extra_repr(self) -> str:
        return self.extend_repr()


def _layer_error(cell: Cell, args: tuple, error: RuntimeError) -> ValueError:
    shapes = [a.shape for a in args if isinstance(a, Tensor)]
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return ValueError(f"For '{type(cell).__name__}', the input with shape {', '.join(map(str, shapes)) or '()'} "
                      f"does not fit the layer {cell!r}: {first}")
