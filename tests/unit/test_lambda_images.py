"""What can be checked of the Lambda images without a docker daemon: the function → image mapping
against Terraform and the Dockerfiles, the locks, and that every handler's imports resolve within
what its image ships (statically, over every import, and by importing it from a copy of the
image's code directory)."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from acogida.infra.images import FRONT_KEY, FUNCTION_IMAGES, IMAGES, image_named, stage_task_root

REPO = Path(__file__).resolve().parents[2]
LAMBDA_IMAGES = tuple(image for image in IMAGES if image.functions)
# Imports the base image (public.ecr.aws/lambda/python:3.12) provides besides the standard library.
BASE_IMAGE_MODULES = {"boto3", "botocore", "awslambdaric"}
# Third-party modules an image's code imports only inside a function and that image does without,
# with the reason the function never runs there.
LAZY_IMPORTS_LEFT_OUT = {
    "analytics": {
        "spacy": "acogida.intake.redact loads spaCy only to redact transcripts; bulk_upload never redacts "
        "(and the image leaves the redaction model out)",
    },
}
# What a handler must not pull in when it is imported (cold start, image size).
UNWANTED_AT_IMPORT = {
    "intake": ("pandas", "pyspark", "moto", "acogida.local", "acogida.cli", "acogida.infra"),
    "analytics": ("spacy", "pyspark", "moto", "acogida.local", "acogida.cli", "acogida.infra"),
}


def lock_names(image_name: str) -> set[str]:
    lock = (REPO / str(image_named(image_name).lock)).read_text(encoding="utf-8")
    return {normalised(name) for name in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, flags=re.MULTILINE)}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def task_roots(tmp_path_factory) -> dict[str, Path]:
    """Each Lambda image's code directory (${LAMBDA_TASK_ROOT}) as its COPY instructions lay it out."""
    roots = {}
    for image in LAMBDA_IMAGES:
        root = tmp_path_factory.mktemp(f"task-root-{image.name}")
        stage_task_root(REPO, image, root)
        roots[image.name] = root
    return roots


# --- The one mapping, cross-checked ---------------------------------------------------------------


def test_the_function_mapping_matches_terraforms_root_variable_and_modules():
    variables = (REPO / "terraform" / "variables.tf").read_text(encoding="utf-8")
    image_tags = variables[variables.index('variable "image_tags"') :]
    keys = re.search(r"toset\(keys\(var\.image_tags\)\) == toset\(\[([^\]]*)\]\)", image_tags)
    assert keys is not None
    assert set(re.findall(r'"([a-z_]+)"', keys.group(1))) == set(FUNCTION_IMAGES) | {FRONT_KEY}
    main = (REPO / "terraform" / "main.tf").read_text(encoding="utf-8")
    module_functions = re.findall(r"^\s+[a-z]+_functions\s+=\s+\[([^\]]*)\]", main, flags=re.MULTILINE)
    listed = [name for group in module_functions for name in re.findall(r'"([a-z_]+)"', group)]
    assert sorted(listed) == sorted(FUNCTION_IMAGES)


@pytest.mark.parametrize("image", LAMBDA_IMAGES, ids=lambda image: image.name)
def test_each_dockerfile_runs_a_handler_of_its_own_functions(image):
    dockerfile = (REPO / image.dockerfile).read_text(encoding="utf-8")
    command = re.search(r'^CMD \["acogida\.handlers\.([a-z_]+)\.handler"\]', dockerfile, flags=re.MULTILINE)
    assert command is not None
    assert command.group(1) in image.functions
    assert "FROM public.ecr.aws/lambda/python:3.12" in dockerfile
    assert f"COPY {image.lock} " in dockerfile


@pytest.mark.parametrize("function", sorted(FUNCTION_IMAGES))
def test_each_function_s_handler_is_in_its_image(function, task_roots):
    image = FUNCTION_IMAGES[function]
    assert (task_roots[image] / "acogida" / "handlers" / f"{function}.py").is_file()
    others = [other for other in task_roots if other != image]
    if function != "intake_api":  # narrowed COPYs: a handler ships in its own image only
        assert not any(
            (task_roots[other] / "acogida" / "handlers" / f"{function}.py").exists() for other in others
        )


# --- Locks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("image", LAMBDA_IMAGES, ids=lambda image: image.name)
def test_each_lock_pins_every_package_by_hash(image):
    lock = (REPO / str(image.lock)).read_text(encoding="utf-8")
    packages = re.findall(r"^([A-Za-z0-9_.-]+)==", lock, flags=re.MULTILINE)
    assert packages
    assert len(packages) == lock.count("--hash=sha256:")


