#!/usr/bin/env bash
# terraform validate + terraform test (mock provider, no AWS) for the root module and every module.
# Offline: providers come from TF_PROVIDER_MIRROR (config/toolchain.env) when that directory exists.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirror="${TF_PROVIDER_MIRROR:-$(sed -n 's/^TF_PROVIDER_MIRROR=//p' "$repo_root/config/toolchain.env")}"
plugin_args=()
if [[ -n "$mirror" && -d "$mirror" ]]; then
  plugin_args=("-plugin-dir=$mirror")
fi
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
  unset TF_CLI_CONFIG_FILE
fi
export TF_IN_AUTOMATION=1 TF_INPUT=0

# The root plans upload the Glue job's package: build it first (deterministic, only when changed).
"${PYTHON:-$repo_root/.venv/bin/python}" -m acogida.infra.glue_package "$repo_root" >/dev/null

check_module() {
  local dir="$1" workspace="$2"
  local name="${dir#"$repo_root"/}"
  # A data dir of its own, so checks never touch the backend set-up of a real environment.
  export TF_DATA_DIR="$repo_root/terraform/.tfdata/checks/${name//\//_}"
  echo "==> $name: init, validate, test"
  terraform -chdir="$dir" init -backend=false -input=false "${plugin_args[@]}" >/dev/null
  terraform -chdir="$dir" validate -no-color
  TF_WORKSPACE="$workspace" terraform -chdir="$dir" test -no-color
}

# The root's tests run in the "test" workspace so that the workspace guard has a real workspace
# to compare with; the modules don't know about workspaces.
check_module "$repo_root/terraform" test
for module in "$repo_root"/terraform/modules/*/; do
  check_module "${module%/}" default
done
