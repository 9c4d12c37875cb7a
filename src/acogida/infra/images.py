"""The container images: which image each function runs, what each image ships and the content
hash that tags it.

One place names the images (``IMAGES``): the two Lambda images (``src/lambdas/<image>/Dockerfile``,
built from the repository root) and the front's nginx image (``src/front/Dockerfile``, built from
``src/front``). What an image ships is read from its Dockerfile: every source of every ``COPY`` from
the build context (directories walked recursively), minus what the context's ``.dockerignore``
leaves out, with the same rules docker applies to the context. The hash is the sha256 of a sorted,
normalised listing of those files (path, executable bit, sha256 of the content), the Dockerfile
and the image's locked requirements; the tag is ``<image>-<first 20 hex digits>``. So the tag is the
same on every machine and in any file order, and changes with any edit to what the image ships.

Over-inclusion is safe: a file the Dockerfile copies and later deletes (``RUN rm``) still counts,
which can only cause a rebuild, never a missed change. What the hash does not see is what the
Dockerfile takes from outside the context: the base images (``FROM``, by tag) and the wheels pip
downloads, which the locks pin by sha256.

    acogida images hash [--json]    → the tag of each image (scripts/hash.sh, make hash)
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

HASH_SCHEME = "acogida-image-hash/1"
TAG_HEX_DIGITS = 20
# The Terraform key of the front's image in the root variable image_tags (the others are functions).
FRONT_KEY = "front"
TAG_PATTERN = re.compile(rf"^[a-z][a-z0-9]*-[0-9a-f]{{{TAG_HEX_DIGITS}}}$")


class ImageDefinitionError(ValueError):
    """A Dockerfile or .dockerignore the hasher cannot read faithfully; the message names the line."""


@dataclass(frozen=True)
class ImageSpec:
    """One image: where it is defined and what runs it."""

    name: str
    context: str  # the build context, relative to the repository root ("." = the root)
    dockerfile: str  # relative to the repository root
    lock: str | None  # the locked Python requirements, relative to the repository root
    functions: tuple[str, ...]  # the Lambda functions that run it (Terraform keys); () for the front
    platform: str = "linux/arm64"


# The one mapping of functions to images. Terraform's root variable image_tags takes exactly these
# functions plus "front"; tests/unit/test_lambda_images.py cross-checks it against the root
# variable, each Dockerfile and each handler's imports.
IMAGES: tuple[ImageSpec, ...] = (
    ImageSpec(
        name="intake",
        context=".",
        dockerfile="src/lambdas/intake/Dockerfile",
        lock="requirements/lambda-intake.lock",
        functions=(
            "intake_api",
            "forecast_api",
            "privacy_api",
            "transcription_start",
            "transcription_done",
            "export_submissions",
        ),
    ),
    ImageSpec(
        name="analytics",
        context=".",
        dockerfile="src/lambdas/analytics/Dockerfile",
        lock="requirements/lambda-analytics.lock",
        functions=("bulk_upload",),
    ),
    # The front's nginx image (ECS Fargate, module app), deployed only where front hosting is on.
    ImageSpec(name="front", context="src/front", dockerfile="src/front/Dockerfile", lock=None, functions=()),
)

FUNCTION_IMAGES: dict[str, str] = {function: image.name for image in IMAGES for function in image.functions}


def image_named(name: str) -> ImageSpec:
    for image in IMAGES:
        if image.name == name:
            return image
    raise ImageDefinitionError(f"unknown image {name!r}; the images are {', '.join(i.name for i in IMAGES)}")


def image_of(key: str) -> ImageSpec:
    """The image a function (or the front, key ``front``) runs."""
    if key == FRONT_KEY:
        return image_named("front")
    if key not in FUNCTION_IMAGES:
        known = ", ".join([*FUNCTION_IMAGES, FRONT_KEY])
        raise ImageDefinitionError(f"unknown function {key!r}; expected one of {known}")
    return image_named(FUNCTION_IMAGES[key])


# --- Dockerfile -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyInstruction:
    """A ``COPY`` from the build context: its sources (relative to the context) and destination."""

    line: int
    sources: tuple[str, ...]
    destination: str


# COPY flags that do not change which context files are copied (their effect on the image is in the
# Dockerfile's text, which is hashed). --from copies from a stage or an image, not the context.
NEUTRAL_COPY_FLAGS = ("--chmod=", "--chown=", "--link")


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """The Dockerfile's instructions with their first line number: continuations (a trailing
    backslash) joined, comment lines and blank lines dropped, as docker reads them."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        yield start, " ".join(part.strip() for part in pending if part.strip())
        pending = []
    if pending:
        yield start, " ".join(part.strip() for part in pending if part.strip())


