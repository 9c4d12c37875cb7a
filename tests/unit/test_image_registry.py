"""Pushing images (acogida.infra.image_registry) without a docker daemon: ECR is a moto server, and
``docker`` is a fake executable that records its arguments and, for ``push``, registers the image
in that ECR as a real push would."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from acogida.adapters.aws import AwsTarget
from acogida.infra.image_registry import (
    DockerPublisher,
    EcrRegistry,
    ImageRegistryError,
    ImagesMissingError,
    ImageTarget,
    LocalPublisher,
    check_images_present,
    image_targets,
    local_manifest,
    push_images,
    repositories_in_state,
    repository_region,
)
from acogida.infra.images import image_named
from tests.conftest import find_free_port

REPO = Path(__file__).resolve().parents[2]
INTAKE_TAG = "intake-0123456789abcdef0123"
ANALYTICS_TAG = "analytics-0123456789abcdef0123"
FRONT_TAG = "front-0123456789abcdef0123"
TAGS = {
    "intake_api": INTAKE_TAG,
    "forecast_api": INTAKE_TAG,
    "export_submissions": INTAKE_TAG,
    "transcription_start": INTAKE_TAG,
    "transcription_done": INTAKE_TAG,
    "bulk_upload": ANALYTICS_TAG,
    "front": FRONT_TAG,
}
LANGUAGE_FUNCTIONS = ("transcription_start", "transcription_done")

FAKE_DOCKER = """#!{python}
# A stand-in for docker: records each call; "push" registers the image in the (moto) ECR the way
# a real push does, "login" records the password it reads on stdin.
import json, os, sys

arguments = sys.argv[1:]
entry = {{"arguments": arguments}}
if arguments[:1] == ["login"]:
    entry["stdin"] = sys.stdin.read()
