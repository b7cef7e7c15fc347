"""The ``msshim`` command line.

``msshim run script.py [args]`` (also ``python -m msshim run ...``) runs an unchanged MindSpore script with
``import mindspore`` resolved to msshim; ``msshim run --nproc N script.py`` starts N such workers through torch's
launcher (torchrun, see ``msshim/_launch.py``); ``msshim demo`` runs the end-to-end demonstration.

Other subcommands (``convert``, ``inspect``) come from the ``converters`` package, which builds on msshim:
msshim never imports it, it registers them through the ``msshim.commands`` entry-point group (each entry
point is a function ``register(subparsers)`` adding its subparser with a ``func`` default).
"""
from __future__ import annotations

import argparse
import os
import runpy
import sys
from importlib.metadata import entry_points


def _run(args: argparse.Namespace) -> int:
    from msshim import install_as_mindspore

    script = args.script
    if not os.path.isfile(script):
        print(f"msshim run: no such script: {script}", file=sys.stderr)
        return 2
    if args.nproc is not None:
        from msshim._launch import launch

        return launch(script, args.script_args, args.nproc, args.master_port)
    install_as_mindspore()
    sys.argv = [script, *args.script_args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    if os.environ.get("MSSHIM_LAUNCHED_WORKER"):
        from msshim._launch import run_worker

        run_worker(script)
    else:
        runpy.run_path(script, run_name="__main__")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from msshim.demo import main as demo_main

    return demo_main(device=args.device)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="msshim", description="The MindSpore API on PyTorch.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a MindSpore script unchanged on msshim")
    run.add_argument("--nproc", type=int, default=None, metavar="N",
                     help="start N worker processes on this machine (torchrun), for mindspore.communication")
    run.add_argument("--master-port", type=int, default=None, metavar="PORT",
                     help="with --nproc: the rendezvous port (default: a free port)")
    run.add_argument("script", help="path of the Python script")
    run.add_argument("script_args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    run.set_defaults(func=_run)
    demo = sub.add_parser("demo", help="run the end-to-end demonstration")
    demo.add_argument("--device", choices=["auto", "CPU", "GPU"], default="auto",
                      help="where to run (auto: GPU when CUDA is available)")
    demo.set_defaults(func=_demo)
    for plugin in sorted(entry_points(group="msshim.commands"), key=lambda e: e.name):
        plugin.load()(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
