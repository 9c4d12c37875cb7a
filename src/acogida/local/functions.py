"""The platform's functions, invoked in this process as Lambda would invoke them.

Each function runs with its own environment from ``terraform output lambda_environments`` (what
Terraform gives the Lambda), every AWS call pointed at the emulator, one invocation at a time: the
process's environment and the handlers' cached clients are per function, as separate Lambda
execution environments would have them. What a function prints (its JSON logs and metrics) goes
to one log file, as CloudWatch Logs would hold it.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

from acogida.adapters.aws import EMULATOR_CREDENTIALS
from acogida.handlers.runtime import dependencies, function_audit_log
from acogida.local.lambda_context import LocalLambdaContext


@contextmanager
def function_environment(environment: Mapping[str, str], emulator_endpoint: str) -> Iterator[None]:
    """The function's variables in this process, with every AWS call going to the emulator."""
    saved = dict(os.environ)
    os.environ.update(environment)
    os.environ.update(EMULATOR_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = emulator_endpoint
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.pop("AWS_PROFILE", None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class UnknownFunctionError(KeyError):
    pass


class _PerThreadStdout:
    """``sys.stdout`` that sends what the invoking thread prints (Powertools metrics, print) to the
    function's log and what any other thread prints (the demo's progress, a bench's) where it went
    before: contextlib.redirect_stdout would swap the stream for every thread."""

    def __init__(self, default: TextIO) -> None:
        self.default = default
        self._local = threading.local()

    def target(self) -> TextIO:
        log: TextIO | None = getattr(self._local, "log", None)
        return log if log is not None else self.default

    def write(self, text: str) -> int:
        return self.target().write(text)

    def flush(self) -> None:
        self.target().flush()

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever the stream has
        return getattr(self.target(), name)

    @contextmanager
    def to(self, log: TextIO) -> Iterator[None]:
        previous = getattr(self._local, "log", None)
        self._local.log = log
        try:
            yield
        finally:
            self._local.log = previous


def _per_thread_stdout() -> _PerThreadStdout:
    if not isinstance(sys.stdout, _PerThreadStdout):
        sys.stdout = _PerThreadStdout(sys.stdout)
    return sys.stdout


class LocalFunctions:
    def __init__(
        self, environments: Mapping[str, Mapping[str, str]], emulator_endpoint: str, log: TextIO
    ) -> None:
        self._environments = {name: dict(variables) for name, variables in environments.items()}
        self._endpoint = emulator_endpoint
        self._log = log
        self._lock = threading.Lock()
        self._warm: str | None = None
        # Powertools warns on stderr when a request published no business metric (reads, 4xx).
        warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)

    def invoke(self, function: str, event: dict[str, Any]) -> Any:  # noqa: ANN401 - the handler's answer
        if function not in self._environments:
            raise UnknownFunctionError(function)
        with (
            self._lock,
            function_environment(self._environments[function], self._endpoint),
            _per_thread_stdout().to(self._log),
        ):
            if self._warm != function:
                dependencies.cache_clear()  # another function's clients and settings
                function_audit_log.cache_clear()
                self._warm = function
            # Imported with the function's environment in place, as Lambda does (service name).
            module = importlib.import_module(f"acogida.handlers.{function}")
            handler = module.logger.registered_handler
            if getattr(handler.stream, "closed", False):
                # An earlier LocalFunctions' log, closed since: setStream would flush it and fail.
                handler.stream = self._log
            else:
                handler.setStream(self._log)
            return module.handler(event, LocalLambdaContext(function))

    def close(self) -> None:
        with self._lock:
            dependencies.cache_clear()
            function_audit_log.cache_clear()
            self._warm = None
