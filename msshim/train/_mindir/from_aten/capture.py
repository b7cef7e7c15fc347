"""Capturing the Cell with ``torch.export`` and the names MindSpore gives the graph, its inputs and its
parameters."""
from __future__ import annotations

import inspect

import torch


def construct_arg_names(net, count: int) -> list[str]:
    """Graph input names: the ``construct`` parameter names (MindSpore's "<graph>:x")."""
    names = []
    try:
        params = list(inspect.signature(net.construct).parameters.values())
    except (TypeError, ValueError):
        params = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind == p.VAR_POSITIONAL:
            names += [f"{p.name}{i}" for i in range(count - len(names))]
    names += [f"input_{i}" for i in range(len(names), count)]
    return names[:count]


def graph_name(net) -> str:
    """Deterministic graph name in MindSpore's style ("<module>_<Class>_construct")."""
    cls = type(net)
    return f"{cls.__module__.replace('.', '_')}_{cls.__name__}_construct"


def trace(net, inputs: tuple[torch.Tensor, ...]) -> torch.export.ExportedProgram:
    """``torch.export`` the Cell in eval mode (restoring its training flag)."""
    training = net.training
    net.train(False)
    try:
        with torch.no_grad():
            return torch.export.export(net, tuple(inputs), strict=False)
    except (TypeError, ValueError):
        raise  # argument errors raised by the network itself keep their type
    except Exception as e:  # torch.export's own failures (data-dependent control flow, unsupported Python)
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise RuntimeError(f"For 'export', capturing the graph of {type(net).__name__}.construct with torch.export "
                           f"failed: {first}") from e
    finally:
        net.train(training)


def mindspore_parameter_names(net) -> dict[str, str]:
    """torch attribute path (what torch.export reports) -> MindSpore ``Parameter.name`` (what MindSpore writes,
    e.g. an explicit ``Parameter(..., name='kk')``, ``update_parameters_name`` prefixes, a shared parameter's
    first name)."""
    names = {}
    if hasattr(net, "parameters_and_names"):
        names = {id(p._t): p.name for _, p in net.parameters_and_names()}
    return {path: names.get(id(tp), path) for path, tp in net.named_parameters(remove_duplicate=False)}
