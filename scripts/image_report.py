#!/usr/bin/env python3
"""What each Lambda image weighs and what its handlers cost to import (a cold-start proxy).

    python scripts/image_report.py [--runs 7]        (make image-report)

Per image:
- the locked wheels for the Lambda platform (Python 3.12, manylinux aarch64), downloaded with pip
  into build/image-report/wheels/<image>/ (a cache; the lock pins every file by sha256), and their
  unpacked size, which is what ``pip install --target`` writes, plus an estimate of the byte code
  pip compiles at install (the wheels' .py files compiled here, with this machine's Python);
- the acogida sources it ships (what its COPY instructions put under ${LAMBDA_TASK_ROOT});
- not the base image (public.ecr.aws/lambda/python:3.12): it cannot be pulled here, so its size
  is left out rather than guessed.

Per function: the import time of its handler module in a fresh interpreter, with only the image's
code directory on the path for acogida (as in the image) and this machine's packages at the
lock's versions; the median of --runs, and the heaviest imports from one ``python -X importtime``
run (which adds its own overhead).
This is a proxy for the cold start's import phase, measured on this machine, not on Lambda.
"""

from __future__ import annotations

import argparse
import platform
import py_compile
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from acogida.infra.images import IMAGES, ImageSpec, stage_task_root  # noqa: E402

CACHE = ROOT / "build" / "image-report" / "wheels"
# The platforms scripts/lock-lambda-requirements.sh locks for (Amazon Linux 2023, glibc 2.34, ARM64).
PLATFORMS = ("manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64")
BASE_IMAGE_MODULES = ("boto3", "botocore")


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:7.1f} MB"


def download_wheels(image: ImageSpec) -> list[Path]:
    target = CACHE / image.name
    target.mkdir(parents=True, exist_ok=True)
    where = target.relative_to(ROOT)
    print(f"==> {image.name}: pip download {image.lock} (linux/arm64, Python 3.12) into {where}")
    platforms = [argument for name in PLATFORMS for argument in ("--platform", name)]
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            *platforms,
            "--python-version",
            "3.12",
            "--implementation",
            "cp",
            "--require-hashes",
            "-r",
            str(ROOT / str(image.lock)),
            "-d",
            str(target),
        ],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    # pip warns about every find-links location of this machine's pip configuration that is absent.
    for line in completed.stderr.splitlines():
        if not line.startswith("WARNING: Location"):
            print(line, file=sys.stderr)
    completed.check_returncode()
    return sorted(target.glob("*.whl"))


@dataclass
class WheelSizes:
    unpacked: dict[str, int] = field(default_factory=dict)  # distribution -> bytes
    byte_code: int = 0


def wheel_sizes(wheels: list[Path]) -> WheelSizes:
    sizes = WheelSizes()
    with tempfile.TemporaryDirectory() as scratch:
        for wheel in wheels:
            distribution = wheel.name.split("-")[0]
            with zipfile.ZipFile(wheel) as archive:
                sizes.unpacked[distribution] = sum(info.file_size for info in archive.infolist())
                for info in archive.infolist():
                    if not info.filename.endswith(".py"):
                        continue
                    source = Path(scratch) / distribution / info.filename
                    source.parent.mkdir(parents=True, exist_ok=True)
                    source.write_bytes(archive.read(info))
                    try:
                        compiled = py_compile.compile(str(source), doraise=True)
                    except py_compile.PyCompileError:
                        continue  # e.g. a template file that is not Python
                    sizes.byte_code += Path(compiled).stat().st_size
    return sizes


def staged_sources(image: ImageSpec, target: Path) -> int:
    return sum(path.stat().st_size for path in stage_task_root(ROOT, image, target))


def import_seconds(task_root: Path, module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(task_root), "PATH": "/usr/bin:/bin"},
        cwd=task_root,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(completed.stdout.strip())


@dataclass
class ImportNode:
    name: str
    cumulative_us: int
    children: list[ImportNode] = field(default_factory=list)


def import_tree(task_root: Path, module: str) -> list[ImportNode]:
    """``python -X importtime``'s tree (printed children first, two spaces of indent per level)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env={"PYTHONPATH": str(task_root), "PATH": "/usr/bin:/bin"},
        cwd=task_root,
        capture_output=True,
        text=True,
        check=True,
    )
    pending: dict[int, list[ImportNode]] = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        node = ImportNode(name.strip(), int(cumulative), pending.pop(depth + 1, []))
        pending.setdefault(depth, []).append(node)
    return pending.get(0, [])


def heaviest_imports(roots: list[ImportNode], count: int = 5) -> list[tuple[str, int]]:
    """What acogida's modules import from elsewhere, by top-level package, with what each costs:
    its cumulative time in that run, what it imports in turn included; a dependency two packages
    share counts for the one that imported it first. The interpreter's own start-up imports
    (site, encodings) are not under acogida and are left out."""
    totals: dict[str, int] = {}

    def visit(node: ImportNode) -> None:
        top = node.name.split(".")[0]
        if top == "acogida":
            for child in node.children:
                visit(child)
        else:
            totals[top] = totals.get(top, 0) + node.cumulative_us

    for root in roots:
        if root.name.split(".")[0] == "acogida":
            visit(root)
    return sorted(totals.items(), key=lambda item: item[1], reverse=True)[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per handler (median)")
    arguments = parser.parse_args(argv)

    print(
        f"Measured on {platform.machine()}, Python {platform.python_version()} "
        "(the images: linux/arm64, Python 3.12); the base image public.ecr.aws/lambda/python:3.12 "
        "is not included (it cannot be pulled here)"
    )
    for image in (image for image in IMAGES if image.functions):
        wheels = download_wheels(image)
        sizes = wheel_sizes(wheels)
        with tempfile.TemporaryDirectory() as scratch:
            task_root = Path(scratch)
            sources = staged_sources(image, task_root)
            unpacked = sum(sizes.unpacked.values())
            print(f"\n{image.name} image ({', '.join(image.functions)})")
            print(f"  locked wheels, unpacked   {megabytes(unpacked)}  ({len(wheels)} wheels)")
            print(f"  byte code pip compiles  ≈ {megabytes(sizes.byte_code)}  (compiled here)")
            print(f"  acogida sources           {megabytes(sources)}")
            total = unpacked + sizes.byte_code + sources
            print(f"  expected size             {megabytes(total)}  + the base image")
            heaviest = sorted(sizes.unpacked.items(), key=lambda item: item[1], reverse=True)[:6]
            print(
                "  heaviest wheels          "
                + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in heaviest)
            )
            for function in image.functions:
                module = f"acogida.handlers.{function}"
                timings = [import_seconds(task_root, module) for _ in range(arguments.runs)]
                heavy = heaviest_imports(import_tree(task_root, module))
                print(
                    f"  import {module:<40} median {statistics.median(timings) * 1000:6.0f} ms "
                    f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}, {arguments.runs} runs)"
                )
                print(
                    "      heaviest: " + ", ".join(f"{name} {micro / 1000:.0f} ms" for name, micro in heavy)
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
