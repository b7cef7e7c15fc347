"""Cells that wrap a network with its loss, its gradients and its optimizer (MindSpore's
``nn.wrap.cell_wrapper``)."""
from __future__ import annotations

import torch

from msshim.common.parameter import ParameterTuple
from msshim.common.tensor import wrap
from msshim.context import ParallelMode
from msshim.nn.cell import Cell, _cast_outputs
from msshim.ops._autograd import differentiate
from msshim.ops.composite.base import GradOperation

__all__ = ["WithLossCell", "WithEvalCell", "WithGradCell", "ForwardValueAndGrad", "TrainOneStepCell"]


class WithLossCell(Cell):
    """``WithLossCell(backbone, loss_fn)``: ``construct(data, label) = loss_fn(backbone(data), label)``.

    Built with ``auto_prefix=False``: the backbone's parameter names stay as they were (``0.weight``)."""

    def __init__(self, backbone: Cell, loss_fn: Cell):
        super().__init__(auto_prefix=False)
        self._backbone = backbone
        self._loss_fn = loss_fn

    def construct(self, data, label):
        return self._loss_fn(self._backbone(data), label)

    @property
    def backbone_network(self) -> Cell:
        return self._backbone


class WithEvalCell(Cell):
    """``WithEvalCell(network, loss_fn, add_cast_fp32=False)``: returns ``(loss, outputs, label)``."""

    def __init__(self, network: Cell, loss_fn: Cell, add_cast_fp32: bool = False):
        super().__init__(auto_prefix=False)
        self._network = network
        self._loss_fn = loss_fn
        self.add_cast_fp32 = add_cast_fp32

    def construct(self, data, label):
        outputs = self._network(data)
        if self.add_cast_fp32:
            # mixed_precision_cast: only a floating label is cast (class indices stay integers)
            label = _cast_outputs(label, torch.float32)
            outputs = wrap(outputs._t.float())
        return self._loss_fn(outputs, label), outputs, label


class WithGradCell(Cell):
    """``WithGradCell(network, loss_fn=None, sens=None)``: returns the gradients of the (network + loss) output
    with respect to every trainable parameter of ``network``."""

    def __init__(self, network: Cell, loss_fn: Cell | None = None, sens=None):
        super().__init__(auto_prefix=False)
        self.network = network
        self.loss_fn = loss_fn
        self.weights = ParameterTuple(network.trainable_params())
        self.grad = GradOperation(get_by_list=True, sens_param=sens is not None)
        self.sens = sens
        self.network_with_loss = network if loss_fn is None else WithLossCell(network, loss_fn)
        self.network_with_loss.set_train()

    def construct(self, *inputs):
        if self.sens is None:
            return self.grad(self.network_with_loss, self.weights)(*inputs)
        return self.grad(self.network_with_loss, self.weights)(*inputs, self.sens)


class ForwardValueAndGrad(Cell):
    """``ForwardValueAndGrad(network, weights=None, get_all=False, get_by_list=False, sens_param=False)``:
    returns ``(outputs, gradients)`` from one forward pass, the gradients structured as GradOperation's."""

    def __init__(self, network: Cell, weights=None, get_all: bool = False, get_by_list: bool = False,
                 sens_param: bool = False):
        super().__init__(auto_prefix=False)
        if not isinstance(network, Cell) and not callable(network):
            raise TypeError(f"For 'ForwardValueAndGrad', the argument 'network' must be cell or function type, "
                            f"but got '{type(network)}'.")
        for name, value in (("get_all", get_all), ("get_by_list", get_by_list), ("sens_param", sens_param)):
            if not isinstance(value, bool):
                raise TypeError(f"For 'ForwardValueAndGrad', the type of '{name}' must be bool, but got "
                                f"'{type(value)}'")
        if get_by_list and not isinstance(weights, (ParameterTuple, tuple, list)):
            raise TypeError(f"For 'ForwardValueAndGrad', when 'get_by_list' is set to True, the argument 'weights' "
                            f"must be Parameters array, but got '{type(weights)}'")
        self.network = network
        if isinstance(network, Cell):
            network.set_grad()
        self.weights = weights
        self.get_all = get_all
        self.get_by_list = get_by_list
        self.sens_param = sens_param
        self.grad = GradOperation(get_all=get_all, get_by_list=get_by_list, sens_param=sens_param)

    def construct(self, *inputs):
        sens = None
        if self.sens_param:
            inputs, sens = inputs[:-1], inputs[-1]
        weights = list(self.weights) if self.get_by_list else None
        return self.grad.value_and_grad(self.network, weights, inputs, {}, sens)


