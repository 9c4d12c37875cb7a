"""Deploy by digest on the local stack: a change that only one image ships, pushed, plans as an
update of exactly that image's functions (their image_uri only); applied, the next plan is clean.

The change is made in a copy of the checkout (the hasher pointed at it), so the working tree is
never touched; the deployment is put back to the checkout's images at the end, even on failure,
for the tests that share it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from acogida.infra.deploy import apply_environment, environment_images
from acogida.infra.image_registry import EcrRegistry, image_targets, repositories_in_state
from acogida.infra.images import FUNCTION_IMAGES, image_tags
from acogida.infra.terraform import changed_resources, unexplained_changes
from tests.integration.test_local_apply import EMULATOR_DIFF_ALLOWLIST
from tests.unit.test_images import checkout_copy

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

# A file the analytics image ships and the intake image does not (the narrowed COPYs).
ANALYTICS_ONLY_FILE = "src/acogida/handlers/bulk_upload.py"
FUNCTION_ADDRESS = 'module.bi.module.function["bulk_upload"].aws_lambda_function.this'


def deployed_image_uris(deployment) -> dict[str, str]:
    """The image each function runs, as Lambda (the emulator) has it, each in its region."""
    return {
        function: deployment.target_of(function)
        .client("lambda")
        .get_function(FunctionName=name)["Code"]["ImageUri"]
        for function, name in deployment.outputs["lambda_function_names"].items()
    }


def test_a_change_only_the_analytics_image_ships_redeploys_exactly_bulk_upload(deployment, tmp_path: Path):
    root = deployment.root
    checkout_tags = root.deployed_image_tags()
    copy = checkout_copy(tmp_path / "checkout")
    with (copy / ANALYTICS_ONLY_FILE).open("a", encoding="utf-8") as handle:
        handle.write("\n# a change only the analytics image ships\n")
    changed_tags = image_tags(copy)
    assert {key for key in changed_tags if changed_tags[key] != checkout_tags[key]} == {"bulk_upload"}
    assert [function for function, image in FUNCTION_IMAGES.items() if image == "analytics"] == [
        "bulk_upload"
    ]

    changed = dataclasses.replace(root, image_tags=changed_tags)
    before = deployed_image_uris(deployment)
    assert before == root.outputs()["lambda_image_uris"]
    try:
        environment_images(changed, emit=lambda _: None).push()

        # The plan make apply shows, and then applies as it was shown.
        plan_file = tmp_path / "changed.tfplan"
        changed.plan(plan_file=plan_file)
        plan = changed.show_json(plan_file)
        changes = list(changed_resources(plan))
        assert [(address, actions) for address, actions, _ in changes] == [(FUNCTION_ADDRESS, ["update"])]
        # Of what the configuration sets, only image_uri differs; the rest is what AWS recomputes.
        (change,) = [
            entry["change"] for entry in plan["resource_changes"] if entry["address"] == FUNCTION_ADDRESS
        ]
        configured = [name for name in changes[0][2] if not (change.get("after_unknown") or {}).get(name)]
        assert configured == ["image_uri"]
        changed.apply_plan(plan_file)

        after = deployed_image_uris(deployment)
        assert {name for name in after if after[name] != before[name]} == {"bulk_upload"}
        registry = EcrRegistry(root.emulator_endpoint)
        (target,) = image_targets(repositories_in_state(changed.show_json()), changed_tags, ["bulk_upload"])
        assert after["bulk_upload"] == f"{target.repository_url}@{registry.digest_of(target)}"

        unexplained = unexplained_changes(changed.plan_json(), EMULATOR_DIFF_ALLOWLIST)
        assert unexplained == [], f"the second plan wants to change: {unexplained}"
    finally:
        # Back to the checkout's images, outputs included (a full plan and apply, as make apply).
        apply_environment(environment_images(root, emit=lambda _: None), auto_approve=True)
    assert deployed_image_uris(deployment) == before
    assert root.outputs()["lambda_image_uris"] == before
