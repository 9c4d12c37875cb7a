"""The apply flow with images (acogida.infra.deploy): a stand-in for the Terraform root records what
would run, ECR is a moto server. The flow against a real Terraform is in
tests/integration/test_image_deploy.py and every local apply (tests/integration/conftest.py)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from acogida.adapters.aws import AwsTarget
from acogida.infra.deploy import (
    EnvironmentImages,
    apply_environment,
    plan_environment,
    repositories_to_create,
)
from acogida.infra.image_registry import (
    EcrRegistry,
    ImagesMissingError,
    ImageTarget,
    LocalPublisher,
    local_manifest,
)
from acogida.infra.terraform import SavedPlan, TerraformError
from tests.conftest import find_free_port

INTAKE_TAG = "intake-0123456789abcdef0123"
TAGS = {"intake_api": INTAKE_TAG, "front": "front-0123456789abcdef0123"}
REPOSITORY_ADDRESS = 'module.app.module.function["intake_api"].aws_ecr_repository.this'


def plan_with(*creates: str) -> dict[str, Any]:
    changes = [
        {"address": address, "type": "aws_ecr_repository", "change": {"actions": ["create"]}}
        for address in creates
    ]
    changes.append(
        {
            "address": 'module.app.module.function["intake_api"].aws_lambda_function.this',
            "type": "aws_lambda_function",
            "change": {"actions": ["create"]},
        }
    )
    return {"resource_changes": changes}


@dataclass
class RecordingRoot:
    """What acogida.infra.deploy asks of a TerraformRoot, recorded; apply_targets creates the
    repositories in the (moto) ECR as Terraform would."""

    endpoint: str
    data_dir: Path
    plans: list[dict[str, Any]]
    environment: str = "dev"
    emulator_endpoint: str | None = None
    calls: list[Any] = field(default_factory=list)
    repositories: dict[str, str] = field(default_factory=dict)

    def deployed_image_tags(self) -> dict[str, str]:
        return dict(TAGS)

    def plan(self, *, plan_file: Path | None = None, quiet: bool = False) -> int:
        self.calls.append("plan (quiet)" if quiet else "plan")
        return 0

    def show(self, plan_file: Path) -> None:
        self.calls.append("show plan")

    def show_json(self, plan_file: Path | None = None) -> dict[str, Any]:
        if plan_file is not None:
            return self.plans.pop(0)
        resources = [
            {
                "address": address,
                "mode": "managed",
                "type": "aws_ecr_repository",
                "values": {"repository_url": url},
            }
            for address, url in self.repositories.items()
        ]
        return {"values": {"root_module": {"resources": resources}}}

    def apply_targets(self, addresses: Sequence[str]) -> None:
        self.calls.append(("apply -target", list(addresses)))
        for address in addresses:
            created = (
                AwsTarget("eu-south-2", self.endpoint)
                .client("ecr")
                .create_repository(repositoryName="acogida-dev-intake-api", imageTagMutability="IMMUTABLE")
            )
            self.repositories[address] = created["repository"]["repositoryUri"]

    def apply_plan(self, plan_file: Path) -> None:
        self.calls.append("apply plan")

    def save_plan(self, plan_file: Path) -> SavedPlan:
        self.calls.append("save plan")
        saved = SavedPlan(plan_file)
        plan_file.write_bytes(b"binary plan")
        saved.json_file.write_text(json.dumps(self.plans.pop(0)), encoding="utf-8")
        return saved


@dataclass
class RecordingPublisher:
    pushed: list[str] = field(default_factory=list)

    def publish(self, targets: Sequence[ImageTarget]) -> None:
        self.pushed.extend(target.key for target in targets)


@pytest.fixture
def endpoint() -> Iterator[str]:
    port = find_free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10)  # noqa: S310
    try:
        yield url
    finally:
        server.stop()


def images_of(root: RecordingRoot, publisher: Any, lines: list[str]) -> EnvironmentImages:
    return EnvironmentImages(root, EcrRegistry(root.endpoint), publisher, lines.append)


def test_repositories_to_create_come_from_the_plan():
    plan = plan_with(REPOSITORY_ADDRESS, "module.app.aws_ecr_repository.front[0]")
    plan["resource_changes"].append(
        {
            "address": "module.x.aws_ecr_repository.kept",
            "type": "aws_ecr_repository",
            "change": {"actions": ["update"]},
        }
    )
    assert repositories_to_create(plan) == ["module.app.aws_ecr_repository.front[0]", REPOSITORY_ADDRESS]
    assert repositories_to_create({}) == []


def test_a_first_apply_creates_the_repositories_pushes_then_applies_everything(endpoint, tmp_path):
    root = RecordingRoot(endpoint, tmp_path, plans=[plan_with(REPOSITORY_ADDRESS), plan_with()])
    publisher = RecordingPublisher()
    lines: list[str] = []

    apply_environment(images_of(root, publisher, lines), auto_approve=True)

    # The first plan only finds the repositories; the plan applied is the one printed after phase 1.
    assert root.calls == ["plan (quiet)", ("apply -target", [REPOSITORY_ADDRESS]), "plan", "apply plan"]
    assert publisher.pushed == ["intake_api"]
    assert any("Phase 1 creates the repositories" in line for line in lines)


def test_an_apply_without_new_repositories_applies_the_plan_it_showed(endpoint, tmp_path):
    root = RecordingRoot(endpoint, tmp_path, plans=[plan_with()])
    root.apply_targets([REPOSITORY_ADDRESS])
    AwsTarget("eu-south-2", endpoint).client("ecr").put_image(
        repositoryName="acogida-dev-intake-api",
        imageManifest=local_manifest("intake", INTAKE_TAG),
        imageTag=INTAKE_TAG,
    )
    root.calls.clear()
    publisher = RecordingPublisher()
    questions: list[str] = []

    apply_environment(
        images_of(root, publisher, []), auto_approve=False, confirm=lambda q: questions.append(q) or True
    )

    assert root.calls == ["plan (quiet)", "show plan", "apply plan"]
    assert questions == ["Apply the plan above to dev?"]
    assert publisher.pushed == []


def test_a_missing_image_stops_a_real_environment_before_terraform_runs(endpoint, tmp_path):
    root = RecordingRoot(endpoint, tmp_path, plans=[plan_with()])
    root.apply_targets([REPOSITORY_ADDRESS])
    root.calls.clear()
    images = images_of(root, RecordingPublisher(), [])
    with pytest.raises(ImagesMissingError, match=r"intake_api: acogida-dev-intake-api \(eu-south-2\)"):
        plan_environment(images)
    with pytest.raises(ImagesMissingError, match="make push ENV=dev"):
        apply_environment(images, auto_approve=True)
    assert root.calls == []


def test_local_mode_registers_the_missing_images_instead(endpoint, tmp_path):
    root = RecordingRoot(
        endpoint, tmp_path, plans=[plan_with()], environment="local", emulator_endpoint=endpoint
    )
    root.apply_targets([REPOSITORY_ADDRESS])
    root.calls.clear()
    registry = EcrRegistry(endpoint)
    images = EnvironmentImages(root, registry, LocalPublisher(registry, lambda _: None), lambda _: None)

    assert plan_environment(images) == 0

    target = ImageTarget(
        "intake_api", "intake", INTAKE_TAG, root.repositories[REPOSITORY_ADDRESS], "eu-south-2"
    )
    assert registry.digest_of(target) is not None
    assert root.calls == ["plan"]


def test_declining_changes_nothing(endpoint, tmp_path):
    root = RecordingRoot(endpoint, tmp_path, plans=[plan_with(REPOSITORY_ADDRESS)])
    with pytest.raises(TerraformError, match="cancelled: nothing was changed"):
        apply_environment(
            images_of(root, RecordingPublisher(), []), auto_approve=False, confirm=lambda _: False
        )
    assert root.calls == ["plan (quiet)"]
    assert not (tmp_path / "apply.tfplan").exists()


def test_a_saved_plan_that_creates_repositories_is_refused_and_removed(endpoint, tmp_path):
    """CI applies saved plans: one that would create a function's repository and the function
    together cannot work (no image can be pushed in between), so it is not left to be applied."""
    root = RecordingRoot(endpoint, tmp_path, plans=[plan_with(REPOSITORY_ADDRESS)])
    images = images_of(root, RecordingPublisher(), [])
    plan_file = tmp_path / "plans" / "dev.tfplan"
    plan_file.parent.mkdir()
    with pytest.raises(TerraformError, match=r"creates image repositories .*make apply ENV=dev"):
        plan_environment(images, plan_file)
    assert root.calls == ["save plan"]
    assert list(plan_file.parent.iterdir()) == []


def test_a_saved_plan_without_new_repositories_is_kept(endpoint, tmp_path):
    root = RecordingRoot(endpoint, tmp_path, plans=[plan_with()])
    images = images_of(root, RecordingPublisher(), [])
    assert plan_environment(images, tmp_path / "dev.tfplan") == 0
    assert (tmp_path / "dev.tfplan").is_file()
    assert (tmp_path / "dev.tfplan.json").is_file()
