"""Run the Terraform root for one environment: init, workspace, plan, apply, destroy, outputs.

Each environment gets its own Terraform data directory (``terraform/.tfdata/<env>``), so the backend
settings of ``local`` (state inside the emulator) and of a real environment (state in its S3 bucket)
never share a ``.terraform`` folder: switching between them needs no re-init and cannot migrate a
local state into a real backend or the other way round.

Every plan, apply and destroy also gets the image tags of the checkout (``acogida.infra.images``)
in a generated var file under ``build/images/``, so Terraform deploys the images of exactly the
code that is checked out.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acogida.adapters.aws import EMULATOR_CREDENTIALS
from acogida.infra.glue_package import build_glue_package
from acogida.infra.images import image_tags
from acogida.infra.toolchain import ENVIRONMENTS, Toolchain

# Variables that could route a local run to a real account or profile; removed in local mode.
AWS_VARIABLES_CLEARED_LOCALLY = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


class TerraformError(RuntimeError):
    """A terraform command failed; the message names the command and the environment."""


@dataclass
class TerraformRoot:
    """The root module of ``toolchain`` driven for ``environment``."""

    toolchain: Toolchain
    environment: str
    data_dir: Path | None = None
    emulator_endpoint: str | None = None
    echo: bool = True
    extra_env: Mapping[str, str] = field(default_factory=dict)
    # The root variable image_tags; None: the tags of the checkout's images, computed once here so
    # that every command of this root deploys the same images even if the checkout changes.
    image_tags: Mapping[str, str] | None = None
    _deployed_tags: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise ValueError(
                f"unknown environment {self.environment!r}; expected one of {', '.join(ENVIRONMENTS)}"
            )
        if (self.environment == "local") != (self.emulator_endpoint is not None):
            raise ValueError("the emulator endpoint is given exactly for the local environment")
        if self.data_dir is None:
            self.data_dir = self.toolchain.terraform_dir / ".tfdata" / self.environment
        given = self.image_tags
        self._deployed_tags = dict(given) if given is not None else image_tags(self.toolchain.repo_root)

    # --- environment of the terraform process -----------------------------------------------

    def process_env(self) -> dict[str, str]:
        env = dict(os.environ)
        cli_config = env.get("TF_CLI_CONFIG_FILE")
        if cli_config and not Path(cli_config).is_file():
            # A dangling CLI config only makes terraform print a warning on every command.
            del env["TF_CLI_CONFIG_FILE"]
        env.pop("TF_WORKSPACE", None)  # the workspace is selected explicitly, never inherited
        env.update(
            {
                "TF_DATA_DIR": str(self.data_dir),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
            }
        )
        if self.emulator_endpoint is not None:
            for name in AWS_VARIABLES_CLEARED_LOCALLY:
                env.pop(name, None)
            env.update(EMULATOR_CREDENTIALS)
            env["AWS_ENDPOINT_URL_S3"] = self.emulator_endpoint  # the S3 backend's endpoint
            env["AWS_EC2_METADATA_DISABLED"] = "true"
        env.update(self.extra_env)
        return env

    def _run(
        self, arguments: Sequence[str], *, capture: bool = False, allowed_exit_codes: Sequence[int] = (0,)
    ) -> subprocess.CompletedProcess[str]:
        command = ["terraform", f"-chdir={self.toolchain.terraform_dir}", *arguments]
        if self.echo and not capture:
            print(f"$ terraform {' '.join(arguments)}", flush=True)
        completed = subprocess.run(
            command,
            env=self.process_env(),
            text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
            check=False,
        )
        if completed.returncode not in allowed_exit_codes:
            detail = f"\n{completed.stderr}" if capture and completed.stderr else ""
            raise TerraformError(
                f"terraform {arguments[0]} failed for environment {self.environment} "
                f"(exit {completed.returncode}){detail}"
            )
        return completed

    # --- arguments ------------------------------------------------------------------------------

    def init_arguments(self) -> list[str]:
        arguments = [
            "init",
            "-input=false",
            "-reconfigure",
            f"-backend-config={self.toolchain.backend_config(self.environment)}",
        ]
        if self.toolchain.provider_mirror.is_dir():
            # Offline: take hashicorp/aws from the machine's filesystem mirror (config/toolchain.env).
            arguments.append(f"-plugin-dir={self.toolchain.provider_mirror}")
        return arguments

    def deployed_image_tags(self) -> dict[str, str]:
        """The image tag of each function (and of the front) this root deploys."""
        return dict(self._deployed_tags)

    def image_tags_file(self) -> Path:
        """The var file with image_tags, named by its content (build/images/image-tags-<sha>.tfvars.json),
        so runs with different tags never overwrite each other's file."""
        content = json.dumps({"image_tags": self.deployed_image_tags()}, indent=2, sort_keys=True) + "\n"
        name = f"image-tags-{hashlib.sha256(content.encode()).hexdigest()[:12]}.tfvars.json"
        path = self.toolchain.repo_root / "build" / "images" / name
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            staging = path.with_suffix(f".{os.getpid()}.tmp")
            staging.write_text(content, encoding="utf-8")
            staging.replace(path)
        return path

    def variable_arguments(self) -> list[str]:
        arguments = [
            f"-var-file={self.toolchain.tfvars(self.environment)}",
            f"-var-file={self.image_tags_file()}",
        ]
        if self.emulator_endpoint is not None:
            arguments.append(f"-var=emulator_endpoint={self.emulator_endpoint}")
        return arguments

    # --- commands -------------------------------------------------------------------------------

    def init(self) -> None:
        self._run(self.init_arguments(), capture=not self.echo)

    def select_workspace(self) -> None:
        """Select the environment's workspace, creating it on first use."""
        self._run(["workspace", "select", "-or-create=true", self.environment], capture=not self.echo)

    def current_workspace(self) -> str:
        return self._run(["workspace", "show"], capture=True).stdout.strip()

    def build_artifacts(self) -> None:
        """Files the configuration uploads and must exist before a plan: the Glue job's package."""
        build_glue_package(self.toolchain.repo_root)

    def plan_arguments(self, *, detailed_exitcode: bool = False, plan_file: Path | None = None) -> list[str]:
        arguments = ["plan", "-input=false", *self.variable_arguments()]
        if detailed_exitcode:
            arguments.append("-detailed-exitcode")
        if plan_file is not None:
            arguments.append(f"-out={plan_file.resolve()}")  # terraform runs in terraform/ (-chdir)
        return arguments

    def plan(
        self, *, detailed_exitcode: bool = False, plan_file: Path | None = None, quiet: bool = False
    ) -> int:
        """terraform plan; with ``detailed_exitcode`` returns 0 (no changes) or 2 (changes);
        ``quiet`` keeps its output to itself (an error still carries terraform's message)."""
        self.build_artifacts()
        arguments = self.plan_arguments(detailed_exitcode=detailed_exitcode, plan_file=plan_file)
        allowed = (0, 2) if detailed_exitcode else (0,)
        return self._run(arguments, allowed_exit_codes=allowed, capture=quiet or not self.echo).returncode

    def show(self, plan_file: Path) -> None:
        """Print a saved plan as terraform plan prints it."""
        self._run(["show", str(plan_file.resolve())], capture=not self.echo)

    def save_plan(self, plan_file: Path) -> SavedPlan:
        """Plan into ``plan_file`` and write beside it what a review needs: the plan as JSON
        (``terraform show -json``), as text, and GitLab's Terraform report (resources to create,
        update and delete). CI attaches all four and applies exactly the binary plan."""
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        self.plan(plan_file=plan_file)
        saved = SavedPlan(plan_file)
        plan = self.show_json(plan_file)
        saved.json_file.write_text(json.dumps(plan), encoding="utf-8")
        text = self._run(["show", "-no-color", str(plan_file.resolve())], capture=True).stdout
        saved.text_file.write_text(text, encoding="utf-8")
        report = gitlab_terraform_report(plan)
        saved.report_file.write_text(json.dumps(report) + "\n", encoding="utf-8")
        return saved

    def apply_plan_arguments(self, plan_file: Path) -> list[str]:
        # A saved plan carries its variables and needs no approval; Terraform refuses it if the
        # state changed since it was made.
        return ["apply", "-input=false", str(plan_file.resolve())]

    def apply_plan(self, plan_file: Path) -> None:
        """terraform apply of a saved plan: exactly what it shows, nothing planned anew."""
        if not plan_file.is_file():
            raise TerraformError(f"no saved plan at {plan_file} for environment {self.environment}")
        # The Glue package the plan uploads is read again at apply: rebuilt identically here.
        self.build_artifacts()
        self._run(self.apply_plan_arguments(plan_file), capture=not self.echo)

    def plan_json(self) -> dict[str, Any]:
        """The plan as JSON (``terraform show -json``), for checking exactly what would change."""
        plan_file = Path(str(self.data_dir)) / "check.tfplan"
        self.build_artifacts()
        self._run(
            ["plan", "-input=false", "-refresh=true", f"-out={plan_file}", *self.variable_arguments()],
            capture=True,
        )
        result = self.show_json(plan_file)
        plan_file.unlink(missing_ok=True)
        return result

    def show_json(self, plan_file: Path | None = None) -> dict[str, Any]:
        """A saved plan, or without one the current state, as JSON (``terraform show -json``)."""
        shown = self._run(["show", "-json", *([str(plan_file.resolve())] if plan_file else [])], capture=True)
        result: dict[str, Any] = json.loads(shown.stdout)
        return result

    def apply_targets(self, addresses: Sequence[str]) -> None:
        """``terraform apply -target=...`` of ``addresses`` (and what they depend on), approved."""
        self.build_artifacts()
        targets = [f"-target={address}" for address in addresses]
        self._run(
            ["apply", "-input=false", "-auto-approve", *self.variable_arguments(), *targets],
            capture=not self.echo,
        )

    def destroy(self, *, auto_approve: bool) -> None:
        self.build_artifacts()
        arguments = ["destroy", "-input=false", *self.variable_arguments()]
        if auto_approve:
            arguments.append("-auto-approve")
        self._run(arguments, capture=not self.echo)

    def outputs(self) -> dict[str, Any]:
        shown = self._run(["output", "-json"], capture=True)
        raw: dict[str, dict[str, Any]] = json.loads(shown.stdout)
        return {name: entry["value"] for name, entry in raw.items()}

    def resource_addresses(self) -> list[str]:
        listed = self._run(["state", "list"], capture=True)
        return [line for line in listed.stdout.splitlines() if line.strip()]


