""".gitlab-ci.yml, checked here as far as it can be without GitLab: GitLab's CI schema (vendored by
check-jsonschema), yamllint, shellcheck on every job's shell, and the rules the pipeline must keep:
stages in order, every apply applies the plan its environment's plan job attached, only dev applies
by itself, every AWS job gets its credentials from an OIDC ID token and none from keys."""

from __future__ import annotations

import hashlib
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / ".gitlab-ci.yml"
ENVIRONMENTS = ("dev", "test", "pre", "prod")
TIERS = {"dev": "development", "test": "testing", "pre": "staging", "prod": "production"}
STAGES = ["image", "test", "push", "plan", "deploy"]
# Keywords at the top of a pipeline that are not jobs.
GLOBAL_KEYWORDS = {"workflow", "stages", "variables", "default", "include", "image", "services", "cache"}
LONG_LIVED_KEY_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
DEFAULT_BRANCH_ONLY = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"


def merged(base: Any, override: Any) -> Any:
    """GitLab's `extends`: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        result = dict(base)
        for key, value in override.items():
            result[key] = merged(base[key], value) if key in base else value
        return result
    return override


def resolve(document: dict[str, Any], name: str) -> dict[str, Any]:
    job = document[name]
    parents = job.get("extends", [])
    result: dict[str, Any] = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        result = merged(result, resolve(document, parent))
    return merged(result, {key: value for key, value in job.items() if key != "extends"})


@pytest.fixture(scope="module")
def pipeline() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(PIPELINE.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def jobs(pipeline) -> dict[str, dict[str, Any]]:
    """Every job, hidden templates (.name) left out, with its `extends` resolved."""
    return {
        name: resolve(pipeline, name)
        for name in pipeline
        if name not in GLOBAL_KEYWORDS and not name.startswith(".")
    }


def needed(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        (need if isinstance(need, str) else need["job"]): ({} if isinstance(need, str) else need)
        for need in job.get("needs", [])
    }


def aws_job(job: dict[str, Any]) -> bool:
    return job["stage"] in ("push", "plan", "deploy")


# --- Validation --------------------------------------------------------------------------------------


def test_the_pipeline_follows_gitlabs_ci_schema():
    completed = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci", str(PIPELINE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_schema_check_fails_on_a_broken_pipeline(tmp_path):
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(
        PIPELINE.read_text(encoding="utf-8").replace("when: manual", "when: by-hand"), encoding="utf-8"
    )
    completed = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "'by-hand' is not one of" in completed.stdout


def test_yamllint_finds_nothing():
    from yamllint import linter  # noqa: PLC0415
    from yamllint.config import YamlLintConfig  # noqa: PLC0415

    config = YamlLintConfig(file=str(REPO / ".yamllint.yaml"))
    problems = list(linter.run(PIPELINE.read_text(encoding="utf-8"), config, str(PIPELINE)))
    assert problems == []


def test_every_jobs_shell_passes_shellcheck(jobs, tmp_path):
    for name, job in jobs.items():
        lines = [*job.get("before_script", []), *job.get("script", [])]
        script = tmp_path / f"{name.replace(':', '-')}.sh"
        script.write_text(
            "#!/usr/bin/env bash\nset -euo pipefail\n" + "\n".join(lines) + "\n", encoding="utf-8"
        )
        completed = subprocess.run(
            [str(Path(sys.executable).parent / "shellcheck"), "--shell=bash", str(script)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, f"{name}:\n{completed.stdout}"


def test_the_ci_image_tag_follows_its_dockerfile(pipeline):
    digest = hashlib.sha256((REPO / ".ci" / "Dockerfile").read_bytes()).hexdigest()[:12]
    assert pipeline["variables"]["CI_IMAGE_TAG"] == digest, (
        "update CI_IMAGE_TAG after changing .ci/Dockerfile"
    )
    assert pipeline["default"]["image"] == "$CI_IMAGE"


# --- The pipeline's rules ----------------------------------------------------------------------------


def test_stages_run_in_order_and_needs_point_backwards(pipeline, jobs):
    assert pipeline["stages"] == STAGES
    for name, job in jobs.items():
        for need in needed(job):
            assert STAGES.index(jobs[need]["stage"]) <= STAGES.index(job["stage"]), f"{name} needs {need}"


def test_lint_and_test_run_on_every_push_without_aws(jobs):
    test = jobs["test"]
    assert test["stage"] == "test"
    assert test["script"][-1] == ".ci/run"
    assert not {"rules", "only", "except"} & set(test), "the test job runs in every pipeline"
    assert "id_tokens" not in test


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_environment_pushes_plans_and_applies_that_plan(jobs, environment):
    push, plan, apply = (jobs[f"{step}:{environment}"] for step in ("push", "plan", "apply"))
    assert push["stage"] == "push"
    assert 'make push ENV="$DEPLOY_ENV"' in push["script"]
    assert "push:" + environment in needed(plan)
    for job in (push, plan, apply):
        assert job["variables"]["DEPLOY_ENV"] == environment
        assert job["environment"]["name"] == environment
        assert job["environment"]["deployment_tier"] == TIERS[environment]
    assert push["environment"]["action"] == plan["environment"]["action"] == "prepare"
    assert "action" not in apply["environment"], "the apply job is the deployment"

    plan_file = "plans/$DEPLOY_ENV.tfplan"
    assert f'make plan ENV="$DEPLOY_ENV" PLAN_FILE="{plan_file}"' in plan["script"]
    assert "plans/" in plan["artifacts"]["paths"]
    assert plan["artifacts"]["reports"]["terraform"] == f"{plan_file}.report.json"
    assert plan["artifacts"]["access"] == "developer", "plans can hold sensitive values"
    assert needed(apply)[f"plan:{environment}"].get("artifacts") is True
    assert f'make apply ENV="$DEPLOY_ENV" PLAN_FILE="{plan_file}"' in apply["script"]
    assert not any("make plan" in line for line in apply["script"]), "apply never plans anew"


def test_only_dev_applies_by_itself_the_others_wait_for_a_person(jobs):
    for environment in ENVIRONMENTS:
        (rule,) = jobs[f"apply:{environment}"]["rules"]
        assert rule["if"] == DEFAULT_BRANCH_ONLY
        if environment == "dev":
            assert rule.get("when", "on_success") == "on_success"
        else:
            assert rule["when"] == "manual"
            assert rule["allow_failure"] is False


def test_environments_are_promoted_in_order_and_never_applied_twice_at_once(jobs):
    chain = list(ENVIRONMENTS)
    for previous, environment in itertools.pairwise(chain):
        assert f"apply:{previous}" in needed(jobs[f"apply:{environment}"])
    groups = [jobs[f"apply:{environment}"]["resource_group"] for environment in ENVIRONMENTS]
    assert groups == [f"deploy-{environment}" for environment in ENVIRONMENTS]


def test_aws_jobs_use_the_oidc_token_on_the_default_branch_only(jobs):
    aws_jobs = {name: job for name, job in jobs.items() if aws_job(job)}
    assert len(aws_jobs) == 3 * len(ENVIRONMENTS)
    for name, job in aws_jobs.items():
        assert job["id_tokens"]["AWS_ID_TOKEN"]["aud"] == "$AWS_OIDC_AUDIENCE", name
        assert job["variables"]["AWS_WEB_IDENTITY_TOKEN_FILE"], name
        assert any('> "$AWS_WEB_IDENTITY_TOKEN_FILE"' in line for line in job["before_script"]), name
        assert all(rule["if"] == DEFAULT_BRANCH_ONLY for rule in job["rules"]), name
    others = [name for name, job in jobs.items() if not aws_job(job)]
    assert all("id_tokens" not in jobs[name] for name in others)


def test_no_long_lived_keys_anywhere_in_the_pipeline():
    text = PIPELINE.read_text(encoding="utf-8")
    assert [name for name in LONG_LIVED_KEY_VARIABLES if name in text] == []
