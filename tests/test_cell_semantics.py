"""Cell as a torch.nn.Module: MindSpore call semantics with msshim Tensors, torch semantics with torch tensors,
and torch tooling (state_dict, optimizers, deepcopy, compile, ONNX export) working on cells directly."""
from __future__ import annotations

import copy
import io

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import Parameter, Tensor, nn
from mindspore.common import dtype as mstype


def mlp():
    return nn.SequentialCell(nn.Flatten(), nn.Dense(12, 8), nn.ReLU(), nn.Dense(8, 3))


def test_forward_outside_grad_builds_no_graph():
    out = mlp()(Tensor(np.ones((2, 3, 4), np.float32)))
    assert isinstance(out, Tensor)
    assert not out.to_torch().requires_grad and out.to_torch().grad_fn is None


def test_torch_in_torch_out_with_autograd():
    net = mlp()
    x = torch.ones(2, 3, 4)
    out = net(x)
    assert type(out) is torch.Tensor and out.requires_grad
    out.sum().backward()
    assert net.state_dict()["1.weight"].shape == (8, 12)
    assert all(p.grad is not None for p in net.parameters())


def test_torch_optimizer_trains_a_cell():
    torch.manual_seed(0)
    net = mlp()
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    x, y = torch.randn(16, 3, 4), torch.randint(0, 3, (16,))
    losses = []
    for _ in range(100):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] * 0.5
    # the msshim Parameter sees the torch optimizer's updates (same storage, same object)
    w = net[1].weight
    assert w.to_torch() is dict(net.named_parameters())["1.weight"]


def test_state_dict_round_trip_and_load():
    a, b = mlp(), mlp()
    b.load_state_dict(a.state_dict())
    x = Tensor(np.random.RandomState(0).rand(2, 3, 4).astype(np.float32))
    assert np.array_equal(a(x).asnumpy(), b(x).asnumpy())
    buf = io.BytesIO()
    torch.save(a.state_dict(), buf)
    buf.seek(0)
    assert list(torch.load(buf, weights_only=True)) == ["1.weight", "1.bias", "3.weight", "3.bias"]


def test_deepcopy_keeps_names_and_values():
    net = mlp()
    clone = copy.deepcopy(net)
    assert [p.name for p in clone.get_parameters()] == [p.name for p in net.get_parameters()]
    assert clone[1].weight.to_torch() is not net[1].weight.to_torch()
    x = Tensor(np.ones((1, 12), np.float32))
    assert np.array_equal(clone(x).asnumpy(), net(x).asnumpy())


def test_parameter_identity_and_set_data_keep_torch_object():
    net = nn.Dense(3, 2)
    w = net.weight
    assert net.weight is w and w.name == "weight"
    before = w.to_torch()
    w.set_data(Tensor(np.ones((2, 3), np.float64)))  # cast to the parameter's dtype, like MindSpore
    assert w.to_torch() is before and w.dtype == mstype.float32 and float(w.asnumpy().sum()) == 6.0
    assert type(w.data) is Tensor and w.data.to_torch().data_ptr() == w.to_torch().data_ptr()


def test_integer_parameter_reports_requires_grad_like_mindspore():
    p = Parameter(Tensor(np.array([1, 2, 3])))
    assert p.requires_grad is True and p.dtype == mstype.int64
    assert Parameter(1).dtype == mstype.int32 and Parameter(1.0).dtype == mstype.float32


def test_tensor_attribute_is_a_non_persistent_buffer():
    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.scale = Tensor(np.full((3,), 2.0, np.float32))
            self.dense = nn.Dense(3, 3)

        def construct(self, x):
            return self.dense(x) * self.scale

    net = Net()
    assert isinstance(net.scale, Tensor) and "scale" not in net.state_dict()
    assert [n for n, _ in net.parameters_and_names()] == ["dense.weight", "dense.bias"]
    assert net(Tensor(np.ones((1, 3), np.float32))).shape == (1, 3)


def test_set_train_and_trainable_params():
    net = mlp()
    assert net.set_train() is net and net.training
    net.set_train(False)
    assert not net[1].training
    assert len(net.trainable_params()) == 4 and net.untrainable_params() == []
    net[1].weight.requires_grad = False
    assert len(net.trainable_params()) == 3 and not net[1].weight.to_torch().requires_grad


def test_to_float_casts_inputs():
    net = nn.Dense(4, 2).to_float(mstype.float16)
    out = net(Tensor(np.ones((1, 4), np.float32)))
    assert out.dtype == mstype.float16


def test_insert_param_to_cell_rules():
    net = nn.Dense(2, 2)
    with pytest.raises(KeyError):
        net.insert_param_to_cell("a.b", Parameter(Tensor([1.0])))
    with pytest.raises(TypeError):
        net.insert_param_to_cell("x", Tensor([1.0]))
    net.insert_param_to_cell("extra", Parameter(Tensor([1.0])))
    assert net.extra.name == "extra" and "extra" in net.state_dict()


def test_dense_wrong_input_is_value_error():
    with pytest.raises(ValueError, match="For 'MatMul' the input dimensions must be equal"):
        nn.Dense(784, 10)(Tensor(np.ones((2, 5), np.float32)))
    with pytest.raises(TypeError, match="MatMul"):
        nn.Dense(784, 10)(Tensor(np.ones((2, 784), np.int32)))


def test_cell_without_construct_gives_clear_error():
    with pytest.raises(AttributeError, match="construct"):
        nn.Cell()(Tensor([1.0]))


def test_torch_compile_runs_a_cell():
    net = mlp()
    net.set_train(False)
    x = torch.randn(2, 3, 4)
    expected = net(x)
    compiled = torch.compile(net, backend="eager")
    assert torch.allclose(compiled(x), expected)


def test_torch_onnx_export_of_a_cell(tmp_path):
    onnx = pytest.importorskip("onnx")
    import onnxruntime as ort

    net = mlp()
    net.set_train(False)
    x = torch.randn(2, 3, 4)
    path = tmp_path / "mlp.onnx"
    torch.onnx.export(net, (x,), str(path), dynamo=False)
    onnx.checker.check_model(str(path))
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
    assert np.allclose(got, net(x).detach().numpy(), atol=1e-5)


@pytest.mark.cuda
def test_gpu_context_puts_cells_and_tensors_on_cuda():
    ms.set_context(device_target="GPU")
    try:
        net = mlp()
        x = Tensor(np.ones((2, 12), np.float32))
        assert x.to_torch().is_cuda and net[1].weight.to_torch().is_cuda
        out = net(x)
        assert out.to_torch().is_cuda and out.shape == (2, 3)
    finally:
        ms.set_context(device_target="CPU")


def test_torch_forward_hooks_fire_on_cells():
    net = mlp()
    seen = []
    handle = net[1].register_forward_hook(lambda cell, inputs, output: seen.append(output.shape))
    net(Tensor(np.ones((2, 3, 4), np.float32)))
    handle.remove()
    net(Tensor(np.ones((2, 3, 4), np.float32)))
    assert seen == [(2, 8)]


def test_torch_export_traces_a_cell_with_mindspore_names():
    from msshim._examples.nets import LeNet5

    net = LeNet5()
    x = torch.randn(2, 1, 32, 32)
    exported = torch.export.export(net, (x,))
    ops_used = {n.target.__name__ for n in exported.graph.nodes if n.op == "call_function"}
    assert {"conv2d.default", "max_pool2d.default", "linear.default", "relu.default"} <= ops_used
    assert list(exported.state_dict) == [n for n, _ in net.parameters_and_names()]
    assert torch.allclose(exported.module()(x), net(x))
