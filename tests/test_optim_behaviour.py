"""Optimizer behaviour beyond the MindSpore fixtures: documented formulas the CPU wheel cannot show
(Nesterov Momentum, gradient centralization), hyper-parameters changed or reloaded between steps, the
tutorial's training flows, a custom MindSpore-style optimizer, and torch interop."""
import copy

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import Parameter, Tensor, load_param_into_net, nn, ops


def _param(values, name="w"):
    return Parameter(Tensor(np.array(values, np.float32)), name=name)


def _grads(*values):
    return tuple(Tensor(np.array(v, np.float32)) for v in values)


def test_momentum_nesterov_follows_documented_formula():
    # MindSpore docs: v = v * u + g; p -= lr * (g + u * v)  (the 2.10 CPU kernel ignores use_nesterov)
    w = _param([1.0, 2.0])
    opt = nn.Momentum([w], 0.1, 0.9, use_nesterov=True)
    g = _grads([0.5, -1.0])
    opt(g)
    np.testing.assert_allclose(w.asnumpy(), [1 - 0.1 * (0.5 + 0.9 * 0.5), 2 - 0.1 * (-1.0 - 0.9)], rtol=1e-6)
    opt(g)
    v = 0.9 * 0.5 + 0.5
    np.testing.assert_allclose(w.asnumpy()[0], 0.905 - 0.1 * (0.5 + 0.9 * v), rtol=1e-6)
    np.testing.assert_allclose(opt.moments[0].asnumpy(), [v, -1.9], rtol=1e-6)


def test_adagrad_update_slots_false_keeps_accum():
    # MindSpore docs: with update_slots=False ``accum`` is not updated (the 2.10 CPU kernel updates it anyway)
    w = _param([1.0, 1.0])
    opt = nn.Adagrad([w], accum=0.25, learning_rate=0.1, update_slots=False)
    opt(_grads([1.0, -2.0]))
    np.testing.assert_allclose(opt.accum[0].asnumpy(), [0.25, 0.25])
    np.testing.assert_allclose(w.asnumpy(), [1 - 0.1 * 1 / 0.5, 1 + 0.1 * 2 / 0.5], rtol=1e-6)