def copy_instructions(dockerfile: Path) -> list[CopyInstruction]:
    """Every ``COPY`` from the build context. Refuses what the hasher would misread: ``ADD``, the
    JSON form, wildcards, variables and flags that change what is copied."""
    copies = []
    for line, instruction in logical_lines(dockerfile.read_text(encoding="utf-8")):
        keyword, _, arguments = instruction.partition(" ")
        keyword = keyword.upper()
        where = f"{dockerfile}:{line}"
        if keyword == "ADD":
            raise ImageDefinitionError(f"{where}: ADD is not supported by the image hasher; use COPY")
        if keyword != "COPY":
            continue
        if arguments.lstrip().startswith("["):
            raise ImageDefinitionError(f"{where}: the JSON form of COPY is not supported; list the paths")
        words = arguments.split()
        flags = [word for word in words if word.startswith("--")]
        paths = [word for word in words if not word.startswith("--")]
        if any(flag.startswith("--from=") for flag in flags):
            continue
        unknown = [flag for flag in flags if not flag.startswith(NEUTRAL_COPY_FLAGS)]
        if unknown:
            raise ImageDefinitionError(
                f"{where}: COPY flag {unknown[0]} is not supported by the image hasher"
            )
        if len(paths) < 2:  # at least one source and the destination
            raise ImageDefinitionError(f"{where}: COPY needs a source and a destination")
        for source in paths[:-1]:
            if any(character in source for character in "*?[$"):
                raise ImageDefinitionError(
                    f"{where}: COPY source {source} uses a wildcard or a variable; name the paths"
                )
        copies.append(CopyInstruction(line, tuple(paths[:-1]), paths[-1]))
    return copies


# --- .dockerignore ----------------------------------------------------------------------------------

# The subset of docker's .dockerignore syntax implemented here (and the only one the repository's
# files may use; a test checks): "#" comment lines, blank lines, "!" exceptions, and patterns made
# of path characters with the wildcards "*" (within one path segment), "?" (one character) and
# "**" (any number of segments). No character classes, no escapes.
IGNORE_PATTERN_SYNTAX = re.compile(r"[A-Za-z0-9_.\-/*?]+")


@dataclass(frozen=True)
class IgnorePattern:
    text: str
    negated: bool
    regex: re.Pattern[str]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts))


def parse_dockerignore(text: str, origin: str) -> tuple[IgnorePattern, ...]:
    patterns = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        body = line[1:].strip() if negated else line
        if not IGNORE_PATTERN_SYNTAX.fullmatch(body):
            raise ImageDefinitionError(
                f"{origin}:{number}: {raw.strip()!r} uses .dockerignore syntax the image hasher does not "
                "implement (supported: # comments, ! exceptions, the wildcards * ? **)"
            )
        # Docker cleans each pattern like a path (filepath.Clean) and drops a leading slash.
        cleaned = posixpath.normpath(body).lstrip("/")
        if cleaned == ".." or cleaned.startswith("../"):
            raise ImageDefinitionError(f"{origin}:{number}: {body!r} points outside the build context")
        patterns.append(IgnorePattern(line, negated, _pattern_regex(cleaned)))
    return tuple(patterns)


