"""The local AWS: a moto server on 127.0.0.1, started as ``python -m acogida.local.emulator``.

Six deliberate differences from stock moto, applied before the server starts. The modules are
never changed to please moto; where moto answers differently from AWS, it is patched to answer
as AWS does:

- S3 bucket policies are evaluated without their conditional statements. Moto cannot evaluate
  ``Condition`` blocks (it has no request context), so the landing zone's TLS-only ``Deny ... if
  aws:SecureTransport = false``, kept exactly as on AWS, would deny every object request. Dropping
  only the statements moto cannot evaluate keeps unconditional Allow/Deny statements enforced.
- Lambda functions keep and return their ``LoggingConfig`` (AWS always returns one; moto drops it,
  so every plan would want to set it again).
- SQS returns ``RedrivePolicy`` as compact JSON, as AWS does (moto's spaced JSON makes every plan
  rewrite the attribute).
- A disabled DynamoDB-stream event source mapping invokes nothing, as on AWS. Moto invokes the
  mapped function on every table write whatever ``Enabled`` says, and, having no Docker to run
  an image function, fails the write itself. Local mode disables the export's mapping and the
  local runtime reads the stream instead.
- Athena answers DeleteNamedQuery, which moto does not implement, so that destroying the local
  workspace removes the analysts' named queries as AWS would.
- Lambda refuses a function whose image is not in the ECR repository it names, in the function's
  region, as AWS does (moto's ``MOTO_LAMBDA_STUB_ECR=false``; by default moto accepts any image
  URI). Local mode registers each image there first (``acogida.infra.image_registry``).
"""

from __future__ import annotations

import argparse
import json
import os
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


def install_lambda_logging_config_patch() -> None:
    """Lambda functions remember the LoggingConfig they were created or updated with."""
    from moto.awslambda.models import LambdaFunction  # noqa: PLC0415

    original_init = LambdaFunction.__init__
    original_update = LambdaFunction.update_configuration
    original_get = LambdaFunction.get_configuration

    def init(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        original_init(self, account_id, spec, *args, **kwargs)
        self.logging_config = spec.get("LoggingConfig")  # type: ignore[attr-defined]

    def update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in config_updates:
            self.logging_config = config_updates["LoggingConfig"]  # type: ignore[attr-defined]
        return original_update(self, config_updates)

    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        config = original_get(self, on_create)
        # AWS's default when none was given: text logs into /aws/lambda/<name>.
        default = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.function_name}"}
        config["LoggingConfig"] = getattr(self, "logging_config", None) or default
        return config

    LambdaFunction.__init__ = init  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]


def install_sqs_redrive_policy_patch() -> None:
    """RedrivePolicy in queue attributes as compact JSON, like AWS."""
    from moto.sqs.models import Queue  # noqa: PLC0415

    original = Queue.attributes

    def attributes(self: Queue) -> dict[str, Any]:
        result: dict[str, Any] = original.fget(self)  # type: ignore[attr-defined]
        if isinstance(result.get("RedrivePolicy"), str):
            result["RedrivePolicy"] = json.dumps(json.loads(result["RedrivePolicy"]), separators=(",", ":"))
        return result

    Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]


def install_disabled_stream_mapping_patch() -> None:
    """A table write reaches a function only through an enabled stream mapping, like AWS."""
    from moto.awslambda.models import LambdaBackend  # noqa: PLC0415

    original = LambdaBackend.send_dynamodb_items

    def send_dynamodb_items(self: LambdaBackend, function_arn: str, items: Any, source: str) -> Any:  # noqa: ANN401
        mappings = [
            mapping
            for mapping in self._event_source_mappings.values()
            if mapping.function_arn == function_arn and mapping.event_source_arn == source
        ]
        if mappings and not any(mapping.enabled for mapping in mappings):
            return None  # the records stay in the stream for GetRecords
        return original(self, function_arn, items, source)

    LambdaBackend.send_dynamodb_items = send_dynamodb_items  # type: ignore[method-assign]


def install_athena_delete_named_query_patch() -> None:
    """DeleteNamedQuery: remove the query (AWS answers with an empty object)."""
    from moto.athena.responses import AthenaResponse  # noqa: PLC0415

    def delete_named_query(self: AthenaResponse) -> str:
        self.athena_backend.named_queries.pop(self._get_param("NamedQueryId"), None)
        return json.dumps({})

    AthenaResponse.delete_named_query = delete_named_query  # type: ignore[attr-defined]


def require_lambda_images_in_ecr() -> None:
    """Lambda checks a function's image URI (tag or digest) against ECR, as on AWS."""
    os.environ["MOTO_LAMBDA_STUB_ECR"] = "false"


def install_patches() -> None:
    require_lambda_images_in_ecr()
    install_bucket_policy_patch()
    install_lambda_logging_config_patch()
    install_sqs_redrive_policy_patch()
    install_disabled_stream_mapping_patch()
    install_athena_delete_named_query_patch()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Acogida's local AWS emulator (moto server on loopback).")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    install_patches()
    from moto.server import main as moto_server_main  # noqa: PLC0415

    # Loopback only: the emulator accepts any credentials and must never be reachable from outside.
    moto_server_main(["--host", LOOPBACK, "--port", str(args.port)])


if __name__ == "__main__":
    main()
