"""The local AWS: a moto server on 127.0.0.1, started as ``python -m acogida.local.emulator``.

With ``--state-file``, a clean stop (SIGTERM, SIGINT) refuses new requests (503), waits for
those in flight, and saves every service's state there; the next start loads it
(``acogida.local.emulator_state``). ``acogida.local.stack.LocalEmulator`` passes
``.local/moto-<port>.state``.

Eight deliberate differences from stock moto, applied before the server starts. The modules are
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
- S3 changes the Object Lock configuration of a bucket that holds objects, as AWS does (moto
  refuses any PutObjectLockConfiguration on a non-empty bucket, so destroying the local
  workspace, which removes the audit bucket's default retention first, would fail).
- Lambda refuses a function whose image is not in the ECR repository it names, in the function's
  region, as AWS does (moto's ``MOTO_LAMBDA_STUB_ECR=false``; by default moto accepts any image
  URI). Local mode registers each image there first (``acogida.infra.image_registry``).
- Moto's models are not tracked in a list of every instance ever created (for moto's dashboard,
  never emptied): a long-running emulator would keep every S3 version and SQS message it ever held,
  deleted ones included (about 4 MB per intake under load, 0.8 MB with the patch).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
# How long a stop waits for the requests in flight before it saves the state anyway.
QUIESCE_TIMEOUT_S = 10.0


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


def install_object_lock_configuration_patch() -> None:
    """PutObjectLockConfiguration on a versioned bucket whatever it holds (AWS requires versioning,
    not an empty bucket); the default retention then applies to new objects only, as on AWS."""
    from moto.s3.exceptions import InvalidBucketState  # noqa: PLC0415
    from moto.s3.models import S3Backend  # noqa: PLC0415

    def put_object_lock_configuration(  # noqa: PLR0917 - moto's signature, called positionally
        self: S3Backend,
        bucket_name: str,
        lock_enabled: bool,
        mode: str | None = None,
        days: int | None = None,
        years: int | None = None,
    ) -> None:
        bucket = self.get_bucket(bucket_name)
        if not bucket.is_versioned:
            raise InvalidBucketState(
                "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
            )
        if lock_enabled:
            bucket.object_lock_enabled = True
            bucket.versioning_status = "Enabled"
        bucket.default_lock_mode = mode
        bucket.default_lock_days = days
        bucket.default_lock_years = years

    S3Backend.put_object_lock_configuration = put_object_lock_configuration  # type: ignore[method-assign]


def require_lambda_images_in_ecr() -> None:
    """Lambda checks a function's image URI (tag or digest) against ECR, as on AWS."""
    os.environ["MOTO_LAMBDA_STUB_ECR"] = "false"


def install_untracked_models_patch() -> None:
    """Moto models are not kept in a class-level list of every instance ever created.

    Moto appends each model object (every S3 object version, SQS message, ...) to
    ``instances_tracked`` for its dashboard, and never removes it: a long-running emulator keeps
    every object it ever stored, deleted ones included (about 4 MB per intake of the reliability
    load). The dashboard is not used here."""
    from moto.core.common_models import BaseModel  # noqa: PLC0415

    def untracked_new(cls: type[BaseModel], *args: Any, **kwargs: Any) -> BaseModel:  # noqa: ANN401
        return super(BaseModel, cls).__new__(cls)

    BaseModel.__new__ = staticmethod(untracked_new)  # type: ignore[method-assign]


def install_patches() -> None:
    require_lambda_images_in_ecr()
    install_untracked_models_patch()
    install_bucket_policy_patch()
    install_lambda_logging_config_patch()
    install_sqs_redrive_policy_patch()
    install_disabled_stream_mapping_patch()
    install_athena_delete_named_query_patch()
    install_object_lock_configuration_patch()


class RequestGate:
    """WSGI middleware counting the requests in flight, so that a stop can wait for them and refuse
    new ones (503) while the state is saved: the snapshot then holds every request it answered."""

    def __init__(self, app: Any) -> None:  # noqa: ANN401 - a WSGI application
        self._app = app
        self._idle = threading.Condition()
        self._in_flight = 0
        self._closed = False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:  # noqa: ANN401
        with self._idle:
            if self._closed:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"the emulator is stopping"]
            self._in_flight += 1
        try:
            return self._app(environ, start_response)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def close(self, timeout_s: float) -> bool:
        """Refuse new requests and wait for those in flight; False when some were still running."""
        with self._idle:
            self._closed = True
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout_s)


def restore_state(state_file: Path, load: Callable[[Path], list[str]]) -> None:
    """Load the saved state; one that cannot be loaded (another moto version, a damaged file) is
    set aside as ``<file>.unreadable`` and the emulator starts empty rather than not at all."""
    started = time.monotonic()
    try:
        services = load(state_file)
    except Exception as error:  # whatever unpickling raises, nothing was loaded
        kept = state_file.with_name(state_file.name + ".unreadable")
        state_file.replace(kept)
        print(
            f"state in {state_file} NOT loaded ({type(error).__name__}: {error}); starting empty "
            f"(the local workspace must be applied again: make demo); the file is kept as {kept}",
            flush=True,
        )
        return
    print(
        f"state of {len(services)} services loaded from {state_file} in {time.monotonic() - started:.1f} s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Acogida's local AWS emulator (moto server on loopback).")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--state-file",
        type=Path,
        help="load the emulator's state from this file on start (when present) and save it there on "
        "a clean stop (SIGTERM, SIGINT)",
    )
    args = parser.parse_args(argv)

    install_patches()
    # Imported here so that importing this module (for LOOPBACK) does not load moto.
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server  # noqa: PLC0415

    from acogida.local.emulator_state import load_state, save_state  # noqa: PLC0415

    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto builds some URLs from it
    if args.state_file is not None and args.state_file.exists():
        restore_state(args.state_file, load_state)
    gate = RequestGate(DomainDispatcherApplication(create_backend_app))
    # Loopback only: the emulator accepts any credentials and must never be reachable from outside.
    server = make_server(LOOPBACK, args.port, gate, threaded=True, request_handler=MotoRequestHandler)

    def stop(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        quiet = gate.close(QUIESCE_TIMEOUT_S)
        if args.state_file is not None:
            started = time.monotonic()
            try:
                size = save_state(args.state_file)
            except Exception as error:  # whatever unpickling raises, nothing was loaded
                # An older snapshot would bring back a state older than this one: better none.
                args.state_file.unlink(missing_ok=True)
                print(
                    f"state NOT saved ({type(error).__name__}: {error}); the next start is empty", flush=True
                )
                raise SystemExit(1) from None
            print(
                f"{signal.Signals(signum).name}: state saved to {args.state_file} ({size:,} bytes, "
                f"{time.monotonic() - started:.1f} s"
                + ("" if quiet else f"; requests still running after {QUIESCE_TIMEOUT_S:g} s")
                + ")",
                flush=True,
            )
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()


if __name__ == "__main__":
    main()
