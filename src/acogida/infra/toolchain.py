"""Where the repository, its configuration and the machine's tools are.

Machine-specific locations (the Terraform provider mirror, the emulator port) live in one file,
``config/toolchain.env``, read here and by the Makefile; an environment variable of the same name
overrides the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("local", "dev", "test", "pre", "prod")


class RepositoryNotFoundError(RuntimeError):
    """Raised when no Acogida checkout can be found from the working directory or the package."""


def _is_repository_root(path: Path) -> bool:
    return (path / "config" / "toolchain.env").is_file() and (path / "terraform" / "versions.tf").is_file()


def find_repository_root(start: Path | None = None) -> Path:
    """The checkout holding ``config/`` and ``terraform/``: $ACOGIDA_REPO_ROOT, else searched upwards."""
    explicit = os.environ.get("ACOGIDA_REPO_ROOT")
    if explicit:
        root = Path(explicit).resolve()
        if not _is_repository_root(root):
            raise RepositoryNotFoundError(f"ACOGIDA_REPO_ROOT={explicit} is not an Acogida checkout")
        return root
    candidates = [start or Path.cwd(), Path(__file__).resolve()]
    for candidate in candidates:
        for path in [candidate, *candidate.parents]:
            if _is_repository_root(path):
                return path
    raise RepositoryNotFoundError(
        "no Acogida checkout found (looked for config/toolchain.env and terraform/versions.tf upwards "
        "from the working directory); run from the repository or set ACOGIDA_REPO_ROOT"
    )


def parse_env_file(text: str) -> dict[str, str]:
    """Parse ``KEY=value`` lines; blank lines and ``#`` comments are ignored, quotes are not special."""
    values: dict[str, str] = {}
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        if not separator or not key.strip().isidentifier():
            raise ValueError(f"line {number}: expected KEY=value, got {raw_line!r}")
        values[key.strip()] = value.strip()
    return values


@dataclass(frozen=True)
class Toolchain:
    """Resolved repository paths and tool settings."""

    repo_root: Path
    provider_mirror: Path
    moto_port: int
    local_api_port: int = 8000
    local_front_port: int = 8080

    @property
    def terraform_dir(self) -> Path:
        return self.repo_root / "terraform"

    @property
    def config_dir(self) -> Path:
        return self.repo_root / "config"

    @property
    def local_state_dir(self) -> Path:
        """Runtime files of local mode (PID files, emulator logs); git-ignored."""
        return self.repo_root / ".local"

    def tfvars(self, environment: str) -> Path:
        return self.config_dir / f"{environment}.tfvars"

    def backend_config(self, environment: str) -> Path:
        return self.config_dir / "backend" / f"{environment}.hcl"

    @property
    def emulator_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"


def load_toolchain(repo_root: Path | None = None) -> Toolchain:
    root = repo_root or find_repository_root()
    settings = parse_env_file((root / "config" / "toolchain.env").read_text(encoding="utf-8"))
    settings.update({key: value for key, value in os.environ.items() if key in settings})
    return Toolchain(
        repo_root=root,
        provider_mirror=Path(settings.get("TF_PROVIDER_MIRROR", "")),
        moto_port=_port(settings, "MOTO_PORT", "5000"),
        local_api_port=_port(settings, "LOCAL_API_PORT", "8000"),
        local_front_port=_port(settings, "LOCAL_FRONT_PORT", "8080"),
    )


def _port(settings: dict[str, str], name: str, default: str) -> int:
    text = settings.get(name, default)
    if not text.isdigit() or not 1024 <= int(text) <= 65535:
        raise ValueError(f"{name} must be a port number between 1024 and 65535, got {text!r}")
    return int(text)
