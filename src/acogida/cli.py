"""The ``acogida`` command line: local mode (emulator, demo) and Terraform per environment.

Later capabilities (intake extraction, bulk upload, forecast, privacy) add their subcommands here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from acogida.infra.terraform import TerraformError, TerraformRoot
from acogida.infra.toolchain import ENVIRONMENTS, RepositoryNotFoundError, load_toolchain
from acogida.local.demo import run_demo
from acogida.local.smoke import SmokeCheckError
from acogida.local.stack import EmulatorError, LocalEmulator

REAL_ENVIRONMENTS = tuple(environment for environment in ENVIRONMENTS if environment != "local")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acogida", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    local = commands.add_parser("local", help="the local AWS emulator (moto on 127.0.0.1)")
    local.add_argument("action", choices=["up", "down", "status"])
    local.add_argument("--port", type=int, help="emulator port (default: MOTO_PORT of config/toolchain.env)")

    demo = commands.add_parser("demo", help="apply the platform to the local emulator and run it end to end")
    demo.add_argument("--port", type=int, help="emulator port (default: MOTO_PORT of config/toolchain.env)")

    infra = commands.add_parser(
        "infra", help="terraform init/plan/apply/destroy/output for a real environment"
    )
    infra.add_argument("action", choices=["init", "plan", "apply", "destroy", "output"])
    infra.add_argument("--env", required=True, choices=REAL_ENVIRONMENTS, help="environment = workspace")
    infra.add_argument(
        "--auto-approve", action="store_true", help="apply/destroy without the interactive confirmation"
    )
    return parser


def _run(arguments: argparse.Namespace) -> int:
    toolchain = load_toolchain()
    port = getattr(arguments, "port", None)
    if port is not None:
        toolchain = type(toolchain)(toolchain.repo_root, toolchain.provider_mirror, port)

    if arguments.command == "local":
        emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
        if arguments.action == "up":
            print(emulator.up().describe())
        elif arguments.action == "down":
            stopped = emulator.down()
            print(
                f"emulator on port {emulator.port} stopped"
                if stopped
                else f"no emulator of this checkout on port {emulator.port}"
            )
        else:
            status = emulator.status()
            print(status.describe())
            return 0 if status.running else 3
        return 0

    if arguments.command == "demo":
        run_demo(toolchain)
        return 0

    root = TerraformRoot(toolchain, arguments.env)
    root.init()
    root.select_workspace()
    if arguments.action == "plan":
        root.plan()
    elif arguments.action == "apply":
        root.apply(auto_approve=arguments.auto_approve)
    elif arguments.action == "destroy":
        root.destroy(auto_approve=arguments.auto_approve)
    elif arguments.action == "output":
        for name, value in root.outputs().items():
            print(f"{name} = {value}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _build_parser().parse_args(argv)
    try:
        return _run(arguments)
    except (EmulatorError, TerraformError, SmokeCheckError, RepositoryNotFoundError, ValueError) as error:
        print(f"acogida: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
