"""converters.plan: default renames, keep_names, Cell- and torch-model-aware plans, rule sets, refusals; and
MindSpore-written checkpoints converted to PyTorch names reproduce MindSpore's outputs (and back)."""
import json
import os
import sys

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import nn
from converters.plan import Entry, Step, plan
from converters.rules import builtin_rule_sets, load_rules
from msshim.train.ckpt_format import read_checkpoint

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "convert")
sys.path.insert(0, FIX)
from torch_nets import TorchNet, seeded_net  # noqa: E402
# the fixture network itself, built here by msshim (tests alias mindspore to msshim)
from make_convert import Net as MsNet  # noqa: E402


def E(name, *shape):
    return Entry(name, tuple(shape), "Float32")


def names(steps):
    return {s.src: s.dst for s in steps}


def apply(steps, values):
    """A local apply of Steps (reshape, then transpose) on numpy arrays."""
    out = {}
    for s in steps:
        v = values[s.src]
        v = v.reshape(s.reshape) if s.reshape is not None else v
        out[s.dst] = v.transpose(s.transpose) if s.transpose is not None else v
    return out


BN = [E("bn.moving_mean", 4), E("bn.moving_variance", 4), E("bn.gamma", 4), E("bn.beta", 4)]


# ------------------------------------------------------------------------------------------ defaults
def test_default_ms_to_torch_infers_layers_from_siblings():
    entries = BN + [E("ln.gamma", 5), E("ln.beta", 5), E("emb.embedding_table", 10, 6), E("act.w", 4),
                    E("fc.weight", 3, 9), E("fc.bias", 3), E("c1.weight", 6, 6, 1, 3)]
    got = names(plan(entries, "ms_to_torch"))
    assert got == {"bn.moving_mean": "bn.running_mean", "bn.moving_variance": "bn.running_var",
                   "bn.gamma": "bn.weight", "bn.beta": "bn.bias", "ln.gamma": "ln.weight", "ln.beta": "ln.bias",
                   "emb.embedding_table": "emb.weight", "act.w": "act.weight", "fc.weight": "fc.weight",
                   "fc.bias": "fc.bias", "c1.weight": "c1.weight"}


def test_default_w_with_siblings_is_not_prelu():
    got = names(plan([E("ffn.w", 4, 4), E("ffn.b", 4)], "ms_to_torch"))
    assert got == {"ffn.w": "ffn.w", "ffn.b": "ffn.b"}


def test_default_torch_to_ms_drops_num_batches_tracked_and_unsqueezes_conv1d():
    entries = [E("bn.weight", 4), E("bn.bias", 4), E("bn.running_mean", 4), E("bn.running_var", 4),
               Entry("bn.num_batches_tracked", (), "Int64"), E("ln.weight", 5), E("ln.bias", 5),
               E("fc.weight", 3, 9), E("fc.bias", 3), E("c1.weight", 6, 2, 3), E("rms.weight", 8)]
    steps = plan(entries, "torch_to_ms")
    got = names(steps)
    assert "bn.num_batches_tracked" not in got
    assert got["bn.weight"] == "bn.gamma" and got["bn.running_var"] == "bn.moving_variance"
    assert got["ln.weight"] == "ln.gamma" and got["ln.bias"] == "ln.beta"
    assert got["fc.weight"] == "fc.weight" and got["rms.weight"] == "rms.weight"
    assert [s for s in steps if s.src == "c1.weight"] == [Step("c1.weight", "c1.weight", reshape=(6, 2, 1, 3))]


def test_keep_names_and_drop():
    entries = BN + [E("moments.fc.weight", 3, 9), E("fc.weight", 3, 9)]
    steps = plan(entries, "ms_to_torch", keep_names=True, drop=[r"moments\..*", lambda e: e.name == "bn.beta"])
    assert [(s.src, s.dst) for s in steps] == [(e.name, e.name) for e in entries
                                               if not e.name.startswith("moments") and e.name != "bn.beta"]


def test_bad_direction():
    with pytest.raises(ValueError, match="direction"):
        plan([], "ms_to_onnx")


# ------------------------------------------------------------------------------------------ layer aware
def _ms_entries():
    return [Entry(n, tuple(v.shape), "Float32") for n, v in read_checkpoint(os.path.join(FIX, "ms_net.ckpt"))]