def test_the_intake_lock_carries_no_pandas_and_the_analytics_lock_no_spacy():
    assert {"aws-lambda-powertools", "pydantic", "spacy", "aws-xray-sdk"} <= lock_names("intake")
    assert "pandas" not in lock_names("intake")
    assert {"aws-lambda-powertools", "pandas", "numpy"} <= lock_names("analytics")
    assert "spacy" not in lock_names("analytics")


# --- Import closure -------------------------------------------------------------------------------


def module_path(task_root: Path, module: str) -> Path | None:
    base = task_root.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def runtime_imports(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, bool]]:
    """(imported module, imported inside a function?) for every import that runs: ``if
    TYPE_CHECKING:`` blocks are skipped; ``from a import b`` yields a and a.b (b may be a module)."""
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, lazy: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from (item for other in child.orelse for item in visit_one(other, lazy))
                continue
            yield from visit_one(child, lazy)

    def visit_one(node: ast.AST, lazy: bool) -> Iterator[tuple[str, bool]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, lazy
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            yield base, lazy
            for alias in node.names:
                yield f"{base}.{alias.name}", lazy
        else:
            inner = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from visit(node, inner)

    yield from visit(tree, False)


RESOURCE_READ = re.compile(r'resources\.files\("([a-z_.]+)"\)\.joinpath\("([^"]+)"\)')


def import_closure(task_root: Path, start: str) -> tuple[set[str], set[str], set[str], list[str]]:
    """From module ``start`` inside ``task_root``: the acogida modules reached (and the parents
    they need), the third-party modules imported at module level and lazily, and the acogida
    modules or package data it refers to that are missing."""
    seen: set[str] = set()
    eager: set[str] = set()
    lazy: set[str] = set()
    missing: list[str] = []
    pending = [(start, False)]
    while pending:
        module, is_lazy = pending.pop()
        parts = module.split(".")
        pending.extend((".".join(parts[:length]), is_lazy) for length in range(1, len(parts)))
        if module in seen:
            continue
        path = module_path(task_root, module)
        if path is None:
            continue
        seen.add(module)
        source = path.read_text(encoding="utf-8")
        for package, relative in RESOURCE_READ.findall(source):
            if not task_root.joinpath(*package.split("."), relative).is_file():
                missing.append(f"{module} reads {package}:{relative}")
        tree = ast.parse(source)
        for imported, inner in runtime_imports(tree, module, path.name == "__init__.py"):
            top = imported.split(".")[0]
            if top == "acogida":
                # "from acogida.x import name" also yields acogida.x.name: a module only if the
                # package has one by that name.
                if module_path(task_root, imported) is not None:
                    pending.append((imported, is_lazy or inner))
                elif module_path(REPO / "src", imported) is not None:
                    missing.append(f"{module} imports {imported}")
            elif top and top not in sys.stdlib_module_names and top != "__future__":
                (lazy if is_lazy or inner else eager).add(top)
    return seen, eager, lazy - eager, missing


def distributions_of(module: str) -> set[str]:
    return {normalised(name) for name in importlib.metadata.packages_distributions().get(module, [])}


@pytest.mark.parametrize("function", sorted(FUNCTION_IMAGES))
def test_every_import_of_a_handler_resolves_within_its_image(function, task_roots):
    image = FUNCTION_IMAGES[function]
    reached, eager, lazy, missing = import_closure(task_roots[image], f"acogida.handlers.{function}")
    assert f"acogida.handlers.{function}" in reached
    assert missing == []
    locked = lock_names(image)
    for module in eager:
        assert module in BASE_IMAGE_MODULES or distributions_of(module) & locked, (
            f"{module} (imported at module level) is in neither {image_named(image).lock} nor the base image"
        )
    left_out = LAZY_IMPORTS_LEFT_OUT.get(image, {})
    for module in lazy:
        assert module in BASE_IMAGE_MODULES or distributions_of(module) & locked or module in left_out, (
            f"{module} (imported inside a function) is not in {image_named(image).lock}"
        )


@pytest.mark.parametrize("function", sorted(FUNCTION_IMAGES))
def test_a_handler_imports_from_its_image_s_code_alone(function, task_roots):
    """Importing the handler with only the image's code directory on the path of acogida, as
    Lambda does, and nothing heavy or local-only comes along."""
    image = FUNCTION_IMAGES[function]
    root = task_roots[image]
    unwanted = UNWANTED_AT_IMPORT[image]
    code = (
        f"import sys, acogida, acogida.handlers.{function} as m; assert callable(m.handler); "
        f"assert acogida.__file__.startswith({str(root)!r}), acogida.__file__; "
        f"print(sorted(name for name in {unwanted!r} if name in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
