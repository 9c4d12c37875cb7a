"""Fixtures shared by the integration tests: one apply of the root module to a fresh emulator per
test session (it takes minutes), and the local runtime (API, front, pumps) on top of it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ensure_bucket
from acogida.infra.deploy import apply_environment, environment_images
from acogida.infra.terraform import TerraformRoot
from acogida.local.api import LocalHttpApi
from acogida.local.demo import backend_setting
from acogida.local.front import LocalFront
from acogida.local.intake_demo import ensure_demo_users
from acogida.local.runtime import LocalRuntime, local_runtime
from acogida.local.stack import LocalEmulator
from tests.conftest import find_free_port

HOME_FUNCTIONS = ("intake_api", "export_submissions", "bulk_upload", "forecast_api", "privacy_api")


# Fixtures of tests that submit intakes or upload history into the shared deployment.
RUNTIME_FIXTURES = frozenset({"local_stack", "reliability_stack"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the local stack run last: they submit intakes and upload history into the shared
    deployment, which test_local_apply's lake and forecast tests count from empty."""
    items.sort(key=lambda item: bool(RUNTIME_FIXTURES & set(getattr(item, "fixturenames", ()))))


class LocalDeployment:
    def __init__(self, root: TerraformRoot, emulator: LocalEmulator, outputs: dict[str, Any]) -> None:
        self.root = root
        self.emulator = emulator
        self.outputs = outputs
        # The home region (data, intake API) and the language region (transcription path): moto
        # serves both on its one endpoint and tells them apart by the request's signing region.
        self.target = AwsTarget(region=outputs["aws_region"], endpoint_url=emulator.endpoint)
        self.language = AwsTarget(region=outputs["language_region"], endpoint_url=emulator.endpoint)

    def target_of(self, function: str) -> AwsTarget:
        return self.target if function in HOME_FUNCTIONS else self.language


@pytest.fixture(scope="session")
def deployment(toolchain, tmp_path_factory) -> Iterator[LocalDeployment]:
    workdir = tmp_path_factory.mktemp("local-apply")
    emulator = LocalEmulator(workdir / "emulator", find_free_port())
    emulator.up()
    try:
        region = backend_setting(toolchain, "region")
        ensure_bucket(
            AwsTarget(region, emulator.endpoint).client("s3"), backend_setting(toolchain, "bucket"), region
        )
        root = TerraformRoot(
            toolchain,
            "local",
            data_dir=workdir / "tfdata",
            emulator_endpoint=emulator.endpoint,
            echo=False,
            # The provider's request log, kept beside the emulator's: an apply that fails on the
            # emulator (we have seen a create sent twice under load) can then be explained.
            extra_env={"TF_LOG": "DEBUG", "TF_LOG_PATH": str(workdir / "terraform-debug.log")},
        )
        root.init()
        root.select_workspace()
        # Repositories first, the images registered in the emulator's ECR, then everything.
        apply_environment(environment_images(root, emit=lambda _: None), auto_approve=True)
        yield LocalDeployment(root, emulator, root.outputs())
        root.destroy(auto_approve=True)
        assert root.resource_addresses() == []
    finally:
        emulator.down()


@dataclass(frozen=True)
class LocalStack:
    """The local runtime on the deployment, with what a test needs to act as its users."""

    runtime: LocalRuntime
    deployment: LocalDeployment
    cognito: Any  # the emulator's cognito-idp client
    client_id: str  # the web app client the front signs in with

    @property
    def api(self) -> LocalHttpApi:
        return self.runtime.api

    @property
    def front(self) -> LocalFront:
        assert self.runtime.front is not None
        return self.runtime.front

    @property
    def target(self) -> AwsTarget:
        return self.deployment.target

    @property
    def raw_bucket(self) -> str:
        return str(self.deployment.outputs["s3_bucket_names"]["raw"])


@pytest.fixture(scope="module")
def local_stack(deployment, toolchain, tmp_path_factory) -> Iterator[LocalStack]:
    """The local runtime on the deployment, demo users present: the API on a free port, the front on
    LOCAL_FRONT_PORT (8080, the one origin config/local.tfvars lets the API's CORS admit; the front
    finds the API through /config.json).

    Module scope, not session: its pumps consume the uploads queues and the intakes stream, which
    test_local_apply reads for itself."""
    workdir = tmp_path_factory.mktemp("local-stack")
    cognito = deployment.target.client("cognito-idp")
    ensure_demo_users(cognito, deployment.outputs["cognito_user_pool_id"])
    with local_runtime(
        deployment.outputs,
        deployment.emulator.endpoint,
        find_free_port(),
        workdir / "logs" / "runtime.jsonl",
        mlops_workdir=workdir / "mlops",
        front_port=toolchain.local_front_port,
    ) as runtime:
        yield LocalStack(runtime, deployment, cognito, deployment.outputs["cognito_user_pool_client_id"])