def test_cell_aware_plan_matches_torch_state_dict():
    steps = plan(_ms_entries(), "ms_to_torch", cell=MsNet())
    target = {k: tuple(v.shape) for k, v in TorchNet().state_dict().items() if "num_batches" not in k}
    shapes = {e.name: e.shape for e in _ms_entries()}
    assert {s.dst: (s.reshape or shapes[s.src]) for s in steps} == target
    assert [s for s in steps if s.reshape] == [Step("conv1d.weight", "conv1d.weight", reshape=(6, 6, 3))]


def test_torch_model_aware_plan_equals_cell_aware():
    by_cell = plan(_ms_entries(), "ms_to_torch", cell=MsNet())
    by_torch = plan(_ms_entries(), "ms_to_torch", torch_model=TorchNet())
    assert by_torch == by_cell


def test_layer_aware_unmatched_lists_every_name():
    entries = _ms_entries() + [E("global_step", 1), E("moments.fc.weight", 3, 9)]
    with pytest.raises(ValueError) as info:
        plan(entries[1:], "ms_to_torch", cell=MsNet())
    msg = str(info.value)
    assert "global_step" in msg and "moments.fc.weight" in msg and "conv.weight" in msg
    # drop takes the extras out
    plan(entries, "ms_to_torch", torch_model=TorchNet(), drop=["global_step", r"moments\..*"])


def test_layer_aware_shape_mismatch_is_unmatched():
    entries = [e if e.name != "fc.weight" else E("fc.weight", 4, 9) for e in _ms_entries()]
    with pytest.raises(ValueError, match=r"fc.weight \(shape \(4, 9\)"):
        plan(entries, "ms_to_torch", torch_model=TorchNet())


def test_cell_aware_batchnorm3d_and_conv1d_transpose():
    class C(nn.Cell):
        def __init__(self):
            super().__init__()
            self.bn3 = nn.BatchNorm3d(2)
            self.up = nn.Conv1dTranspose(2, 3, 3, has_bias=True)

        def construct(self, x):
            return x
    cell = C()
    entries = [Entry(p.name, tuple(p.shape), "Float32") for p in cell.get_parameters()]
    got = {s.src: (s.dst, s.reshape) for s in plan(entries, "ms_to_torch", cell=cell)}
    assert got["bn3.bn2d.gamma"] == ("bn3.weight", None)
    assert got["bn3.bn2d.moving_variance"] == ("bn3.running_var", None)
    assert got["up.weight"] == ("up.weight", (2, 3, 3))
    tm = torch.nn.Module()
    tm.bn3, tm.up = torch.nn.BatchNorm3d(2), torch.nn.ConvTranspose1d(2, 3, 3)
    back = plan([Entry(k, tuple(v.shape), "Float32") for k, v in tm.state_dict().items()], "torch_to_ms", cell=cell)
    assert {s.src: (s.dst, s.reshape) for s in back} == {
        "bn3.weight": ("bn3.bn2d.gamma", None), "bn3.bias": ("bn3.bn2d.beta", None),
        "bn3.running_mean": ("bn3.bn2d.moving_mean", None), "bn3.running_var": ("bn3.bn2d.moving_variance", None),
        "up.weight": ("up.weight", (2, 3, 1, 3)), "up.bias": ("up.bias", None)}


# ------------------------------------------------------------------------------------------ rules
def test_user_rules_with_transpose_reshape_and_fallback():
    rules = [{"pattern": r"enc\.(\d+)\.qkv", "replace": r"encoder.\1.in_proj_weight", "transpose": [1, 0]},
             {"pattern": r"head\.w", "replace": "head.weight", "reshape": [-1, 4]}]
    entries = [E("enc.0.qkv", 4, 12), E("head.w", 8), E("norm.gamma", 4), E("norm.beta", 4)]
    steps = plan(entries, "ms_to_torch", rules=rules)
    assert steps == [Step("enc.0.qkv", "encoder.0.in_proj_weight", None, (1, 0)),
                     Step("head.w", "head.weight", (2, 4), None),
                     Step("norm.gamma", "norm.weight"), Step("norm.beta", "norm.bias")]
    vals = {e.name: np.arange(np.prod(e.shape)).reshape(e.shape) for e in entries}
    out = apply(steps, vals)
    np.testing.assert_array_equal(out["encoder.0.in_proj_weight"], vals["enc.0.qkv"].T)


def test_rules_collision_lists_every_colliding_name(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"pattern": r"(a|b)\.weight", "replace": "x.weight"},
                                {"pattern": r"(c|d)\.bias", "replace": "y.bias"}]))
    with pytest.raises(ValueError) as info:
        plan([E("a.weight", 2), E("b.weight", 2), E("c.bias", 2), E("d.bias", 2), E("e.bias", 2)],
             "ms_to_torch", rules=str(path))
    msg = str(info.value)
    assert "x.weight <- a.weight, b.weight" in msg and "y.bias <- c.bias, d.bias" in msg


