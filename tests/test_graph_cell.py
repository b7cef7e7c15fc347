"""nn.GraphCell on MindIR written by real MindSpore 2.10: outputs against MindSpore's own GraphCell outputs
(fixtures ms/*.npz g0.., ms_ops/*.npz), parameters by MindSpore name, params_init, set_data, dtypes, and
MindSpore's errors (messages recorded from real 2.10 runs)."""
from __future__ import annotations

import json

import ml_dtypes
import numpy as np
import pytest

import mindspore as ms
from mindspore import Parameter, Tensor, nn

from conftest import FIXTURES

MS = FIXTURES / "mindir" / "ms"
OPS = FIXTURES / "mindir" / "ms_ops"
MANIFEST = json.loads((FIXTURES / "mindir" / "manifest.json").read_text())
OPS_REPORT = json.loads((OPS / "report.json").read_text())


def assert_close(got: np.ndarray, want: np.ndarray) -> None:
    """1e-5 relative, with an absolute floor of 1e-6 of the output's scale (for entries near zero)."""
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6 * float(np.max(np.abs(want))))


def run_case(path, npz_path):
    data = np.load(npz_path)
    cell = nn.GraphCell(ms.load(str(path)))
    xs = [Tensor(data[f"x{i}"]) for i in range(sum(k.startswith("x") for k in data))]
    out = cell(*xs)
    outs = out if isinstance(out, tuple) else (out,)
    wants = [data[f"g{i}"] for i in range(sum(k.startswith("g") for k in data))]
    assert len(outs) == len(wants)
    for got, want in zip(outs, wants):
        assert isinstance(got, Tensor)
        assert_close(got.asnumpy(), want)
    return cell, outs


@pytest.mark.parametrize("case", ["tutorial_mlp", "lenet5", "basic_block", "embed_ln", "grouped_deconv"])
def test_outputs_match_mindspore_graph_cell(case):
    cell, outs = run_case(MS / f"{case}.mindir", MS / f"{case}.npz")
    assert [list(o.shape) for o in outs] == [s for s, _ in MANIFEST[case]["outputs"]]


@pytest.mark.parametrize("case", ["elementwise", "activations", "shapes", "batch_matmul", "convs", "more_ops",
                                  "transformer_layer", "resnet_stem"])
def test_primitive_families_match_mindspore(case):
    cell, _ = run_case(OPS / f"{case}.mindir", OPS / f"{case}.npz")
    assert [[n, list(p.shape)] for n, p in cell.parameters_and_names()] == OPS_REPORT[case]["params"]


def test_encrypted_and_split_files_run():
    cell = nn.GraphCell(ms.load(str(MS / "lenet5_enc.mindir"), dec_key=b"0123456789abcdef"))
    data = np.load(MS / "lenet5.npz")
    assert_close(cell(Tensor(data["x0"])).asnumpy(), data["g0"])
    cell = nn.GraphCell(ms.load(str(MS / "lenet5_split_graph.mindir")))
    assert_close(cell(Tensor(data["x0"])).asnumpy(), data["g0"])


def test_tuple_output_is_a_tuple_of_tensors():
    data = np.load(MS / "basic_block.npz")
    out = nn.GraphCell(ms.load(str(MS / "basic_block.mindir")))(Tensor(data["x0"]))
    assert isinstance(out, tuple) and len(out) == 2 and all(isinstance(o, Tensor) for o in out)


