#!/usr/bin/env bash
# Build (linux/arm64, AWS Lambda Python base image) and push each function's image to its ECR
# repository in ENV, only where that repository lacks the image's content-hash tag (the tags are
# immutable; scan on push is on). Each image is built once per run and pushed to every repository
# that needs it. Repositories and regions come from ENV's Terraform state; credentials are the
# caller's (ECR login through GetAuthorizationToken, no AWS CLI needed). The logic is
# acogida.infra.image_registry (acogida images push).
#
#   scripts/push.sh --env dev                          every function, and the front where hosted
#   scripts/push.sh --env dev --function bulk_upload   one function (repeatable; "front" too)
#   scripts/push.sh --env dev --dry-run                per function: tag, repository, present or
#                                                      absent, what it would do; runs no docker
#   scripts/push.sh --env local                        the running emulator: registers the images
#                                                      (no docker; make demo does it by itself)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
acogida="$repo_root/.venv/bin/acogida"
[[ -x "$acogida" ]] || { echo "no $acogida: run make venv first" >&2; exit 1; }
cd "$repo_root"
exec "$acogida" images push "$@"
