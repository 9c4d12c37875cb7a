"""Plan and apply an environment together with its images.

Terraform deploys each function by digest: ``aws_ecr_image`` reads the digest of the checkout's tag
(``image_tags``, acogida.infra.images) from the function's own repository, which the same
configuration creates. So:

- Before a plan, every repository in the state must hold its tag. On AWS a missing one stops the
  plan with the functions, repositories and ``make push ENV=<env>`` (instead of the data source's
  raw ECR error); in local mode the images are registered in the emulator right away.
- An apply that creates repositories (the first apply of an environment, a new function, the
  front's hosting switched on) runs in two phases: (1) ``terraform apply -target=`` the new
  ``aws_ecr_repository`` resources (and what they need: their KMS keys), (2) push the images into
  them, then plan and apply everything. The repositories come from the saved plan
  (``terraform plan -out`` → ``terraform show -json``), so nothing is guessed.
- The plan that is applied is the plan that was shown (``terraform apply <plan file>``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acogida.infra.image_registry import (
    DockerPublisher,
    EcrRegistry,
    Emit,
    ImageTarget,
    LocalPublisher,
    Publisher,
    check_images_present,
    image_targets,
    push_images,
    repositories_in_state,
)
from acogida.infra.terraform import TerraformError, TerraformRoot

REPOSITORY_TYPE = "aws_ecr_repository"


@dataclass
class EnvironmentImages:
    """The images of one environment: its registry, how images get there, what the state names."""

    root: TerraformRoot
    registry: EcrRegistry
    publisher: Publisher
    emit: Emit = print

    @property
    def local(self) -> bool:
        return self.root.emulator_endpoint is not None

    def targets(self, keys: Sequence[str] = ()) -> list[ImageTarget]:
        repositories = repositories_in_state(self.root.show_json())
        return image_targets(repositories, self.root.deployed_image_tags(), keys)

    def push(self, keys: Sequence[str] = (), *, dry_run: bool = False) -> None:
        push_images(self.registry, self.publisher, self.targets(keys), dry_run=dry_run, emit=self.emit)

    def ensure_present(self) -> None:
        """Before a plan: local mode registers what is missing; on AWS a missing tag is an error."""
        targets = self.targets()
        if not targets:
            return
        if self.local:
            push_images(self.registry, self.publisher, targets, emit=self.emit)
        else:
            check_images_present(self.registry, targets, self.root.environment)


def environment_images(root: TerraformRoot, emit: Emit = print, docker: str = "docker") -> EnvironmentImages:
    registry = EcrRegistry(root.emulator_endpoint)
    publisher: Publisher = (
        LocalPublisher(registry, emit)
        if root.emulator_endpoint is not None
        else DockerPublisher(root.toolchain.repo_root, registry, emit, docker)
    )
    return EnvironmentImages(root, registry, publisher, emit)


def repositories_to_create(plan: Mapping[str, Any]) -> list[str]:
    """The addresses of the image repositories a JSON plan creates."""
    return sorted(
        change["address"]
        for change in plan.get("resource_changes", [])
        if change["type"] == REPOSITORY_TYPE and "create" in change["change"]["actions"]
    )


def plan_environment(images: EnvironmentImages, plan_file: Path | None = None) -> int:
    """``make plan``: images checked (or, locally, registered), then terraform plan; with
    ``plan_file`` the plan is saved there with its JSON, text and GitLab report (CI's artifacts)."""
    images.ensure_present()
    if plan_file is None:
        return images.root.plan()
    saved = images.root.save_plan(plan_file)
    new_repositories = repositories_to_create(json.loads(saved.json_file.read_text(encoding="utf-8")))
    if new_repositories:
        # Applied as it is, this plan would create functions whose images cannot exist yet.
        saved.remove()
        raise TerraformError(
            f"the plan for {images.root.environment} creates image repositories "
            f"({', '.join(new_repositories)}): their functions need an image pushed before they can be "
            f"created, so a saved plan cannot deploy them. Run `make apply ENV={images.root.environment}` "
            "once (repositories, push, then everything), then plan again."
        )
    images.emit(f"plan saved: {saved.plan_file} (+ .json, .txt, .report.json)")
    return 0


def ask(question: str) -> bool:
    try:
        return input(f"{question} Only 'yes' will be accepted: ").strip() == "yes"
    except EOFError:
        return False


def apply_environment(
    images: EnvironmentImages, *, auto_approve: bool, confirm: Callable[[str], bool] = ask
) -> None:
    """``make apply``, ``make demo``, the tests' deployment: see the module's docstring."""
    root, emit = images.root, images.emit
    images.ensure_present()
    plan_file = Path(str(root.data_dir)) / "apply.tfplan"
    try:
        # Printed only once it is the plan to apply: a first apply replans after phase 1.
        root.plan(plan_file=plan_file, quiet=True)
        new_repositories = repositories_to_create(root.show_json(plan_file))
        if not new_repositories:
            root.show(plan_file)
        else:
            emit(
                f"==> {len(new_repositories)} image repositories are new: the functions need their image "
                "before they can be created. Phase 1 creates the repositories (terraform apply -target), "
                "phase 2 pushes the images into them, then everything is planned and applied."
            )
            for address in new_repositories:
                emit(f"    {address}")
            if not auto_approve and not confirm(f"Create these repositories in {root.environment}?"):
                raise TerraformError(f"apply of {root.environment} cancelled: nothing was changed")
            root.apply_targets(new_repositories)
            images.push()
            root.plan(plan_file=plan_file)
            left = repositories_to_create(root.show_json(plan_file))
            if left:
                raise TerraformError(f"repositories still to create after phase 1: {', '.join(left)}")
        if not auto_approve and not confirm(f"Apply the plan above to {root.environment}?"):
            raise TerraformError(f"apply of {root.environment} cancelled: nothing (more) was changed")
        root.apply_plan(plan_file)
    finally:
        plan_file.unlink(missing_ok=True)