def test_parameters_by_mindspore_name_in_mindspore_order():
    cell = nn.GraphCell(ms.load(str(MS / "basic_block.mindir")))
    # what real MindSpore 2.10's GraphCell.parameters_and_names() listed for this file (graph order)
    expected = ["conv1.weight", "bn1.gamma", "bn1.beta", "bn1.moving_mean", "bn1.moving_variance", "conv2.weight",
                "bn2.gamma", "bn2.beta", "bn2.moving_mean", "bn2.moving_variance", "down_sample_layer.0.weight",
                "down_sample_layer.1.gamma", "down_sample_layer.1.beta", "down_sample_layer.1.moving_mean",
                "down_sample_layer.1.moving_variance"]
    assert [n for n, _ in cell.parameters_and_names()] == expected
    assert [p.name for p in cell.get_parameters()] == expected
    assert list(cell.parameters_dict()) == expected
    assert [p.name for p in cell.trainable_params()] == expected  # MindSpore: all trainable
    p = cell.parameters_dict()["conv1.weight"]
    assert isinstance(p, Parameter) and p.shape == (8, 3, 3, 3) and p.requires_grad


def test_parameter_values_are_the_files(samples):
    report = json.loads((samples / "report.json").read_text())["run_mindir"]
    for name in ("tutorial", "lenet5"):
        cell = nn.GraphCell(ms.load(str(samples / f"{name}.mindir")))
        assert [[n, list(p.shape)] for n, p in cell.parameters_and_names()] == \
            report[f"{name}.mindir"]["graphcell_params"]
    cell = nn.GraphCell(ms.load(str(samples / "lenet5.mindir")))
    graph = ms.load(str(samples / "lenet5.mindir"))
    np.testing.assert_array_equal(cell.parameters_dict()["fc1.weight"].asnumpy(), graph.parameters["fc1.weight"])


def test_reference_samples_match_eager_outputs(samples):
    for mindir, x, y in (("tutorial", "x_tutorial", "y_tutorial"), ("lenet5", "x_lenet", "y_lenet"),
                         ("lenet5_userinfo", "x_lenet", "y_lenet")):
        cell = nn.GraphCell(ms.load(str(samples / f"{mindir}.mindir")))
        assert_close(cell(Tensor(np.load(samples / f"{x}.npy"))).asnumpy(), np.load(samples / f"{y}.npy"))


def test_params_init_all_zero_gives_zero_output(samples):
    """Real MindSpore 2.10 printed all zeros for LeNet5 with every weight zeroed (report.json)."""
    graph = ms.load(str(samples / "lenet5.mindir"))
    zeros = {n: Tensor(np.zeros(a.shape, np.float32)) for n, a in graph.parameters.items()}
    out = nn.GraphCell(graph, params_init=zeros)(Tensor(np.load(samples / "x_lenet.npy")))
    want = np.array(json.loads((samples / "report.json").read_text())["run_mindir"]["params_init_zero_out"],
                    np.float32)
    np.testing.assert_array_equal(out.asnumpy(), want)


def test_params_init_overrides_by_name_and_ignores_unknown_names():
    graph = ms.load(str(MS / "lenet5.mindir"))
    bias = graph.parameters["fc3.bias"]
    init = {"fc3.weight": Parameter(Tensor(np.zeros((10, 84), np.float32)), name="w"),
            "not.a.parameter": Tensor(np.ones(3, np.float32))}
    cell = nn.GraphCell(graph, params_init=init)
    out = cell(Tensor(np.load(MS / "lenet5.npz")["x0"])).asnumpy()
    np.testing.assert_array_equal(out, np.broadcast_to(bias, (2, 10)))  # only the bias path is left
    np.testing.assert_array_equal(cell.parameters_dict()["fc3.weight"].asnumpy(), 0)
    assert "not.a.parameter" not in cell.parameters_dict()
    # the loaded graph itself is untouched: a new GraphCell sees the file's weights
    data = np.load(MS / "lenet5.npz")
    assert_close(nn.GraphCell(graph)(Tensor(data["x0"])).asnumpy(), data["g0"])