@dataclass(frozen=True)
class SavedPlan:
    """A binary plan and the files ``TerraformRoot.save_plan`` writes beside it."""

    plan_file: Path

    @property
    def json_file(self) -> Path:
        return self.plan_file.with_name(self.plan_file.name + ".json")

    @property
    def text_file(self) -> Path:
        return self.plan_file.with_name(self.plan_file.name + ".txt")

    @property
    def report_file(self) -> Path:
        return self.plan_file.with_name(self.plan_file.name + ".report.json")

    def remove(self) -> None:
        """Delete the plan and its companions (a plan that must not be applied)."""
        for path in (self.plan_file, self.json_file, self.text_file, self.report_file):
            path.unlink(missing_ok=True)


def gitlab_terraform_report(plan: Mapping[str, Any]) -> dict[str, int]:
    """GitLab's ``artifacts:reports:terraform`` summary of a JSON plan: how many resource actions
    create, update and delete (a replacement counts as one delete and one create)."""
    actions = [
        action for change in plan.get("resource_changes", []) for action in change["change"]["actions"]
    ]
    return {kind: actions.count(kind) for kind in ("create", "update", "delete")}


def terraform_test_states(
    toolchain: Toolchain, test_file: str, data_dir: Path, *, workspace: str = "test"
) -> dict[str, dict[str, Any]]:
    """Run one ``terraform test`` file of the root module (mock providers, no AWS) and return the
    state each ``command = apply`` run block left, by run name, as ``terraform show -json`` would
    print it. Raises TerraformError, with Terraform's diagnostics, when the test fails."""
    build_glue_package(toolchain.repo_root)
    env = dict(
        os.environ, TF_DATA_DIR=str(data_dir), TF_IN_AUTOMATION="1", TF_INPUT="0", TF_WORKSPACE=workspace
    )
    if env.get("TF_CLI_CONFIG_FILE") and not Path(env["TF_CLI_CONFIG_FILE"]).is_file():
        del env["TF_CLI_CONFIG_FILE"]
    chdir = f"-chdir={toolchain.terraform_dir}"
    init = ["terraform", chdir, "init", "-backend=false", "-input=false"]
    if toolchain.provider_mirror.is_dir():
        init.append(f"-plugin-dir={toolchain.provider_mirror}")
    subprocess.run(init, env=env, check=True, capture_output=True, text=True)
    test = ["terraform", chdir, "test", f"-filter={test_file}", "-json", "-verbose"]
    completed = subprocess.run(test, env=env, check=False, capture_output=True, text=True)
    states: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for line in completed.stdout.splitlines():
        message = json.loads(line)
        if message.get("type") == "test_state":
            states[message["@testrun"]] = message["test_state"]
        elif message.get("@level") == "error":
            errors.append(message["@message"])
    if completed.returncode != 0:
        raise TerraformError(f"terraform test {test_file} failed (exit {completed.returncode}): {errors}")
    return states


