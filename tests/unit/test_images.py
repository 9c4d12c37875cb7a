"""The image content hash (acogida.infra.images): stable across checkouts and file order, changed
by every edit to what an image ships and by nothing else; the Dockerfile and .dockerignore readers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from acogida.infra.images import (
    FRONT_KEY,
    FUNCTION_IMAGES,
    IMAGES,
    TAG_PATTERN,
    DockerIgnore,
    ImageDefinitionError,
    copy_instructions,
    deployment_tags,
    hash_images,
    image_named,
    parse_dockerignore,
    shipped_files,
)

REPO = Path(__file__).resolve().parents[2]
# What the images' build contexts need: the root's .dockerignore and what the Dockerfiles copy.
CHECKOUT_PARTS = (".dockerignore", "requirements", "src/lambdas", "src/acogida", "src/front")


def checkout_copy(target: Path, *, reverse: bool = False) -> Path:
    """The parts of the checkout the images are built from, copied to ``target``; with ``reverse``
    every directory is written in reverse name order (another file order on disk)."""
    parts = sorted(CHECKOUT_PARTS, reverse=reverse)
    for part in parts:
        source, destination = REPO / part, target / part
        if source.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            continue
        files = sorted(
            (path for path in source.rglob("*") if path.is_file()),
            key=lambda path: path.as_posix(),
            reverse=reverse,
        )
        for path in files:
            relative = path.relative_to(REPO)
            if any(name in ("__pycache__", "node_modules", "dist") for name in relative.parts):
                continue
            copied = target / relative
            copied.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copied)
    return target


@pytest.fixture(scope="module")
def checkout_tags() -> dict[str, str]:
    return {name: value.tag for name, value in hash_images(REPO).items()}


@pytest.fixture
def copy_of_checkout(tmp_path: Path) -> Path:
    return checkout_copy(tmp_path / "checkout")


def tags_of(root: Path) -> dict[str, str]:
    return {name: value.tag for name, value in hash_images(root).items()}


def test_tags_are_content_hashes_named_after_their_image(checkout_tags):
    assert set(checkout_tags) == {image.name for image in IMAGES}
    for name, tag in checkout_tags.items():
        assert TAG_PATTERN.match(tag), tag
        assert tag.startswith(f"{name}-")
    assert len(set(checkout_tags.values())) == len(checkout_tags)


def test_tags_are_the_same_in_another_checkout_written_in_another_order(tmp_path, checkout_tags):
    forward = checkout_copy(tmp_path / "a")
    backward = checkout_copy(tmp_path / "b", reverse=True)
    # Another time stamp on every file: only content, paths and the executable bit count.
    for path in backward.rglob("*"):
        if path.is_file():
            os.utime(path, (1_000_000_000, 1_000_000_000))
    assert tags_of(forward) == checkout_tags
    assert tags_of(backward) == checkout_tags


def test_the_listing_is_sorted_and_names_dockerfile_lock_and_files():
    value = hash_images(REPO)["intake"]
    lines = value.listing.splitlines()
    assert lines[0] == "acogida-image-hash/1"
    assert lines[1] == "platform linux/arm64"
    assert lines[2].startswith("dockerfile ")
    assert lines[3].startswith("lock ")
    files = [line.split(" ", 3)[3] for line in lines[4:]]
    assert files == sorted(files)
    assert "requirements/lambda-intake.lock" in files
    assert "src/acogida/handlers/intake_api.py" in files


@pytest.mark.parametrize(
    ("edited", "changed"),
    [
        ("src/acogida/handlers/bulk_upload.py", {"analytics"}),
        ("src/acogida/export/bulk_upload.py", {"analytics"}),
        ("src/acogida/handlers/intake_api.py", {"intake"}),
        ("src/acogida/adapters/forecast_table.py", {"intake"}),
        ("src/acogida/adapters/aws.py", {"intake", "analytics"}),
        ("src/acogida/intake/data/municipalities.csv", {"intake", "analytics"}),
        ("src/acogida/intake/redaction_model/meta.json", {"intake"}),
        ("requirements/lambda-analytics.lock", {"analytics"}),
        ("src/lambdas/intake/Dockerfile", {"intake"}),
        ("src/front/src/main.js", {"front"}),
        ("src/front/container/nginx.conf", {"front"}),
        ("src/front/package-lock.json", {"front"}),
    ],
)
def test_an_edit_changes_the_tags_of_exactly_the_images_that_ship_it(
    copy_of_checkout, checkout_tags, edited, changed
):
    path = copy_of_checkout / edited
    assert path.is_file(), edited
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n")  # even one blank line: the image would differ
    after = tags_of(copy_of_checkout)
    assert {name for name in after if after[name] != checkout_tags[name]} == changed


@pytest.mark.parametrize(
    "edited",
    [
        "src/acogida/cli.py",  # not copied by any Dockerfile
        "src/acogida/local/demo.py",
        "src/acogida/handlers/README.md",  # .dockerignore: **/*.md
        "src/acogida/intake/README_redaction.md",
        "src/lambdas/README.md",
        "src/front/README.md",  # src/front/.dockerignore
        "src/front/test/draft.test.mjs",
    ],
)
def test_an_edit_to_a_file_no_image_ships_changes_no_tag(copy_of_checkout, checkout_tags, edited):
    path = copy_of_checkout / edited
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n# not shipped\n")
    assert tags_of(copy_of_checkout) == checkout_tags


def test_byte_code_and_local_leftovers_change_no_tag(copy_of_checkout, checkout_tags):
    for leftover in (
        "src/acogida/handlers/__pycache__/intake_api.cpython-312.pyc",
        "src/acogida/intake/stray.pyc",
        "src/front/node_modules/esbuild/index.js",
        "src/front/dist/index.html",
    ):
        path = copy_of_checkout / leftover
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"compiled")
    assert tags_of(copy_of_checkout) == checkout_tags


def test_a_new_file_in_a_copied_directory_changes_the_images_that_copy_the_directory(
    copy_of_checkout, checkout_tags
):
    # The intake image copies the intake package whole, the analytics image names its modules.
    (copy_of_checkout / "src/acogida/intake/new_rule.py").write_text("RULE = 1\n", encoding="utf-8")
    after_module = tags_of(copy_of_checkout)
    assert after_module["intake"] != checkout_tags["intake"]
    assert after_module["analytics"] == checkout_tags["analytics"]
    # Both copy the package's data directory whole.
    (copy_of_checkout / "src/acogida/intake/data/new_list.txt").write_text("a\n", encoding="utf-8")
    after_data = tags_of(copy_of_checkout)
    assert after_data["analytics"] != checkout_tags["analytics"]
    assert after_data["intake"] not in (checkout_tags["intake"], after_module["intake"])
    assert after_data["front"] == checkout_tags["front"]


def test_the_executable_bit_counts(copy_of_checkout, checkout_tags):
    (copy_of_checkout / "src/front/container/nginx.conf").chmod(0o755)
    assert tags_of(copy_of_checkout)["front"] != checkout_tags["front"]


def test_a_renamed_file_changes_the_tag_and_renaming_it_back_restores_it(copy_of_checkout, checkout_tags):
    data = copy_of_checkout / "src/acogida/intake/data"
    (data / "first_names.txt").rename(data / "given_names.txt")
    assert tags_of(copy_of_checkout)["intake"] != checkout_tags["intake"]
    (data / "given_names.txt").rename(data / "first_names.txt")
    assert tags_of(copy_of_checkout) == checkout_tags


def test_deployment_tags_name_every_function_and_the_front(checkout_tags):
    tags = deployment_tags(hash_images(REPO))
    assert set(tags) == set(FUNCTION_IMAGES) | {FRONT_KEY}
    for function, image in FUNCTION_IMAGES.items():
        assert tags[function] == checkout_tags[image]
    assert tags[FRONT_KEY] == checkout_tags["front"]


# --- What an image ships --------------------------------------------------------------------------


def test_lambda_images_ship_their_lock_and_only_package_sources():
    for name in ("intake", "analytics"):
        image = image_named(name)
        paths = [entry.path for entry in shipped_files(REPO, image)]
        assert image.lock in paths
        assert all(path.startswith(("src/acogida/", "requirements/")) for path in paths), paths
        assert not any("__pycache__" in path or path.endswith((".pyc", ".md")) for path in paths)


def test_the_front_ships_its_sources_and_no_dependencies_or_tests():
    paths = [entry.path for entry in shipped_files(REPO, image_named("front"))]
    assert {"package.json", "package-lock.json", "build.mjs", "container/nginx.conf"} <= set(paths)
    assert any(path.startswith("src/") for path in paths)
    assert not any(path.startswith(("node_modules/", "test/", "dist/")) for path in paths)


def test_a_missing_copy_source_is_an_error_naming_the_line(copy_of_checkout):
    (copy_of_checkout / "src/acogida/handlers/transcription.py").unlink()
    with pytest.raises(
        ImageDefinitionError, match=r"Dockerfile:\d+: COPY source src/acogida/handlers/transcription.py"
    ):
        hash_images(copy_of_checkout)


def test_a_copy_source_the_dockerignore_excludes_is_an_error(copy_of_checkout):
    (copy_of_checkout / ".dockerignore").write_text("*\n!src/acogida\n", encoding="utf-8")
    with pytest.raises(ImageDefinitionError, match=r"requirements/lambda-intake\.lock is excluded"):
        hash_images(copy_of_checkout)


def test_a_dockerfile_specific_ignore_file_is_refused(copy_of_checkout):
    (copy_of_checkout / "src/lambdas/intake/Dockerfile.dockerignore").write_text("*\n", encoding="utf-8")
    with pytest.raises(ImageDefinitionError, match="Dockerfile-specific ignore files"):
        hash_images(copy_of_checkout)


# --- Dockerfile reader ----------------------------------------------------------------------------


def write_dockerfile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    return path


def test_copy_instructions_join_continuations_and_skip_comments_and_stage_copies(tmp_path):
    dockerfile = write_dockerfile(
        tmp_path,
        "# syntax comment\nFROM base AS build\nCOPY a.txt \\\n# a comment inside\n"
        "     b.txt \\\n     /dest/\n"
        "RUN make\ncopy --chmod=0555 run.sh /usr/local/bin/run\n"
        "COPY --from=build /out /srv\nCOPY --link c /c\n",
    )
    copies = copy_instructions(dockerfile)
    assert [(copy.line, copy.sources, copy.destination) for copy in copies] == [
        (3, ("a.txt", "b.txt"), "/dest/"),
        (8, ("run.sh",), "/usr/local/bin/run"),
        (10, ("c",), "/c"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ADD src /src", "ADD is not supported"),
        ('COPY ["a", "/a"]', "JSON form"),
        ("COPY src/*.py /src/", "wildcard or a variable"),
        ("COPY $SRC /src", "wildcard or a variable"),
        ("COPY --parents a /a", "flag --parents"),
        ("COPY onlyone", "a source and a destination"),
    ],
)
def test_copy_instructions_refuse_what_the_hasher_would_misread(tmp_path, line, message):
    dockerfile = write_dockerfile(tmp_path, f"FROM base\n{line}\n")
    with pytest.raises(ImageDefinitionError, match=message) as raised:
        copy_instructions(dockerfile)
    assert f"{dockerfile}:2" in str(raised.value)


# --- .dockerignore reader -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        ("*", "README.md", True),
        ("*", "src/acogida/cli.py", True),  # the parent src matches
        ("*\n!src/acogida", "src/acogida/cli.py", False),
        ("*\n!src/acogida", "src/front/index.html", True),
        ("*\n!requirements/lambda-*.lock", "requirements/lambda-intake.lock", False),
        ("*\n!requirements/lambda-*.lock", "requirements/dev.lock", True),
        ("**/__pycache__", "__pycache__/x.pyc", True),
        ("**/__pycache__", "src/acogida/__pycache__/x.pyc", True),
        ("**/*.md", "src/acogida/handlers/README.md", True),
        ("**/*.md", "src/acogida/handlers/http.py", False),
        ("*.log", "build.log", True),
        ("*.log", "logs/build.log", False),  # as in docker: * stays within one segment
        ("test", "test/a.mjs", True),
        ("test", "src/test/a.mjs", False),
        ("/dist", "dist/index.html", True),
        (".env.*", ".env.local", True),
        ("?.txt", "a.txt", True),
        ("?.txt", "ab.txt", False),
        ("src\n!src/a.py\nsrc/a.py", "src/a.py", True),  # the last matching pattern decides
    ],
)
def test_dockerignore_matches_as_docker_does(patterns, path, excluded):
    ignore = DockerIgnore(parse_dockerignore(patterns, "test"))
    assert ignore.excludes(path) is excluded


@pytest.mark.parametrize("context", [".", "src/front"])
def test_the_repository_dockerignore_files_use_only_the_implemented_syntax(context):
    path = REPO / context / ".dockerignore"
    patterns = parse_dockerignore(path.read_text(encoding="utf-8"), str(path))
    assert patterns


@pytest.mark.parametrize("pattern", ["[ab].py", "a\\*b", "{a,b}", "../outside", "with space"])
def test_dockerignore_syntax_beyond_the_subset_is_refused(pattern):
    with pytest.raises(ImageDefinitionError, match="test:2"):
        parse_dockerignore(f"# comment\n{pattern}\n", "test")
