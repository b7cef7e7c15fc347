"""``msshim convert`` / ``msshim inspect`` in a subprocess (entry points of the msshim.commands group)."""
import json
import os
import subprocess
import sys

import torch

from msshim.train.ckpt_format import read_checkpoint

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = os.path.join(HERE, "fixtures", "convert_io", "all_dtypes.ckpt")
ADAM = os.path.join(HERE, "fixtures", "convert_io", "adam.ckpt")
MSSHIM = [sys.executable, "-c", "import sys; from msshim.cli import main; sys.exit(main())"]


def _run(*args):
    return subprocess.run(MSSHIM + list(args), capture_output=True, text=True)


def test_convert_and_back(tmp_path):
    r = _run("convert", ALL, str(tmp_path / "a.pt"), "--keep-names")
    assert r.returncode == 0, r.stderr
    r = _run("convert", str(tmp_path / "a.pt"), str(tmp_path / "b.ckpt"), "--keep-names")
    assert r.returncode == 0, r.stderr
    with open(ALL, "rb") as f, open(tmp_path / "b.ckpt", "rb") as g:
        assert f.read() == g.read()


def test_weights_only(tmp_path):
    r = _run("convert", ADAM, str(tmp_path / "w.ckpt"), "--weights-only")
    assert r.returncode == 0, r.stderr
    names = json.load(open(os.path.join(HERE, "fixtures", "convert_io", "adam_names.json")))["weights"]
    assert [n for n, _ in read_checkpoint(tmp_path / "w.ckpt")] == names


def test_inspect_text_and_json(tmp_path):
    r = _run("inspect", ALL)
    assert r.returncode == 0, r.stderr
    assert "layer.bf16" in r.stdout and "BFloat16" in r.stdout and "total: 17 tensors" in r.stdout
    r = _run("inspect", ALL, "--json")
    data = json.loads(r.stdout)
    bf = [e for e in data["entries"] if e["name"] == "layer.bf16"][0]
    assert bf == {"name": "layer.bf16", "shape": [2, 3], "dtype": "BFloat16", "bytes": 12}


class _Evil:
    def __reduce__(self):
        return os.system, ("echo pwned > PWNED",)


def test_refuses_malicious_pt(tmp_path):
    torch.save({"x": _Evil()}, tmp_path / "evil.pt")
    for args in (("inspect", str(tmp_path / "evil.pt")), ("convert", str(tmp_path / "evil.pt"), str(tmp_path / "o.ckpt"))):
        r = subprocess.run(MSSHIM + list(args), capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode == 1 and "evil.pt" in r.stderr and "execute code" in r.stderr
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "o.ckpt").exists()


def test_bad_extension_message(tmp_path):
    r = _run("convert", ALL, str(tmp_path / "x.npz"))
    assert r.returncode == 1 and "extension" in r.stderr
