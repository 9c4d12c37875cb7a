"""The local AWS: a moto server on 127.0.0.1, started as ``python -m acogida.local.emulator``.

One deliberate difference from stock moto, applied before the server starts: S3 bucket policies are
evaluated without their conditional statements. Moto cannot evaluate ``Condition`` blocks (it has no
request context), so the landing zone's TLS-only ``Deny ... if aws:SecureTransport = false``, kept
exactly as on AWS, would deny every object request. Dropping only the statements moto cannot evaluate
keeps unconditional Allow/Deny statements enforced. The modules are never changed to please moto.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

LOOPBACK = "127.0.0.1"


def drop_conditional_statements(policy_document: str) -> str:
    """The policy without the statements that carry a ``Condition`` (which moto cannot evaluate)."""
    policy = json.loads(policy_document)
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    policy["Statement"] = [statement for statement in statements if "Condition" not in statement]
    return json.dumps(policy)


def install_bucket_policy_patch() -> None:
    """Make moto's S3 bucket-policy check ignore statements whose conditions it cannot evaluate."""
    # Imported here so that importing this module (for LOOPBACK) does not load moto.
    from moto.iam.access_control import IAMPolicy, PermissionResult  # noqa: PLC0415
    from moto.s3.models import FakeBucket  # noqa: PLC0415

    def get_permission(self: FakeBucket, action: str, resource: str) -> Any:  # noqa: ANN401
        if self.policy is None:
            return PermissionResult.NEUTRAL
        evaluable = drop_conditional_statements(self.policy.decode())
        if not json.loads(evaluable)["Statement"]:
            return PermissionResult.NEUTRAL
        return IAMPolicy(evaluable).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Acogida's local AWS emulator (moto server on loopback).")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    install_bucket_policy_patch()
    from moto.server import main as moto_server_main  # noqa: PLC0415

    # Loopback only: the emulator accepts any credentials and must never be reachable from outside.
    moto_server_main(["--host", LOOPBACK, "--port", str(args.port)])


if __name__ == "__main__":
    main()