def test_grad_centralization_groups():
    """Groups with grad_centralization subtract the mean over axes 1.. from rank>=2 gradients whose dim 1 is a
    multiple of 16 (MindSpore's rule; its CPU wheel has no Centralization kernel)."""
    rs = np.random.RandomState(0)
    a, b, c = (_param(rs.uniform(-1, 1, s), n) for s, n in (((4, 16), "a"), ((16, 8), "b"), ((16,), "c")))
    start = [p.asnumpy().copy() for p in (a, b, c)]
    opt = nn.Momentum([{"params": [a, b, c], "grad_centralization": True}], 0.1, 0.0)
    g = [rs.standard_normal(p.shape).astype(np.float32) for p in (a, b, c)]
    opt(_grads(*g))
    np.testing.assert_allclose(a.asnumpy(), start[0] - 0.1 * (g[0] - g[0].mean(axis=1, keepdims=True)), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(b.asnumpy(), start[1] - 0.1 * g[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.asnumpy(), start[2] - 0.1 * g[2], rtol=1e-5, atol=1e-6)


def test_learning_rate_and_momentum_written_between_steps():
    w = _param([1.0, 1.0])
    opt = nn.SGD([w], 0.1)
    g = _grads([1.0, 2.0])
    opt(g)
    opt.learning_rate.set_data(Tensor(0.5, ms.float32))
    opt(g)
    np.testing.assert_allclose(w.asnumpy(), [1 - 0.1 - 0.5, 1 - 0.2 - 1.0], rtol=1e-6)
    ops.assign(opt.learning_rate, Tensor(0.25, ms.float32))
    opt(g)
    np.testing.assert_allclose(w.asnumpy(), [0.4 - 0.25, -0.2 - 0.5], rtol=1e-6)

    w2 = _param([0.0])
    mom = nn.Momentum([w2], 1.0, 0.9)
    mom(_grads([1.0]))
    mom.momentum.set_data(Tensor(0.0, ms.float32))
    mom(_grads([1.0]))  # accum = accum * 0 + g
    np.testing.assert_allclose(mom.moments[0].asnumpy(), [1.0])
    np.testing.assert_allclose(w2.asnumpy(), [-2.0])


def test_loaded_global_step_moves_dynamic_lr():
    w = _param([0.0])
    opt = nn.SGD([w], [0.1, 0.2, 0.3, 0.4])
    load_param_into_net(opt, {"global_step": Parameter(Tensor(np.array([2], np.int32)), name="global_step")})
    opt(_grads([1.0]))
    np.testing.assert_allclose(w.asnumpy(), [-0.3], rtol=1e-6)
    assert float(opt.get_lr().asnumpy()) == pytest.approx(0.4)
    assert opt.global_step.asnumpy().tolist() == [3]
    opt(_grads([1.0]))
    with pytest.raises(RuntimeError, match="Gather"):
        opt(_grads([1.0]))


def test_sgd_stat_reloaded_restarts_momentum():
    """Where ``stat > 0`` MindSpore's SGD kernel sets ``accum = g`` (no dampening) and clears ``stat``."""
    w = _param([0.0, 0.0])
    opt = nn.SGD([w], 1.0, momentum=0.5, dampening=0.5)
    opt(_grads([1.0, 1.0]))
    opt(_grads([1.0, 1.0]))
    np.testing.assert_allclose(opt.accum[0].asnumpy(), [1.0, 1.0])  # 0.5 * 1 + 0.5 * 1
    load_param_into_net(opt, {"stat.w": Parameter(Tensor(np.array([1.0, 0.0], np.float32)), name="stat.w"),
                              "w": Parameter(Tensor(np.zeros(2, np.float32)), name="w")})
    opt(_grads([4.0, 4.0]))
    np.testing.assert_allclose(opt.accum[0].asnumpy(), [4.0, 0.5 + 2.0])
    np.testing.assert_allclose(w.asnumpy(), [-4.0, -2.5])
    np.testing.assert_allclose(opt.stat[0].asnumpy(), [0.0, 0.0])
    opt(_grads([2.0, 2.0]))
    np.testing.assert_allclose(opt.accum[0].asnumpy(), [2.0 + 1.0, 1.25 + 1.0])


def test_adam_uses_loaded_beta_powers():
    w = _param([0.0])
    opt = nn.Adam([w], learning_rate=0.1, beta1=0.5, beta2=0.5)
    load_param_into_net(opt, {"beta1_power": Parameter(Tensor(0.25, ms.float32), name="beta1_power"),
                              "beta2_power": Parameter(Tensor(0.25, ms.float32), name="beta2_power")})
    opt(_grads([2.0]))
    # powers 0.125; m = 1, v = 2; lr_t = 0.1 * sqrt(0.875) / 0.875
    expected = -0.1 * np.sqrt(0.875) / 0.875 * 1.0 / (np.sqrt(2.0) + 1e-8)
    np.testing.assert_allclose(w.asnumpy(), [expected], rtol=1e-6)
    assert float(opt.beta1_power.asnumpy()) == 0.125


def test_public_helpers():
    w, gamma = _param([1.0, 2.0], "w"), _param([3.0], "bn.gamma")
    opt = nn.Momentum([w, gamma], 0.1, 0.9, weight_decay=0.5, loss_scale=4.0)
    g = _grads([1.0, 1.0], [1.0])
    decayed = opt.decay_weight(g)
    np.testing.assert_allclose(decayed[0].asnumpy(), [1 + 1.0 * 2.0, 1 + 2.0 * 2.0])  # wd * loss_scale
    np.testing.assert_allclose(decayed[1].asnumpy(), [1.0])
    np.testing.assert_allclose(opt.scale_grad(g)[0].asnumpy(), [0.25, 0.25])
    assert opt.get_lr_parameter(w).name == "learning_rate"
    assert float(opt.get_weight_decay().asnumpy()) == 2.0


def test_tutorial_value_and_grad_flow_trains():
    net = nn.SequentialCell(nn.Dense(4, 8), nn.ReLU(), nn.Dense(8, 1))
    loss_fn = nn.MSELoss()
    optimizer = nn.SGD(net.trainable_params(), 0.1)

    def forward_fn(data, label):
        logits = net(data)
        return loss_fn(logits, label), logits

    grad_fn = ms.value_and_grad(forward_fn, None, optimizer.parameters, has_aux=True)
    rs = np.random.RandomState(0)
    x = Tensor(rs.uniform(-1, 1, (16, 4)).astype(np.float32))
    y = Tensor(rs.uniform(-1, 1, (16, 1)).astype(np.float32))
    losses = []
    for _ in range(30):
        (loss, _), grads = grad_fn(x, y)
        optimizer(grads)
        losses.append(float(loss.asnumpy()))
    assert losses[-1] < 0.8 * losses[0]
    assert all(p._t.grad_fn is None and p._t.grad is None for p in net.trainable_params())
    assert optimizer.global_step.asnumpy().tolist() == [30]


class MyMomentum(nn.Optimizer):
    """The custom optimizer of MindSpore's "Optimizers" tutorial."""

    def __init__(self, params, learning_rate, momentum=0.9):
        super().__init__(learning_rate, params)
        self.momentum = Parameter(Tensor(momentum, ms.float32), name="momentum")
        self.moments = self.parameters.clone(prefix="moments", init="zeros")

    def construct(self, gradients):
        lr = self.get_lr()
        params = self.parameters
        for i in range(len(params)):
            ops.assign(self.moments[i], self.moments[i] * self.momentum + gradients[i])
            ops.assign(params[i], params[i] - self.moments[i] * lr)
        return params


def test_custom_optimizer_matches_momentum():
    rs = np.random.RandomState(1)
    a = [_param(rs.uniform(-1, 1, (3, 2)), "x"), _param(rs.uniform(-1, 1, (2,)), "y")]
    b = [_param(p.asnumpy(), p.name) for p in a]
    mine, ref = MyMomentum(a, 0.1), nn.Momentum(b, 0.1, 0.9)
    assert [n for n, _ in mine.parameters_and_names()] == [n for n, _ in ref.parameters_and_names()]
    for _ in range(3):
        g = _grads(*(rs.standard_normal(p.shape) for p in a))
        mine(g)
        ref(g)
    for p, q in zip(a + list(mine.moments), b + list(ref.moments)):
        np.testing.assert_allclose(p.asnumpy(), q.asnumpy(), rtol=1e-6)


def test_state_dict_round_trip_and_deepcopy():
    net = nn.Dense(3, 2)
    opt = nn.Adam(net.trainable_params(), learning_rate=0.01)
    opt(_grads(np.ones((2, 3)), np.ones(2)))
    sd = opt.state_dict()
    assert list(sd)[:2] == ["global_step", "learning_rate"] and "moment1.weight" in sd
    fresh = nn.Adam(nn.Dense(3, 2).trainable_params(), learning_rate=0.01)
    # strict=False: torch flags keys with a dot that name no child module ("moment1.weight") as unexpected,
    # although it loads them (they are this module's own parameters).
    result = fresh.load_state_dict(sd, strict=False)
    assert result.missing_keys == []
    np.testing.assert_array_equal(fresh.moment1[0].asnumpy(), opt.moment1[0].asnumpy())
    assert fresh.global_step.asnumpy().tolist() == [1]
    assert float(fresh.beta1_power.asnumpy()) == pytest.approx(0.9)
    twin = copy.deepcopy(opt)
    twin(_grads(np.ones((2, 3)), np.ones(2)))
    assert opt.global_step.asnumpy().tolist() == [1] and twin.global_step.asnumpy().tolist() == [2]
    assert not np.allclose(twin.parameters[0].asnumpy(), opt.parameters[0].asnumpy())


def test_torch_gradients_accepted():
    w = _param([1.0])
    nn.SGD([w], 0.5)((torch.tensor([2.0]),))
    np.testing.assert_allclose(w.asnumpy(), [0.0])


@pytest.mark.cuda
def test_cuda_state_lives_with_parameters():
    ms.set_context(device_target="GPU")
    try:
        net = nn.Dense(3, 2)
        opt = nn.Adam(net.trainable_params())
        assert {p._t.device.type for _, p in opt.parameters_and_names()} == {"cuda"}
        opt(tuple(Tensor(np.ones(p.shape, np.float32)) for p in opt.parameters))
        assert opt.global_step.asnumpy().tolist() == [1]
    finally:
        ms.set_context(device_target="CPU")


def test_lamb_follows_documented_formula():
    """MindSpore's CPU wheel has no Lamb kernel: check the documented update (trust ratio per tensor)."""
    rs = np.random.RandomState(2)
    w0, gamma0 = rs.uniform(-1, 1, (3, 4)), rs.uniform(0.5, 1.5, (4,))
    w, gamma = _param(w0, "w"), _param(gamma0, "ln.gamma")
    opt = nn.Lamb([w, gamma], 0.01, weight_decay=0.1)
    ref = [w0.astype(np.float64), gamma0.astype(np.float64)]
    m = [np.zeros_like(x) for x in ref]
    v = [np.zeros_like(x) for x in ref]
    for t in range(1, 4):
        g = [rs.standard_normal(x.shape) for x in ref]
        opt(_grads(*g))
        for i, wd in enumerate((0.1, 0.0)):  # 'gamma' is not decayed
            m[i] = 0.9 * m[i] + 0.1 * g[i]
            v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2
            r = (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-6) + wd * ref[i]
            ref[i] = ref[i] - 0.01 * np.linalg.norm(ref[i]) / np.linalg.norm(r) * r
    np.testing.assert_allclose(w.asnumpy(), ref[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gamma.asnumpy(), ref[1], rtol=1e-5, atol=1e-6)
    assert [n for n, _ in opt.parameters_and_names()][-4:] == ["lamb_m.w", "lamb_m.ln.gamma", "lamb_v.w",
                                                               "lamb_v.ln.gamma"]


def test_ftrl_l1_uses_sign_of_linear():
    """Documented FTRL: w = (sign(linear) * l1 - linear) / quadratic when |linear| > l1 (MindSpore 2.10's CPU
    kernel uses +l1 for both signs)."""
    w = _param([0.0, 0.0])
    opt = nn.FTRL([w], initial_accum=1.0, learning_rate=1.0, l1=0.5, l2=0.0)
    opt(_grads([2.0, -2.0]))
    # accum 1 -> 5; linear = g - (sqrt(5) - 1) * 0 = +-2; w = (sign * 0.5 - linear) / sqrt(5)
    np.testing.assert_allclose(w.asnumpy(), [(0.5 - 2.0) / np.sqrt(5.0), (-0.5 + 2.0) / np.sqrt(5.0)], rtol=1e-6)
    np.testing.assert_allclose(opt.linear[0].asnumpy(), [2.0, -2.0])
    np.testing.assert_allclose(opt.moments[0].asnumpy(), [5.0, 5.0])
