"""Where the images go and how they get there: each function's ECR repository (and the front's),
which tags they hold, and pushing the missing ones.

Every function has its own repository in its own region (Lambda pulls only from its region; the
transcription functions live in the language region); the front has one where it is hosted. They
are read from the state (``terraform show -json``): module lambda_function's ``aws_ecr_repository``
of each function and the front's, the region from the repository URL. Not from ``terraform
output``: after the targeted apply that creates new repositories the outputs are stale (Terraform
updates a root output only when everything it depends on was applied).

A push builds each image once (``docker buildx build --platform linux/arm64 --provenance=false``:
Lambda refuses an image index, which a provenance attestation would make) and pushes it to every
repository that lacks its tag; the repositories are IMMUTABLE, so a tag present is the image of
that content and is never pushed again. Login goes through ECR's GetAuthorizationToken and
``docker login --password-stdin`` (no AWS CLI needed).

Local mode has no docker: ``LocalPublisher`` registers each image in the emulator's ECR with
``PutImage`` and a small, valid image manifest derived from the tag (the content hash), so its
digest is the same on every run. No image is built; the registry entry stands for it, and
Terraform's ``aws_ecr_image`` data source and Lambda's image check see it as on AWS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError

from acogida.adapters.aws import AwsTarget
from acogida.infra.images import FRONT_KEY, image_named, image_of

Emit = Callable[[str], None]


class ImageRegistryError(RuntimeError):
    """A repository is missing, a push failed, or docker is not there; the message says what to do."""


@dataclass(frozen=True)
class ImageTarget:
    """One repository that must hold one image at one tag."""

    key: str  # the function (Terraform key) or "front"
    image: str
    tag: str
    repository_url: str
    region: str

    @property
    def registry(self) -> str:
        return self.repository_url.split("/", 1)[0]

    @property
    def repository_name(self) -> str:
        return self.repository_url.split("/", 1)[1]

    @property
    def reference(self) -> str:
        return f"{self.repository_url}:{self.tag}"


# Where module lambda_function's repository of function <key> sits, and the front's (module app).
FUNCTION_REPOSITORY_ADDRESS = re.compile(
    r'module\.function\["([a-z][a-z0-9_]*)"\]\.aws_ecr_repository\.this$'
)
FRONT_REPOSITORY_ADDRESS = "module.app.aws_ecr_repository.front[0]"
REPOSITORY_URL = re.compile(r"^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/[a-z0-9._/-]+$")


def _state_resources(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _state_resources(child)


def repositories_in_state(state: Mapping[str, Any]) -> dict[str, str]:
    """The image repository URL of each function (and of the front, key ``front``) in a state
    (``terraform show -json``); an empty state has none."""
    root_module = (state.get("values") or {}).get("root_module") or {}
    repositories = {}
    for resource in _state_resources(root_module):
        if resource.get("type") != "aws_ecr_repository" or resource.get("mode") != "managed":
            continue
        address = str(resource["address"])
        matched = FUNCTION_REPOSITORY_ADDRESS.search(address)
        if matched:
            key = matched.group(1)
        elif address == FRONT_REPOSITORY_ADDRESS:
            key = FRONT_KEY
        else:
            raise ImageRegistryError(f"{address}: an image repository the image tooling does not know")
        repositories[key] = str(resource["values"]["repository_url"])
    return repositories


def repository_region(url: str) -> str:
    matched = REPOSITORY_URL.match(url)
    if matched is None:
        raise ImageRegistryError(
            f"{url} is not an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>)"
        )
    return matched.group(1)


def image_targets(
    repositories: Mapping[str, str], tags: Mapping[str, str], keys: Sequence[str] = ()
) -> list[ImageTarget]:
    """Each repository with the tag it must hold. ``keys`` narrows them to those functions (or
    ``front``); one without a repository yet is an error."""
    for key in keys:
        image_of(key)  # an unknown name fails here, listing the known ones
    absent = [key for key in keys if key not in repositories]
    if absent:
        raise ImageRegistryError(
            f"no image repository for {', '.join(absent)} in this environment's state yet "
            "(the front has one only with front_hosting_enabled): `make apply ENV=<env>` creates the "
            "repositories first, pushes, then applies the rest"
        )
    chosen = list(dict.fromkeys(keys)) if keys else sorted(repositories)
    return [
        ImageTarget(
            key, image_of(key).name, tags[key], repositories[key], repository_region(repositories[key])
        )
        for key in chosen
    ]


class EcrRegistry:
    """ECR of every region the targets live in (the emulator's in local mode)."""

    def __init__(self, endpoint_url: str | None = None) -> None:
        self.endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}

    def client(self, region: str) -> Any:  # noqa: ANN401 - boto3 clients are dynamically typed
        if region not in self._clients:
            self._clients[region] = AwsTarget(region, self.endpoint_url).client("ecr")
        return self._clients[region]

    def digest_of(self, target: ImageTarget) -> str | None:
        """The digest of the target's tag in its repository, or None when the tag is not there."""
        try:
            described = self.client(target.region).describe_images(
                repositoryName=target.repository_name, imageIds=[{"imageTag": target.tag}]
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "ImageNotFoundException":
                return None
            if code == "RepositoryNotFoundException":
                raise ImageRegistryError(
                    f"repository {target.repository_name} ({target.region}) of {target.key} does not exist, "
                    "though the state names it: run `make apply ENV=<env>` to recreate it"
                ) from error
            raise
        details = described.get("imageDetails") or []
        return str(details[0]["imageDigest"]) if details else None

    def login_password(self, region: str) -> str:
        """The password ``docker login`` takes for the region's registry (user ``AWS``, 12 hours)."""
        token = self.client(region).get_authorization_token()["authorizationData"][0]["authorizationToken"]
        user, _, password = base64.b64decode(token).decode().partition(":")
        if user != "AWS" or not password:
            raise ImageRegistryError(f"ECR returned an unexpected authorization token in {region}")
        return password


class Publisher(Protocol):
    def publish(self, targets: Sequence[ImageTarget]) -> None:
        """Put each target's image at its tag in its repository."""


Runner = Callable[..., subprocess.CompletedProcess[str]]


@dataclass
class DockerPublisher:
    """Builds each image once and pushes it to the repositories that lack it."""

    repo_root: Path
    registry: EcrRegistry
    emit: Emit = print
    docker: str = "docker"
    run: Runner = subprocess.run
    _logged_in: set[str] = field(default_factory=set)

    def _docker(self, *arguments: str, stdin: str | None = None) -> None:
        completed = self.run(
            [self.docker, *arguments], input=stdin, text=True, cwd=self.repo_root, check=False
        )
        if completed.returncode != 0:
            raise ImageRegistryError(f"docker {arguments[0]} failed (exit {completed.returncode})")

    def _login(self, target: ImageTarget) -> None:
        if target.registry in self._logged_in:
            return
        self.emit(f"    docker login {target.registry} (ECR authorization token, {target.region})")
        password = self.registry.login_password(target.region)
        self._docker("login", "--username", "AWS", "--password-stdin", target.registry, stdin=password)
        self._logged_in.add(target.registry)

    def publish(self, targets: Sequence[ImageTarget]) -> None:
        if not targets:
            return
        if shutil.which(self.docker) is None:
            raise ImageRegistryError(
                f"{self.docker} not found: pushing builds the images with Docker (buildx, linux/arm64); "
                "install it, or see what would be pushed with --dry-run"
            )
        by_image: dict[tuple[str, str], list[ImageTarget]] = {}
        for target in targets:
            by_image.setdefault((target.image, target.tag), []).append(target)
        for number, ((name, tag), image_targets_) in enumerate(by_image.items(), start=1):
            image = image_named(name)
            local = f"acogida/{name}:{tag}"
            self.emit(f"==> [{number}/{len(by_image)}] build {local} ({image.platform}, {image.dockerfile})")
            self._docker(
                "buildx",
                "build",
                f"--platform={image.platform}",
                "--provenance=false",
                "--load",
                "-f",
                str(self.repo_root / image.dockerfile),
                "-t",
                local,
                str(self.repo_root / image.context),
            )
            for target in image_targets_:
                self._login(target)
                self.emit(f"    push {target.reference} ({target.key}, {target.region})")
                self._docker("tag", local, target.reference)
                self._docker("push", target.reference)
                digest = self.registry.digest_of(target)
                if digest is None:
                    raise ImageRegistryError(f"{target.reference} is not in ECR after docker push")
                self.emit(f"    {target.repository_name}:{tag} = {digest}")


def local_manifest(image: str, tag: str) -> str:
    """A minimal, valid Docker image manifest (schema 2) standing for the image in local mode. Its
    config and layer digests derive from the tag, so the manifest, and so the image digest, is the
    same on every run; no blob behind them exists."""
    config = json.dumps(
        {
            "architecture": "arm64",
            "os": "linux",
            "config": {"Labels": {"org.acogida.image": image, "org.acogida.tag": tag}},
            "rootfs": {"type": "layers", "diff_ids": []},
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    layer = f"acogida local image {image} {tag}: no layer is built in local mode".encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": len(config),
            "digest": f"sha256:{hashlib.sha256(config).hexdigest()}",
        },
        "layers": [
            {
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size": len(layer),
                "digest": f"sha256:{hashlib.sha256(layer).hexdigest()}",
            }
        ],
    }
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"))


@dataclass
class LocalPublisher:
    """Local mode: no image is built; a registry entry (``local_manifest``) stands for it."""

    registry: EcrRegistry
    emit: Emit = print

    def publish(self, targets: Sequence[ImageTarget]) -> None:
        for target in targets:
            manifest = local_manifest(target.image, target.tag)
            digest = f"sha256:{hashlib.sha256(manifest.encode()).hexdigest()}"
            try:
                self.registry.client(target.region).put_image(
                    repositoryName=target.repository_name,
                    imageManifest=manifest,
                    imageManifestMediaType="application/vnd.docker.distribution.manifest.v2+json",
                    imageTag=target.tag,
                    imageDigest=digest,
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ImageAlreadyExistsException":
                    raise
            self.emit(f"    {target.repository_name}:{target.tag} = {digest} (local registry entry)")


@dataclass(frozen=True)
class TargetStatus:
    target: ImageTarget
    digest: str | None  # None: the tag is not in the repository


def target_statuses(registry: EcrRegistry, targets: Sequence[ImageTarget]) -> list[TargetStatus]:
    return [TargetStatus(target, registry.digest_of(target)) for target in targets]


def describe_status(status: TargetStatus, *, dry_run: bool) -> str:
    target = status.target
    where = f"{target.repository_name} ({target.region})"
    if status.digest is not None:
        action = f"present {status.digest[:19]}…, skip"
    else:
        action = "absent, would build and push" if dry_run else "absent, build and push"
    return f"    {target.key:<20} {target.tag:<31} {where}: {action}"


def push_images(
    registry: EcrRegistry,
    publisher: Publisher,
    targets: Sequence[ImageTarget],
    *,
    dry_run: bool = False,
    emit: Emit = print,
) -> list[ImageTarget]:
    """Push each target whose tag its repository lacks (with ``dry_run``, only say so); returns
    the targets that were (or would be) pushed."""
    emit(f"==> {len(targets)} repositories: which tags they hold")
    statuses = target_statuses(registry, targets)
    for status in statuses:
        emit(describe_status(status, dry_run=dry_run))
    absent = [status.target for status in statuses if status.digest is None]
    if dry_run:
        emit(f"==> dry run: {len(absent)} to push, nothing built or pushed")
        return absent
    if not absent:
        emit("==> every repository holds its image: nothing to push")
        return []
    publisher.publish(absent)
    emit(f"==> pushed {len(absent)} image tags")
    return absent


class ImagesMissingError(ImageRegistryError):
    """Repositories lack the tag the checkout deploys: a plan would fail on them."""


def check_images_present(registry: EcrRegistry, targets: Sequence[ImageTarget], environment: str) -> None:
    """Fail with the functions, repositories and the command to run when a tag is missing, before
    Terraform's data source fails on it with a raw ECR error."""
    missing = [status.target for status in target_statuses(registry, targets) if status.digest is None]
    if missing:
        lines = [
            f"  {target.key}: {target.repository_name} ({target.region}) has no image tagged {target.tag}"
            for target in missing
        ]
        raise ImagesMissingError(
            "the images of this checkout are not all in the environment's repositories:\n"
            + "\n".join(lines)
            + f"\npush them first: make push ENV={environment} (scripts/push.sh --env {environment})"
        )