def changed_resources(plan: Mapping[str, Any]) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each resource a JSON plan would touch: (address, actions, names of the attributes that differ)."""
    for change in plan.get("resource_changes", []):
        actions: list[str] = change["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        before = change["change"].get("before") or {}
        after = change["change"].get("after") or {}
        unknown = change["change"].get("after_unknown") or {}
        differing = sorted(
            key
            for key in set(before) | set(after) | set(unknown)
            if before.get(key) != after.get(key) or unknown.get(key)
        )
        yield change["address"], actions, differing


def unexplained_changes(
    plan: Mapping[str, Any], allowlist: Mapping[tuple[str, str], str]
) -> list[tuple[str, list[str], list[str]]]:
    """The changes of a re-plan that ``allowlist`` does not explain.

    ``allowlist`` maps (resource type, attribute) to the reason the emulator, not the module, causes
    that in-place diff. Creates, deletes and replacements are never explained away.
    """
    unexplained = []
    for address, actions, attributes in changed_resources(plan):
        resource_type = resource_type_of(address)
        remaining = [attribute for attribute in attributes if (resource_type, attribute) not in allowlist]
        if actions != ["update"] or remaining:
            unexplained.append((address, actions, remaining))
    return unexplained


def resource_type_of(address: str) -> str:
    """``aws_s3_bucket`` for ``module.landing_zone.aws_s3_bucket.this["raw"]``."""
    parts = address.split("[", 1)[0].split(".")
    while parts[0] == "module":  # module.<name>.<rest>
        parts = parts[2:]
    if parts[0] == "data":
        parts = parts[1:]
    return parts[0]