def test_set_data_after_construction_is_used():
    """Real MindSpore 2.10: fc3.bias := 7 then zeros input -> these outputs (first row)."""
    cell = nn.GraphCell(ms.load(str(MS / "lenet5.mindir")))
    x = Tensor(np.zeros((2, 1, 32, 32), np.float32))
    before = cell(x).asnumpy()
    cell.parameters_dict()["fc3.bias"].set_data(Tensor(np.ones(10, np.float32) * 7))
    after = cell(x).asnumpy()
    want = np.array([8.195177, 7.1498165, 9.749632, 7.1680818, 5.65977, 5.2931204, 7.72622, 5.155239, 7.1173115,
                     9.179266], np.float32)
    np.testing.assert_allclose(after[0], want, rtol=1e-5)
    assert not np.allclose(before, after)


@pytest.mark.parametrize("shape", [(5,), (10, 1)])
def test_params_init_of_another_shape(shape):
    with pytest.raises(ValueError) as e:
        nn.GraphCell(ms.load(str(MS / "lenet5.mindir")), params_init={"fc3.bias": Tensor(np.zeros(shape, np.float32))})
    dims = ", ".join(map(str, shape))
    assert str(e.value) == (
        "Only support update parameter by Tensor or Parameter with same shape and dtype as it. The parameter "
        "'fc3.bias' has shape [const vector]{10} and dtype Float32, but got the update value with shape "
        f"[const vector]{{{dims}}} and dtype Float32.")


def test_params_init_of_another_dtype():
    with pytest.raises(ValueError) as e:
        nn.GraphCell(ms.load(str(MS / "lenet5.mindir")), params_init={"fc3.bias": Tensor(np.zeros(10, np.float64))})
    assert "has shape [const vector]{10} and dtype Float32, but got the update value with shape [const " \
           "vector]{10} and dtype Float64." in str(e.value)


def test_params_init_value_types():
    graph = ms.load(str(MS / "lenet5.mindir"))
    with pytest.raises(TypeError) as e:
        nn.GraphCell(graph, params_init={"fc3.bias": np.zeros(10, np.float32)})
    assert str(e.value) == ("For 'GraphCell', the key of the 'params_init' must be str, and the value must be Tensor "
                            "or Parameter, but got the key type: <class 'str'>, and the value type: "
                            "<class 'numpy.ndarray'>")
    with pytest.raises(TypeError) as e:
        nn.GraphCell(graph, params_init={1: Tensor(np.zeros(10, np.float32))})
    assert "but got the key type: <class 'int'>" in str(e.value)
    with pytest.raises(TypeError) as e:
        nn.GraphCell(graph, params_init=[1])
    assert str(e.value) == "For 'GraphCell', the argument 'params_init' must be a dict, but got <class 'list'>."


def test_graph_must_come_from_load():
    with pytest.raises(TypeError) as e:
        nn.GraphCell("x")
    assert str(e.value) == ("For 'GraphCell', the argument 'graph' must be a FuncGraph loaded from MindIR, but got "
                            "type <class 'str'>.")


def test_obfuscation_seed_is_not_supported():
    with pytest.raises(NotImplementedError) as e:
        nn.GraphCell(ms.load(str(MS / "lenet5.mindir")), obf_random_seed=1)
    assert str(e.value) == "Dynamic structure obfuscation is not supported now."


def test_another_batch_size_runs_like_mindspore():
    """MindSpore re-infers shapes: a batch-2 export runs on batch 1 (and 5) inputs."""
    data = np.load(MS / "lenet5.npz")
    cell = nn.GraphCell(ms.load(str(MS / "lenet5.mindir")))
    assert_close(cell(Tensor(data["x0"][:1])).asnumpy(), data["g0"][:1])
    assert cell(Tensor(np.concatenate([data["x0"]] * 3)[:5])).shape == (5, 10)


def test_wrong_number_of_inputs():
    cell = nn.GraphCell(ms.load(str(MS / "lenet5.mindir")))
    x = Tensor(np.zeros((2, 1, 32, 32), np.float32))
    for args in ((), (x, x)):
        with pytest.raises(RuntimeError) as e:
            cell(*args)
        assert str(e.value).startswith("The input number of parameters is not Compatible.")
        assert f"Mindir:1 inputs: {len(args)}" in str(e.value)