@dataclass(frozen=True)
class DockerIgnore:
    """A build context's .dockerignore, applied as docker applies it: the last pattern that matches a
    path or one of its parent directories decides, a ``!`` pattern bringing the path back."""

    patterns: tuple[IgnorePattern, ...] = ()

    @classmethod
    def of_context(cls, context: Path) -> DockerIgnore:
        path = context / ".dockerignore"
        if not path.is_file():
            return cls()
        return cls(parse_dockerignore(path.read_text(encoding="utf-8"), str(path)))

    def excludes(self, relative_path: str) -> bool:
        parts = relative_path.split("/")
        candidates = ["/".join(parts[: length + 1]) for length in range(len(parts))]
        excluded = False
        for pattern in self.patterns:
            if any(pattern.regex.fullmatch(candidate) for candidate in candidates):
                excluded = not pattern.negated
        return excluded


# --- What an image ships, and its hash ----------------------------------------------------------------


@dataclass(frozen=True)
class ShippedFile:
    """A file of the build context that the image copies."""

    path: str  # relative to the build context, with forward slashes
    executable: bool
    sha256: str
    size: int

    def listing_line(self) -> str:
        return f"file {'x' if self.executable else '-'} {self.sha256} {self.path}"


def _file_entry(context: Path, path: Path) -> ShippedFile:
    relative = path.relative_to(context).as_posix()
    if path.is_symlink():
        # Docker copies a symlink as a symlink: what it points to is its content.
        target = os.readlink(path).encode()
        return ShippedFile(relative, False, hashlib.sha256(b"symlink:" + target).hexdigest(), len(target))
    content = path.read_bytes()
    executable = bool(path.stat().st_mode & 0o111)
    return ShippedFile(relative, executable, hashlib.sha256(content).hexdigest(), len(content))


def _walk(directory: Path) -> Iterator[Path]:
    for root, directories, files in os.walk(directory, followlinks=False):
        directories.sort()
        for name in sorted(files):
            yield Path(root) / name
        for name in directories:
            if (Path(root) / name).is_symlink():
                yield Path(root) / name


def _source_members(context: Path, ignore: DockerIgnore, where: str, source: str) -> tuple[str, list[Path]]:
    """A COPY source's path relative to the context, and the files it copies (a directory's,
    recursively) that the .dockerignore keeps. A missing or ignored source is an error: the build
    would fail on it."""
    relative = posixpath.normpath(source).lstrip("/")
    if relative == ".." or relative.startswith("../"):
        raise ImageDefinitionError(f"{where}: COPY source {source} is outside the build context")
    path = context / relative
    if not path.exists() and not path.is_symlink():
        raise ImageDefinitionError(f"{where}: COPY source {source} does not exist in {context}")
    if relative != "." and ignore.excludes(relative):
        raise ImageDefinitionError(
            f"{where}: COPY source {source} is excluded by {context / '.dockerignore'}"
        )
    members = [path] if path.is_file() or path.is_symlink() else list(_walk(path))
    return relative, [
        member for member in members if not ignore.excludes(member.relative_to(context).as_posix())
    ]


def _context_and_ignore(repo_root: Path, image: ImageSpec) -> tuple[Path, DockerIgnore]:
    context = repo_root / image.context
    dockerfile = repo_root / image.dockerfile
    specific_ignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if specific_ignore.exists():
        raise ImageDefinitionError(
            f"{specific_ignore}: Dockerfile-specific ignore files are not supported by the image hasher; "
            f"use {context / '.dockerignore'}"
        )
    return context, DockerIgnore.of_context(context)


def shipped_files(repo_root: Path, image: ImageSpec) -> list[ShippedFile]:
    """The context files the image's Dockerfile copies, after the context's .dockerignore, sorted by
    path."""
    context, ignore = _context_and_ignore(repo_root, image)
    dockerfile = repo_root / image.dockerfile
    files: dict[str, ShippedFile] = {}
    for copy in copy_instructions(dockerfile):
        for source in copy.sources:
            _, members = _source_members(context, ignore, f"{dockerfile}:{copy.line}", source)
            for member in members:
                entry = _file_entry(context, member)
                files[entry.path] = entry
    return [files[path] for path in sorted(files)]