with open(os.environ["FAKE_DOCKER_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(entry) + "\\n")
if arguments[:1] == [os.environ.get("FAKE_DOCKER_FAILS", "")]:
    sys.exit(1)
if arguments[:1] == ["push"]:
    import boto3
    from acogida.infra.image_registry import local_manifest

    registry, _, rest = arguments[1].partition("/")
    repository, _, tag = rest.rpartition(":")
    ecr = boto3.client(
        "ecr", region_name=registry.split(".")[3], endpoint_url=os.environ["FAKE_DOCKER_ECR"],
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    ecr.put_image(repositoryName=repository, imageManifest=local_manifest("pushed", tag), imageTag=tag)
"""


@pytest.fixture
def ecr_endpoint() -> Iterator[str]:
    port = find_free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # Moto's backends are global to this process: start from an empty account.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)  # noqa: S310
    try:
        yield endpoint
    finally:
        server.stop()


def ecr(endpoint: str, region: str) -> Any:
    return AwsTarget(region, endpoint).client("ecr")


@pytest.fixture
def repositories(ecr_endpoint) -> dict[str, str]:
    """Every function's repository as Terraform creates them (immutable tags, the transcription
    functions' in the language region), intake_api already holding the intake image."""
    urls = {}
    for function in TAGS:
        if function == "front":
            continue
        region = "eu-west-1" if function in LANGUAGE_FUNCTIONS else "eu-south-2"
        created = ecr(ecr_endpoint, region).create_repository(
            repositoryName=f"acogida-test-{function.replace('_', '-')}",
            imageTagMutability="IMMUTABLE",
            imageScanningConfiguration={"scanOnPush": True},
        )
        urls[function] = created["repository"]["repositoryUri"]
    ecr(ecr_endpoint, "eu-south-2").put_image(
        repositoryName="acogida-test-intake-api",
        imageManifest=local_manifest("intake", INTAKE_TAG),
        imageTag=INTAKE_TAG,
    )
    return urls


@pytest.fixture
def fake_docker(tmp_path, ecr_endpoint, monkeypatch) -> tuple[Path, Path]:
    executable = tmp_path / "bin" / "docker"
    executable.parent.mkdir()
    executable.write_text(FAKE_DOCKER.format(python=sys.executable), encoding="utf-8")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "docker.log"
    monkeypatch.setenv("PATH", f"{executable.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_DOCKER_LOG", str(log))
    monkeypatch.setenv("FAKE_DOCKER_ECR", ecr_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", ecr_endpoint)
    return executable, log


def docker_calls(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_push_builds_each_image_once_and_pushes_only_where_the_tag_is_absent(repositories, fake_docker):
    docker, log = fake_docker
    registry = EcrRegistry()
    targets = image_targets(repositories, TAGS)
    lines: list[str] = []
    publisher = DockerPublisher(REPO, registry, lines.append, docker=str(docker))

    pushed = push_images(registry, publisher, targets, emit=lines.append)

    assert sorted(target.key for target in pushed) == sorted(set(repositories) - {"intake_api"})
    calls = [call["arguments"] for call in docker_calls(log)]
    builds = [arguments for arguments in calls if arguments[:2] == ["buildx", "build"]]
    assert len(builds) == 2  # intake once for five functions, analytics once
    for build in builds:
        assert "--platform=linux/arm64" in build
        assert "--provenance=false" in build
        dockerfile = build[build.index("-f") + 1]
        assert dockerfile in (str(REPO / image_named(name).dockerfile) for name in ("intake", "analytics"))
        assert build[-1] == str(REPO)  # the build context: the repository root
    pushes = sorted(arguments[1] for arguments in calls if arguments[0] == "push")
    assert pushes == sorted(f"{repositories[key]}:{TAGS[key]}" for key in repositories if key != "intake_api")
    tags = [arguments for arguments in calls if arguments[0] == "tag"]
    assert sorted(arguments[2] for arguments in tags) == pushes
    # One login per registry (home and language region), the password on stdin only.
    logins = [call for call in docker_calls(log) if call["arguments"][0] == "login"]
    assert sorted(call["arguments"][-1] for call in logins) == sorted(
        {url.split("/")[0] for key, url in repositories.items() if key != "intake_api"}
    )
    for login in logins:
        assert login["arguments"][1:4] == ["--username", "AWS", "--password-stdin"]
        token = ecr(os.environ["AWS_ENDPOINT_URL"], "eu-south-2").get_authorization_token()
        expected = (
            base64.b64decode(token["authorizationData"][0]["authorizationToken"]).decode().split(":", 1)[1]
        )
        assert login["stdin"] == expected
        assert expected not in login["arguments"]
    # Every repository now holds its tag, and says so.
    assert all(registry.digest_of(target) for target in targets)
    assert any("build acogida/intake:" in line for line in lines)


def test_a_second_push_finds_every_tag_and_runs_no_docker(repositories, fake_docker):
    docker, log = fake_docker
    registry = EcrRegistry()
    targets = image_targets(repositories, TAGS)
    publisher = DockerPublisher(REPO, registry, lambda _: None, docker=str(docker))
    push_images(registry, publisher, targets, emit=lambda _: None)
    calls_after_first = len(docker_calls(log))

    assert push_images(registry, publisher, targets, emit=lambda _: None) == []
    assert len(docker_calls(log)) == calls_after_first


def test_one_function_pushes_one_image_to_one_repository(repositories, fake_docker):
    docker, log = fake_docker
    registry = EcrRegistry()
    targets = image_targets(repositories, TAGS, ["bulk_upload"])
    push_images(
        registry,
        DockerPublisher(REPO, registry, lambda _: None, docker=str(docker)),
        targets,
        emit=lambda _: None,
    )
    calls = [call["arguments"] for call in docker_calls(log)]
    assert [arguments[0] for arguments in calls] == ["buildx", "login", "tag", "push"]
    assert calls[-1][1] == f"{repositories['bulk_upload']}:{ANALYTICS_TAG}"


def test_dry_run_says_what_it_would_do_and_runs_no_docker(repositories, fake_docker):
    docker, log = fake_docker
    registry = EcrRegistry()
    lines: list[str] = []
    would = push_images(
        registry,
        DockerPublisher(REPO, registry, lines.append, docker=str(docker)),
        image_targets(repositories, TAGS),
        dry_run=True,
        emit=lines.append,
    )
    assert docker_calls(log) == []
    assert len(would) == 5
    table = {line.split()[0]: line for line in lines if line.startswith("    ")}
    assert "present sha256:" in table["intake_api"]
    assert "skip" in table["intake_api"]
    assert (
        "acogida-test-transcription-done (eu-west-1): absent, would build and push"
        in table["transcription_done"]
    )
    assert ANALYTICS_TAG in table["bulk_upload"]
    assert all(
        registry.digest_of(target) is None for target in image_targets(repositories, TAGS, ["bulk_upload"])
    )


def test_a_failing_docker_step_stops_the_push_with_its_name(repositories, fake_docker, monkeypatch):
    docker, _ = fake_docker
    monkeypatch.setenv("FAKE_DOCKER_FAILS", "push")
    registry = EcrRegistry()
    with pytest.raises(ImageRegistryError, match=r"docker push failed \(exit 1\)"):
        push_images(
            registry,
            DockerPublisher(REPO, registry, lambda _: None, docker=str(docker)),
            image_targets(repositories, TAGS, ["bulk_upload"]),
            emit=lambda _: None,
        )


def test_without_docker_the_push_says_so_before_doing_anything(repositories, fake_docker, tmp_path):
    registry = EcrRegistry()
    publisher = DockerPublisher(REPO, registry, lambda _: None, docker=str(tmp_path / "no-docker"))
    with pytest.raises(ImageRegistryError, match=r"not found.*--dry-run"):
        push_images(
            registry, publisher, image_targets(repositories, TAGS, ["bulk_upload"]), emit=lambda _: None
        )


def test_local_mode_registers_the_same_manifest_and_digest_for_the_same_tag(repositories, fake_docker):
    registry = EcrRegistry(os.environ["AWS_ENDPOINT_URL"])
    lines: list[str] = []
    targets = image_targets(repositories, TAGS, ["export_submissions", "transcription_start", "bulk_upload"])
    LocalPublisher(registry, lines.append).publish(targets)
    digests = {target.key: registry.digest_of(target) for target in targets}
    manifest = local_manifest("intake", INTAKE_TAG)
    assert digests["export_submissions"] == digests["transcription_start"]
    assert digests["export_submissions"] == f"sha256:{hashlib.sha256(manifest.encode()).hexdigest()}"
    assert digests["bulk_upload"] != digests["export_submissions"]
    assert local_manifest("intake", INTAKE_TAG) == manifest  # derived from the tag alone
    document = json.loads(manifest)
    assert document["schemaVersion"] == 2
    assert document["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
    assert document["config"]["digest"].startswith("sha256:")
    assert len(document["layers"]) == 1
    assert all("local registry entry" in line for line in lines)
    # Registering again is harmless (the tag is there already).
    LocalPublisher(registry, lines.append).publish(targets)


def test_a_plan_check_names_the_functions_repositories_and_the_command(repositories, fake_docker):
    registry = EcrRegistry()
    targets = image_targets(repositories, TAGS)
    with pytest.raises(ImagesMissingError) as raised:
        check_images_present(registry, targets, "dev")
    message = str(raised.value)
    assert "intake_api" not in message  # its tag is there
    assert (
        f"bulk_upload: acogida-test-bulk-upload (eu-south-2) has no image tagged {ANALYTICS_TAG}" in message
    )
    assert "transcription_done: acogida-test-transcription-done (eu-west-1)" in message
    assert "make push ENV=dev" in message
    check_images_present(registry, image_targets(repositories, TAGS, ["intake_api"]), "dev")


def test_a_repository_the_state_names_but_ecr_lacks_is_explained(fake_docker):
    target = ImageTarget(
        "bulk_upload",
        "analytics",
        ANALYTICS_TAG,
        "123456789012.dkr.ecr.eu-south-2.amazonaws.com/gone",
        "eu-south-2",
    )
    with pytest.raises(
        ImageRegistryError, match=r"repository gone \(eu-south-2\) of bulk_upload does not exist"
    ):
        EcrRegistry().digest_of(target)


# --- Repositories from the state ------------------------------------------------------------------


def repository(address: str, url: str) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": "aws_ecr_repository",
        "values": {"repository_url": url},
    }


def test_repositories_come_from_the_state_with_their_function_and_region():
    home = "123456789012.dkr.ecr.eu-south-2.amazonaws.com"
    state = {
        "values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.app",
                        "resources": [
                            repository("module.app.aws_ecr_repository.front[0]", f"{home}/acogida-dev-front")
                        ],
                        "child_modules": [
                            {
                                "resources": [
                                    repository(
                                        'module.app.module.function["intake_api"].aws_ecr_repository.this',
                                        f"{home}/acogida-dev-intake-api",
                                    ),
                                    {"address": "x", "mode": "data", "type": "aws_ecr_image", "values": {}},
                                ]
                            }
                        ],
                    },
                    {
                        "resources": [
                            repository(
                                'module.transcription.module.function["transcription_done"].aws_ecr_repository.this',
                                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acogida-dev-transcription-done",
                            )
                        ]
                    },
                ]
            }
        }
    }
    repositories = repositories_in_state(state)
    assert set(repositories) == {"front", "intake_api", "transcription_done"}
    targets = {target.key: target for target in image_targets(repositories, TAGS)}
    assert targets["transcription_done"].region == "eu-west-1"
    assert targets["front"].image == "front"
    assert targets["front"].tag == FRONT_TAG
    assert targets["intake_api"].repository_name == "acogida-dev-intake-api"
    assert repositories_in_state({}) == {}
    with pytest.raises(ImageRegistryError, match="does not know"):
        repositories_in_state(
            {"values": {"root_module": {"resources": [repository("aws_ecr_repository.other", "x")]}}}
        )


def test_region_comes_from_the_repository_url():
    assert repository_region("123456789012.dkr.ecr.eu-west-1.amazonaws.com/acogida-dev-x") == "eu-west-1"
    with pytest.raises(ImageRegistryError, match="not an ECR repository URL"):
        repository_region("docker.io/library/nginx")


def test_targets_refuse_unknown_functions_and_functions_without_a_repository():
    repositories = {"intake_api": "123456789012.dkr.ecr.eu-south-2.amazonaws.com/acogida-dev-intake-api"}
    with pytest.raises(ValueError, match="unknown function 'intake'"):
        image_targets(repositories, TAGS, ["intake"])
    with pytest.raises(ImageRegistryError, match="no image repository for front"):
        image_targets(repositories, TAGS, ["front"])
    assert [target.key for target in image_targets(repositories, TAGS, ["intake_api", "intake_api"])] == [
        "intake_api"
    ]
