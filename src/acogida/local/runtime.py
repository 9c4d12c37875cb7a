"""The local runtime: the platform's handlers served on 127.0.0.1 against the emulator, configured
only from ``terraform output`` of the local workspace (the same names the Lambdas get on AWS)."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from acogida.handlers.runtime import dependencies
from acogida.local.api import JwtAuthorizer, LocalHttpApi, function_environment

INTAKE_API_FUNCTION = "intake_api"


class RuntimeConfigurationError(RuntimeError):
    pass


def function_variables(outputs: dict[str, Any], function: str) -> dict[str, str]:
    """The environment Terraform gives ``function`` (root output ``lambda_environments``)."""
    environments = outputs.get("lambda_environments")
    if not isinstance(environments, dict) or function not in environments:
        raise RuntimeConfigurationError(
            f"terraform output lambda_environments has no {function!r}: apply the local workspace first"
        )
    variables = {name: str(value) for name, value in environments[function].items()}
    variables.setdefault("AWS_REGION", outputs["aws_region"])
    variables.setdefault("AWS_DEFAULT_REGION", outputs["aws_region"])
    return variables


@contextmanager
def local_intake_api(
    outputs: dict[str, Any], emulator_endpoint: str, port: int, log_path: Path
) -> Iterator[LocalHttpApi]:
    """The intake API on http://127.0.0.1:``port`` while the block runs, then stopped.

    What the function writes to stdout (its JSON log lines and metrics) goes to ``log_path``, as
    CloudWatch Logs would hold it on AWS.
    """
    authorizer = JwtAuthorizer.for_user_pool(
        emulator_endpoint,
        outputs["aws_region"],
        outputs["cognito_user_pool_id"],
        outputs["cognito_user_pool_client_id"],
    )
    variables = function_variables(outputs, INTAKE_API_FUNCTION)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # Powertools warns on stderr when a request published no business metric (reads, 4xx).
    warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
    with function_environment(variables, emulator_endpoint), log_path.open("a", encoding="utf-8") as log:
        # Imported with the function's environment in place, as Lambda does (service name, levels).
        module = importlib.import_module(f"acogida.handlers.{INTAKE_API_FUNCTION}")
        module.logger.registered_handler.setStream(log)
        dependencies.cache_clear()
        api = LocalHttpApi(module.handler, authorizer, port, INTAKE_API_FUNCTION, stdout=log)
        api.start()
        try:
            yield api
        finally:
            api.stop()
            dependencies.cache_clear()