TASK_ROOT = "${LAMBDA_TASK_ROOT}"


def stage_task_root(repo_root: Path, image: ImageSpec, target: Path) -> list[Path]:
    """Lay out under ``target`` what the image's COPY instructions put under ``${LAMBDA_TASK_ROOT}``
    (the function's code directory), as docker places it: a directory source's content goes into
    the destination, a file goes to the destination or, when the destination ends with "/" or
    the COPY has several sources, into it. Copies elsewhere (the lock under /tmp) are left out.
    Later ``RUN`` steps are not replayed. For checking what a handler can import, and timing it."""
    context, ignore = _context_and_ignore(repo_root, image)
    dockerfile = repo_root / image.dockerfile
    staged = []
    for copy in copy_instructions(dockerfile):
        if not copy.destination.startswith(TASK_ROOT):
            continue
        destination = target / copy.destination[len(TASK_ROOT) :].lstrip("/")
        into_directory = copy.destination.endswith("/") or len(copy.sources) > 1
        for source in copy.sources:
            relative, members = _source_members(context, ignore, f"{dockerfile}:{copy.line}", source)
            source_path = context / relative
            for member in members:
                if source_path.is_dir():
                    placed = destination / member.relative_to(source_path)
                elif into_directory:
                    placed = destination / member.name
                else:
                    placed = destination
                placed.parent.mkdir(parents=True, exist_ok=True)
                placed.write_bytes(member.read_bytes())
                staged.append(placed)
    return staged


@dataclass(frozen=True)
class ImageHash:
    """The content hash of one image and what it covers."""

    image: ImageSpec
    files: tuple[ShippedFile, ...]
    dockerfile_sha256: str
    lock_sha256: str | None

    @cached_property
    def listing(self) -> str:
        """The normalised text the hash is taken over (one line per input, sorted files)."""
        lines = [HASH_SCHEME, f"platform {self.image.platform}", f"dockerfile {self.dockerfile_sha256}"]
        if self.lock_sha256 is not None:
            lines.append(f"lock {self.lock_sha256}")
        lines.extend(entry.listing_line() for entry in self.files)
        return "\n".join(lines) + "\n"

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.listing.encode("utf-8")).hexdigest()

    @property
    def tag(self) -> str:
        return f"{self.image.name}-{self.digest[:TAG_HEX_DIGITS]}"

    @property
    def shipped_bytes(self) -> int:
        return sum(entry.size for entry in self.files)

    def as_json(self) -> dict[str, object]:
        return {
            "image": self.image.name,
            "tag": self.tag,
            "sha256": self.digest,
            "dockerfile": self.image.dockerfile,
            "context": self.image.context,
            "lock": self.image.lock,
            "functions": list(self.image.functions),
            "files": len(self.files),
            "bytes": self.shipped_bytes,
        }


def _sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hash_image(repo_root: Path, image: ImageSpec) -> ImageHash:
    lock = repo_root / image.lock if image.lock else None
    return ImageHash(
        image=image,
        files=tuple(shipped_files(repo_root, image)),
        dockerfile_sha256=_sha256_of(repo_root / image.dockerfile),
        lock_sha256=_sha256_of(lock) if lock is not None else None,
    )


def hash_images(repo_root: Path, images: Sequence[ImageSpec] = IMAGES) -> dict[str, ImageHash]:
    return {image.name: hash_image(repo_root, image) for image in images}


def deployment_tags(hashes: Mapping[str, ImageHash]) -> dict[str, str]:
    """Terraform's image_tags: the tag of each function's image, and of the front's (key front)."""
    tags = {function: hashes[image].tag for function, image in FUNCTION_IMAGES.items()}
    tags[FRONT_KEY] = hashes["front"].tag
    return dict(sorted(tags.items()))


def image_tags(repo_root: Path) -> dict[str, str]:
    return deployment_tags(hash_images(repo_root))
