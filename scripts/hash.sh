#!/usr/bin/env bash
# The content-hash tag of each image (the two Lambda images and the front's): <image>-<20 hex
# digits> of the sha256 over what the image ships (its Dockerfile's COPY sources after the build
# context's .dockerignore, the Dockerfile, the lock). Same on every machine and file order; any
# edit to a shipped file changes it. The logic is acogida.infra.images (acogida images hash).
#
#   scripts/hash.sh           one line per image: tag, files, bytes, the functions that run it
#   scripts/hash.sh --json    one object per image, with the full sha256
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
acogida="$repo_root/.venv/bin/acogida"
[[ -x "$acogida" ]] || { echo "no $acogida: run make venv first" >&2; exit 1; }
cd "$repo_root"
exec "$acogida" images hash "$@"