def test_rules_bad_files(tmp_path):
    with pytest.raises(ValueError, match="neither a file nor a built-in"):
        load_rules("no_such_rules")
    with pytest.raises(ValueError, match="'pattern'"):
        load_rules([{"replace": "x"}])
    with pytest.raises(ValueError, match="permutation"):
        load_rules([{"pattern": "x", "replace": "y", "transpose": [0, 0]}])


def test_builtin_sets_listed():
    assert builtin_rule_sets() == ["hf_bert", "hf_llama_mindformers", "torchvision_resnet", "torchvision_resnet_basic"]


def _roundtrip(entries, rule_set):
    fwd = plan(entries, "ms_to_torch", rules=rule_set)
    shapes = {e.name: e.shape for e in entries}
    back = plan([E(s.dst, *shapes[s.src]) for s in fwd], "torch_to_ms", rules=rule_set)
    assert {s.src: s.dst for s in back} == {s.dst: s.src for s in fwd}
    return names(fwd)


def test_torchvision_resnet_rules_names():
    ms_names = ["bn1.gamma", "bn1.moving_variance", "layer2.0.down_sample_layer.0.weight",
                "layer2.0.down_sample_layer.1.moving_mean", "end_point.bias"]
    got = _roundtrip([E(n, 4) for n in ms_names], "torchvision_resnet")
    assert got == {"bn1.gamma": "bn1.weight", "bn1.moving_variance": "bn1.running_var",
                   "layer2.0.down_sample_layer.0.weight": "layer2.0.downsample.0.weight",
                   "layer2.0.down_sample_layer.1.moving_mean": "layer2.0.downsample.1.running_mean",
                   "end_point.bias": "fc.bias"}


def test_hf_bert_rules():
    p = "bert.bert."
    ms_names = [p + "bert_embedding_lookup.embedding_table",
                p + "bert_embedding_postprocessor.token_type_embedding.embedding_table",
                p + "bert_embedding_postprocessor.full_position_embedding.embedding_table",
                p + "bert_embedding_postprocessor.layernorm.gamma", p + "bert_embedding_postprocessor.layernorm.beta",
                p + "bert_encoder.layers.11.attention.attention.query_layer.weight",
                p + "bert_encoder.layers.11.attention.attention.value_layer.bias",
                p + "bert_encoder.layers.11.attention.output.dense.weight",
                p + "bert_encoder.layers.11.attention.output.layernorm.gamma",
                p + "bert_encoder.layers.11.intermediate.weight", p + "bert_encoder.layers.11.output.dense.bias",
                p + "bert_encoder.layers.11.output.layernorm.beta", p + "dense.weight"]
    got = _roundtrip([E(n, 4) for n in ms_names], "hf_bert")
    q = "bert.bert."
    assert list(got.values()) == [
        q + "embeddings.word_embeddings.weight", q + "embeddings.token_type_embeddings.weight",
        q + "embeddings.position_embeddings.weight", q + "embeddings.LayerNorm.weight",
        q + "embeddings.LayerNorm.bias", q + "encoder.layer.11.attention.self.query.weight",
        q + "encoder.layer.11.attention.self.value.bias", q + "encoder.layer.11.attention.output.dense.weight",
        q + "encoder.layer.11.attention.output.LayerNorm.weight", q + "encoder.layer.11.intermediate.dense.weight",
        q + "encoder.layer.11.output.dense.bias", q + "encoder.layer.11.output.LayerNorm.bias",
        q + "pooler.dense.weight"]


def test_hf_llama_mindformers_rules_and_strictness():
    ms_names = ["model.tok_embeddings.embedding_weight", "model.layers.0.attention.wq.weight",
                "model.layers.0.attention.wk.weight", "model.layers.0.attention.wv.weight",
                "model.layers.0.attention.wo.weight", "model.layers.0.feed_forward.w1.weight",
                "model.layers.0.feed_forward.w2.weight", "model.layers.0.feed_forward.w3.weight",
                "model.layers.0.attention_norm.weight", "model.layers.0.ffn_norm.weight", "model.norm_out.weight",
                "lm_head.weight"]
    got = _roundtrip([E(n, 4) for n in ms_names], "hf_llama_mindformers")
    assert list(got.values()) == [
        "model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
        "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
        "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.down_proj.weight",
        "model.layers.0.mlp.up_proj.weight", "model.layers.0.input_layernorm.weight",
        "model.layers.0.post_attention_layernorm.weight", "model.norm.weight", "lm_head.weight"]
    with pytest.raises(ValueError, match=r"2 unmatched name\(s\): model.rope.freqs, adam_m.x"):
        plan([E(n, 4) for n in ms_names + ["model.rope.freqs", "adam_m.x"]], "ms_to_torch",
             rules="hf_llama_mindformers")


