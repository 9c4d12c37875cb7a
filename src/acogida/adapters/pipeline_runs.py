"""Runs of the forecast pipeline: start one, read each stage's status.

On AWS the pipeline is CodePipeline ``<prefix>-forecast`` (module ml) and ``CodePipelineRuns``
speaks to it. The emulator cannot hold CodePipeline, so the local runtime registers a stand-in
that runs the same stage commands in a thread (``acogida.mlops.local.LocalPipelineRuns``);
``forecast_api`` uses whichever is there, and answers 503 when neither is (the pipeline switched
off in an environment).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import ClientError

# CodePipeline's execution ids are UUIDs; the local stand-in uses the same shape.
RUN_ID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def snake_status(status: str) -> str:
    """CodePipeline's ``InProgress`` → ``in_progress``."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", status).lower()


class PipelineBusyError(RuntimeError):
    """A run is already going and this pipeline runs one at a time."""


@dataclass(frozen=True)
class StageStatus:
    name: str
    status: str  # pending | in_progress | succeeded | failed | abandoned | skipped
    message: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class RunStatus:
    run_id: str
    status: str  # in_progress | succeeded | failed | stopped | stopping | superseded | cancelled
    stages: list[StageStatus] = field(default_factory=list)
    message: str | None = None

    def as_document(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "message": self.message,
            "stages": [stage.__dict__ for stage in self.stages],
        }


class PipelineRuns(Protocol):
    def start(self, requested_by: str) -> str: ...

    def status(self, run_id: str) -> RunStatus | None: ...


def _stamp(value: Any) -> str | None:  # noqa: ANN401 - datetime from botocore
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if isinstance(value, dt.datetime) else None


class CodePipelineRuns:
    def __init__(self, codepipeline_client: Any, pipeline_name: str) -> None:  # noqa: ANN401
        self._codepipeline = codepipeline_client
        self.pipeline_name = pipeline_name

    def start(self, requested_by: str) -> str:
        # The requester travels as a pipeline variable only if declared; the id is enough to
        # follow the run, and CloudTrail records who called the API Lambda.
        del requested_by
        answer = self._codepipeline.start_pipeline_execution(name=self.pipeline_name)
        return str(answer["pipelineExecutionId"])

    def status(self, run_id: str) -> RunStatus | None:
        try:
            execution = self._codepipeline.get_pipeline_execution(
                pipelineName=self.pipeline_name, pipelineExecutionId=run_id
            )["pipelineExecution"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "PipelineExecutionNotFoundException":
                return None
            raise
        stage_names = [
            stage["stageName"]
            for stage in self._codepipeline.get_pipeline_state(name=self.pipeline_name)["stageStates"]
        ]
        actions: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {
            "pipelineName": self.pipeline_name,
            "filter": {"pipelineExecutionId": run_id},
        }
        while True:
            page = self._codepipeline.list_action_executions(**arguments)
            actions.extend(page.get("actionExecutionDetails", []))
            if not page.get("nextToken"):
                break
            arguments["nextToken"] = page["nextToken"]

        run_status = snake_status(str(execution["status"]))
        finished = run_status not in ("in_progress", "stopping")
        stages = []
        for name in stage_names:
            # Newest attempt first: a retried stage reports its latest action executions.
            mine = sorted(
                (action for action in actions if action.get("stageName") == name),
                key=lambda action: action.get("lastUpdateTime") or dt.datetime.min.replace(tzinfo=dt.UTC),
                reverse=True,
            )
            if not mine:
                stages.append(StageStatus(name, "skipped" if finished else "pending"))
                continue
            statuses = {snake_status(str(action["status"])) for action in mine}
            status = next((s for s in ("failed", "in_progress", "abandoned") if s in statuses), "succeeded")
            result = (mine[0].get("output") or {}).get("executionResult") or {}
            details = result.get("errorDetails") or {}
            message = details.get("message") or result.get("externalExecutionSummary")
            stages.append(StageStatus(name, status, message, _stamp(mine[0].get("lastUpdateTime"))))
        summary = execution.get("statusSummary")
        return RunStatus(run_id, run_status, stages, str(summary) if summary else None)


_local_pipeline: PipelineRuns | None = None


def use_local_pipeline(runs: PipelineRuns | None) -> None:
    """The local runtime's stand-in for CodePipeline (None removes it)."""
    global _local_pipeline  # noqa: PLW0603 - one process-wide stand-in, as there is one pipeline
    _local_pipeline = runs


def local_pipeline() -> PipelineRuns | None:
    return _local_pipeline