def _grad_reducer(weights: ParameterTuple):
    """None on one device; under DATA_PARALLEL / HYBRID_PARALLEL a ``DistributedGradReducer`` over the world
    group with the context's ``gradients_mean`` and device number (the group size unless ``device_num`` was set),
    as MindSpore's ``TrainOneStepCell`` builds it."""
    from msshim.parallel._utils import _get_device_num, _get_gradients_mean, _get_parallel_mode

    if _get_parallel_mode() in (ParallelMode.DATA_PARALLEL, ParallelMode.HYBRID_PARALLEL):
        from msshim.communication.management import GlobalComm
        from msshim.nn.wrap.grad_reducer import DistributedGradReducer

        return DistributedGradReducer(weights, _get_gradients_mean(), _get_device_num(),
                                      group=GlobalComm.WORLD_COMM_GROUP)
    return None


def _broadcast_wanted() -> bool:
    """Whether the first step starts by copying rank 0's parameters to every rank.

    MindSpore broadcasts when it compiles the train network, so only in GRAPH_MODE (its PyNative steps keep each
    rank's own initial weights, recorded in tests/fixtures/distributed/dp_training.json); msshim does the same,
    in the data-parallel modes with ``parameter_broadcast=True``."""
    from msshim.context import _is_graph_mode
    from msshim.parallel._utils import _get_parallel_mode, _get_parameter_broadcast

    return (_get_parallel_mode() in (ParallelMode.DATA_PARALLEL, ParallelMode.HYBRID_PARALLEL)
            and _get_parameter_broadcast() and _is_graph_mode())


class TrainOneStepCell(Cell):
    """``TrainOneStepCell(network, optimizer, sens=None, return_grad=False)``: one forward of ``network`` (which
    returns the loss), the gradients of every ``optimizer.parameters`` entry (with ``sens`` as the output
    sensitivity, 1.0 by default), the optimizer update; returns the loss (and ``{name: grad}`` with
    ``return_grad``).

    Unlike a literal reading of MindSpore's construct the network runs once per step, as in MindSpore's
    PyNative executor, so BatchNorm statistics move once per step.
    """

    def __init__(self, network: Cell, optimizer: Cell, sens=None, return_grad: bool = False):
        super().__init__(auto_prefix=False)
        self.network = network
        self.network.set_grad()
        self.optimizer = optimizer
        self.weights = self.optimizer.parameters
        self.sens = sens
        if self.sens == 0:
            raise ValueError("The input argument of 'sens' can not be 0.")
        self.sense_flag = sens is not None
        if sens is None:
            self.sens = 1.0
        self.return_grad = return_grad
        if return_grad:
            self.weights_name = [p.name for p in self.optimizer.parameters]
        object.__setattr__(self, "_weight_list", list(self.weights))
        from msshim.parallel._utils import _get_parallel_mode
        self.parallel_mode = _get_parallel_mode()
        reducer = _grad_reducer(self.weights)
        self.reducer_flag = reducer is not None
        if reducer is not None:
            self.grad_reducer = reducer
            self.mean, self.degree = reducer.mean, reducer.degree
        object.__setattr__(self, "_broadcast_pending", _broadcast_wanted())

    def _loss_and_grads(self, inputs: tuple, sens, reduce: bool = True):
        if self._broadcast_pending:
            self._broadcast_pending = False
            from msshim.parallel._broadcast import broadcast_parameters
            broadcast_parameters(self)
        loss, _, grads = differentiate(self.network, inputs, {}, None, self._weight_list, False, sens)
        if reduce and self.reducer_flag:
            grads = self.grad_reducer(grads)
        return loss, grads

    def construct(self, *inputs):
        loss, grads = self._loss_and_grads(inputs, float(self.sens) if self.sense_flag else None)
        self.optimizer(grads)
        if self.return_grad:
            return loss, dict(zip(self.weights_name, grads))
        return loss