def test_wrong_input_dtype_and_type():
    cell = nn.GraphCell(ms.load(str(MS / "lenet5.mindir")))
    with pytest.raises(RuntimeError) as e:
        cell(Tensor(np.zeros((2, 1, 32, 32), np.float64)))
    assert "Tensor[Float32]" in str(e.value) and "Tensor[Float64]" in str(e.value)
    with pytest.raises(TypeError):
        cell(np.zeros((2, 1, 32, 32), np.float32))


def test_wrong_input_shape():
    cell = nn.GraphCell(ms.load(str(MS / "lenet5.mindir")))
    with pytest.raises(ValueError) as e:
        cell(Tensor(np.zeros((2, 32, 32), np.float32)))
    assert "'x' must have rank 4" in str(e.value)
    with pytest.raises(ValueError) as e:
        cell(Tensor(np.zeros((2, 1, 30, 30), np.float32)))  # LeNet's Dense needs 16*5*5 features
    assert "(2, 1, 30, 30)" in str(e.value)


def test_int32_inputs():
    data = np.load(MS / "embed_ln.npz")
    assert data["x0"].dtype == np.int32
    run_case(MS / "embed_ln.mindir", MS / "embed_ln.npz")


@pytest.mark.parametrize("name,dtype", [("dense_fp16", np.float16), ("dense_f64", np.float64)])
def test_half_and_double_graphs(samples, name, dtype):
    data = np.load(OPS / f"sample_{name}.npz")
    cell = nn.GraphCell(ms.load(str(samples / f"{name}.mindir")))
    out = cell(Tensor(data["x0"].astype(dtype)))
    assert out.asnumpy().dtype == dtype
    tol = 1e-3 if dtype == np.float16 else 1e-12
    np.testing.assert_allclose(out.asnumpy().astype(np.float32), data["g0"], rtol=tol, atol=tol)
    assert [[n, list(p.shape), str(p.dtype)] for n, p in cell.parameters_and_names()] == \
        OPS_REPORT[f"sample_{name}"]["params"]


def test_bfloat16_graph(samples):
    """MindSpore 2.10 cannot run bf16 MatMul on CPU; msshim computes in float32 and rounds to bf16."""
    graph = ms.load(str(samples / "dense_bf16.mindir"))
    cell = nn.GraphCell(graph)
    x = np.random.RandomState(7).uniform(-1, 1, (1, 4)).astype(ml_dtypes.bfloat16)
    out = cell(Tensor(x.astype(np.float32)).astype(ms.bfloat16))
    assert out.dtype == ms.bfloat16
    w = graph.parameters["weight"].astype(np.float32)
    b = graph.parameters["bias"].astype(np.float32)
    want = (x.astype(np.float32) @ w.T + b).astype(ml_dtypes.bfloat16).astype(np.float32)
    np.testing.assert_array_equal(out.astype(ms.float32).asnumpy(), want)


def test_unsupported_primitives_are_all_listed(tmp_path):
    from msshim.train._mindir.builder import MindIRBuilder

    b = MindIRBuilder("g")
    x = b.add_input("x", (2, 3), np.float32)
    y = b.node("FooBar", [x])
    y = b.node("ReLU", [y])
    y = b.node("Baz", [y, b.constant(1)])
    y = b.node("FooBar", [y])
    b.set_outputs([y], [((2, 3), np.float32)])
    path = tmp_path / "unknown.mindir"
    path.write_bytes(b.finish().SerializeToString())
    graph = ms.load(str(path))
    with pytest.raises(RuntimeError) as e:
        nn.GraphCell(graph)
    assert str(e.value) == (f"For 'GraphCell', the MindIR '{path}' uses primitives that msshim cannot run on "
                            f"onnxruntime: FooBar, Baz.")