# ------------------------------------------------------------------------------------------ against MindSpore
def _ms_values():
    return dict(read_checkpoint(os.path.join(FIX, "ms_net.ckpt")))


@pytest.mark.parametrize("mode", ["cell", "torch_model"])
def test_mindspore_ckpt_loads_into_torch_and_reproduces_output(mode):
    fix = np.load(os.path.join(FIX, "ms_out.npz"))
    kw = {"cell": MsNet()} if mode == "cell" else {"torch_model": TorchNet()}
    sd = apply(plan(_ms_entries(), "ms_to_torch", **kw), _ms_values())
    net = TorchNet().eval()
    net.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}, strict=True)
    with torch.no_grad():
        out = net(torch.from_numpy(fix["x"]), torch.from_numpy(fix["ids"]).long()).numpy()
    np.testing.assert_allclose(out, fix["out"], rtol=1e-5, atol=1e-6)


def test_torch_names_back_to_msshim_cell_strict():
    fix = np.load(os.path.join(FIX, "ms_out.npz"))
    net = seeded_net()
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    steps = plan([Entry(k, tuple(v.shape), "Float32") for k, v in sd.items()], "torch_to_ms", cell=MsNet())
    cell = MsNet()
    params = {k: ms.Parameter(ms.Tensor(np.ascontiguousarray(v)), name=k) for k, v in apply(steps, sd).items()}
    not_loaded, ckpt_not_loaded = ms.load_param_into_net(cell, params, strict_load=True)
    assert not_loaded == [] and ckpt_not_loaded == []
    out = cell(ms.Tensor(fix["x"]), ms.Tensor(fix["ids"])).asnumpy()
    with torch.no_grad():
        ref = net(torch.from_numpy(fix["x"]), torch.from_numpy(fix["ids"]).long()).numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


def test_real_mindspore_loads_the_torch_to_ms_checkpoint():
    """from_torch.ckpt was planned by torch_to_ms (torch model aware); real MindSpore loaded it strictly."""
    rec = json.load(open(os.path.join(FIX, "ms_from_torch.json")))
    assert rec == {"param_not_load": [], "ckpt_not_load": []}
    fix = np.load(os.path.join(FIX, "ms_out.npz"))
    with torch.no_grad():
        ref = seeded_net()(torch.from_numpy(fix["x"]), torch.from_numpy(fix["ids"]).long()).numpy()
    np.testing.assert_allclose(np.load(os.path.join(FIX, "ms_from_torch.npz"))["out"], ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["cell", "model"])
def test_convert_file_end_to_end(tmp_path, mode):
    """The I/O layer (converters.convert) with these plans: MindSpore's .ckpt -> .pt loads strictly into
    the PyTorch net and reproduces MindSpore's output; .pt -> .ckpt loads strictly into the msshim twin."""
    convert = pytest.importorskip("converters.convert").convert
    fix = np.load(os.path.join(FIX, "ms_out.npz"))
    kw = {"cell": MsNet()} if mode == "cell" else {"model": TorchNet()}
    pt = tmp_path / "net.pt"
    convert(os.path.join(FIX, "ms_net.ckpt"), pt, progress=False, **kw)
    net = TorchNet().eval()
    net.load_state_dict(torch.load(pt, weights_only=True), strict=True)
    with torch.no_grad():
        out = net(torch.from_numpy(fix["x"]), torch.from_numpy(fix["ids"]).long()).numpy()
    np.testing.assert_allclose(out, fix["out"], rtol=1e-5, atol=1e-6)
    back = tmp_path / "back.ckpt"
    convert(pt, back, progress=False, **kw)
    cell = MsNet()
    assert ms.load_param_into_net(cell, ms.load_checkpoint(str(back)), strict_load=True) == ([], [])
    np.testing.assert_allclose(cell(ms.Tensor(fix["x"]), ms.Tensor(fix["ids"])).asnumpy(), fix["out"],
                               rtol=1e-5, atol=1e-6)
