"""``acogida images hash`` and ``acogida images push``: the image tags of the checkout, and getting
the images into an environment's repositories (scripts/hash.sh, scripts/push.sh, make hash/push)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from acogida.infra.deploy import environment_images
from acogida.infra.images import IMAGES, hash_images
from acogida.infra.terraform import TerraformRoot
from acogida.infra.toolchain import ENVIRONMENTS, Toolchain
from acogida.local.stack import LocalEmulator


def add_images_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    images = commands.add_parser("images", help="the content-hash tags of the images, and their push to ECR")
    image_commands = images.add_subparsers(dest="images_command", required=True)
    hash_command = image_commands.add_parser(
        "hash", help="the tag of each image: <image>-<sha256 prefix> of what it ships (stable, content-only)"
    )
    hash_command.add_argument("--json", action="store_true", help="one object per image, with its full hash")
    push = image_commands.add_parser(
        "push",
        help="build (linux/arm64) and push each function's image where its repository lacks the tag",
    )
    push.add_argument(
        "--env",
        required=True,
        choices=ENVIRONMENTS,
        help="environment = workspace; local registers the images in the running emulator (no docker)",
    )
    push.add_argument(
        "--function",
        action="append",
        default=[],
        metavar="NAME",
        help="only this function (or front); repeatable. Default: every function, and the front where hosted",
    )
    push.add_argument(
        "--dry-run", action="store_true", help="say per function what is present and what would be pushed"
    )
    push.add_argument("--docker", default="docker", help="docker executable (default: docker on PATH)")


def run_images_command(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    if arguments.images_command == "hash":
        return _hash(toolchain, as_json=arguments.json)
    return _push(arguments, toolchain)


def _hash(toolchain: Toolchain, *, as_json: bool) -> int:
    hashes = hash_images(toolchain.repo_root, IMAGES)
    if as_json:
        document: dict[str, Any] = {name: value.as_json() for name, value in hashes.items()}
        print(json.dumps(document, indent=2))
        return 0
    for value in hashes.values():
        runs = ", ".join(value.image.functions) or "the front's ECS service"
        print(f"{value.tag:<31} {len(value.files):>3} files {value.shipped_bytes:>10,} bytes  ({runs})")
    return 0


def _push(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    if arguments.env == "local":
        emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
        if not emulator.status().running:
            print(
                "the emulator is not running: run `make demo` (or `make up` and apply) first", file=sys.stderr
            )
            return 3
        root = TerraformRoot(toolchain, "local", emulator_endpoint=emulator.endpoint, echo=False)
    else:
        root = TerraformRoot(toolchain, arguments.env)
        root.init()
        root.select_workspace()
    images = environment_images(root, docker=arguments.docker)
    images.push(arguments.function, dry_run=arguments.dry_run)
    return 0