@pytest.mark.cuda
def test_cuda_provider_when_device_target_is_gpu():
    import onnxruntime as ort

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        pytest.skip("onnxruntime-gpu is not installed")
    ms.set_context(device_target="GPU")
    try:
        data = np.load(MS / "lenet5.npz")
        cell = nn.GraphCell(ms.load(str(MS / "lenet5.mindir")))
        assert cell._session.get_providers()[0] == "CUDAExecutionProvider"
        np.testing.assert_allclose(cell(Tensor(data["x0"])).asnumpy(), data["g0"], rtol=1e-4, atol=1e-4)
    finally:
        ms.set_context(device_target="CPU")


def test_nested_and_single_tuple_outputs_keep_their_structure(tmp_path):
    from msshim.train._mindir.builder import MindIRBuilder

    def build(nested: bool):
        b = MindIRBuilder("g")
        x = b.add_input("x", (2, 3), np.float32)
        r, s = b.node("ReLU", [x]), b.node("Sigmoid", [x])
        out = b.make_tuple([b.make_tuple([r, s]), x]) if nested else b.make_tuple([r])
        b.graph.output.add(name=out)
        path = tmp_path / f"{nested}.mindir"
        path.write_bytes(b.finish().SerializeToString())
        return nn.GraphCell(ms.load(str(path)))

    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    (r, s), same = build(True)(Tensor(x))
    np.testing.assert_array_equal(r.asnumpy(), np.maximum(x, 0))
    np.testing.assert_allclose(s.asnumpy(), 1 / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_array_equal(same.asnumpy(), x)
    single = build(False)(Tensor(x))
    assert isinstance(single, tuple) and len(single) == 1


def test_weights_changed_repeatedly_are_always_current():
    """After the first rebuild the parameters are fed per call: every later change is seen at once."""
    graph = ms.load(str(MS / "lenet5.mindir"))
    cell = nn.GraphCell(graph)
    x = Tensor(np.load(MS / "lenet5.npz")["x0"])
    bias = cell.parameters_dict()["fc3.bias"]
    base = cell(x).asnumpy() - graph.parameters["fc3.bias"]
    for step in range(4):
        bias.set_data(Tensor(np.full(10, step, np.float32)))
        np.testing.assert_allclose(cell(x).asnumpy(), base + step, rtol=1e-5, atol=1e-4)
    weight = cell.parameters_dict()["fc3.weight"]
    weight.set_data(Tensor(np.zeros((10, 84), np.float32)))
    np.testing.assert_array_equal(cell(x).asnumpy(), np.full((2, 10), 3, np.float32))


def test_parameters_reach_onnxruntime_without_protobuf_copies():
    """The translated graph GraphCell runs carries no parameter bytes (they are handed to onnxruntime from the
    Parameters' memory); outputs still equal MindSpore's."""
    graph = ms.load(str(MS / "tutorial_mlp.mindir"))  # 2.7 MB of weights
    cell = nn.GraphCell(graph)
    assert len(cell._model_bytes) < 20_000
    data = np.load(MS / "tutorial_mlp.npz")
    out = cell(Tensor(data["x0"])).asnumpy()
    assert np.abs(out - data["y0"]).max() <= 1e-5 * np.abs(data["y0"]).max()  # summation order differs


def test_split_file_parameters_are_read_once_and_shared():
    """A split file's parameters live in one buffer read from its data file; GraphCell's Parameters use that
    memory (MindSpore's GraphCell likewise shares its FuncGraph's parameters) and give MindSpore's outputs."""
    graph = ms.load(str(MS / "lenet5_split_graph.mindir"))
    cell = nn.GraphCell(graph)
    weight = cell.parameters_dict()["fc1.weight"]
    assert np.shares_memory(weight.asnumpy(), graph.parameters["fc1.weight"])
    data = np.load(MS / "lenet5.npz")
    np.testing.assert_allclose(cell(Tensor(data["x0"])).asnumpy(), data["y0"], rtol=1e-5, atol=1e-6)
