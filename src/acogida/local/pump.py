"""The local event sources of the batch transcription path, as AWS would drive the functions:

- the SQS event source mapping: messages of the audio-uploads queue (S3 notifications) go to
  ``transcription_start`` in batches; messages it reports as failed stay in the queue and, after
  the queue's maxReceiveCount, move to its dead-letter queue (the emulator applies the redrive);
- the EventBridge rule: a job of ours reaching COMPLETED or FAILED is delivered once to
  ``transcription_done`` as a "Transcribe Job State Change" event.

The emulator runs no speech recognition: its jobs complete without an output document, so
``transcription_done`` finds no transcript there and fails, as it would on AWS with a missing
output. The tests put Transcribe's output document in the bucket to exercise the whole path.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from acogida.local.events import SqsMessage, sqs_event, transcribe_state_change_event
from acogida.local.functions import LocalFunctions

FINAL_STATES = ("COMPLETED", "FAILED")


@dataclass
class PumpReport:
    upload_batches: int = 0
    upload_failures: int = 0
    job_events: list[tuple[str, str]] = field(default_factory=list)  # (job name, outcome)


class BackgroundPump:
    """Calls ``run_once`` every ``interval_s`` seconds on a daemon thread between start and stop."""

    thread_name = "local-pump"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Where an unreachable or failing AWS endpoint is reported (once per outage).
        self.warn: Callable[[str], None] = lambda message: print(message, file=sys.stderr)

    def run_once(self) -> object:
        raise NotImplementedError

    def start(self, interval_s: float = 1.0) -> None:
        """Poll in the background (again, after a ``stop``)."""
        self._stop = threading.Event()

        def loop() -> None:
            # An event source mapping keeps polling through an outage: so does the pump (the
            # emulator restarted, a throttled call); what was not delivered is delivered next time.
            failing = False
            stop = self._stop
            while not stop.wait(interval_s):
                try:
                    self.run_once()
                except (BotoCoreError, ClientError) as error:
                    if not failing:
                        problem = type(error).__name__
                        self.warn(f"{self.thread_name}: {problem}; retrying every {interval_s:g} s")
                    failing = True
                    continue
                if failing:
                    self.warn(f"{self.thread_name}: delivering again")
                failing = False

        self._thread = threading.Thread(target=loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


class SqsEventSource:
    """An SQS event source mapping of one queue and one function: up to ``batch_size`` messages
    go to the function as one event; those it does not report as failed are deleted, the others
    return to the queue after their visibility timeout (and past the queue's maxReceiveCount the
    emulator moves them to the DLQ)."""

    def __init__(
        self,
        functions: LocalFunctions,
        function: str,
        *,
        sqs: Any,  # noqa: ANN401 - a boto3 client in the queue's region
        queue_url: str,
        batch_size: int,
    ) -> None:
        self._functions = functions
        self._function = function
        self._sqs = sqs
        self._queue_url = queue_url
        self._batch_size = batch_size
        self.queue_arn: str = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def deliver(self) -> tuple[int, int]:
        """One poll: (messages delivered, messages the function reported as failed)."""
        received = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        if not received:
            return 0, 0
        messages = [
            SqsMessage(
                message["MessageId"],
                message["ReceiptHandle"],
                message["Body"],
                int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
            )
            for message in received
        ]
        try:
            result = self._functions.invoke(self._function, sqs_event(messages, self.queue_arn))
            failed = {failure["itemIdentifier"] for failure in result.get("batchItemFailures", [])}
        except Exception:  # a function error: every message returns to the queue, as on AWS
            # (Powertools raises when every record of the batch failed; Lambda then deletes none.)
            failed = {message.message_id for message in messages}
        done = [
            {"Id": str(index), "ReceiptHandle": message.receipt_handle}
            for index, message in enumerate(messages)
            if message.message_id not in failed
        ]
        if done:
            self._sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=done)
        return len(messages), len(failed)


class TranscriptionPump(BackgroundPump):
    thread_name = "local-transcription-pump"

    def __init__(
        self,
        functions: LocalFunctions,
        *,
        sqs: Any,  # noqa: ANN401 - boto3 clients in the language region
        transcribe: Any,  # noqa: ANN401
        queue_url: str,
        job_prefix: str,
        account: str,
    ) -> None:
        super().__init__()
        self._functions = functions
        self._transcribe = transcribe
        self._uploads = SqsEventSource(
            functions, "transcription_start", sqs=sqs, queue_url=queue_url, batch_size=10
        )
        self._job_prefix = job_prefix
        self._account = account
        self._region = self._uploads.queue_arn.split(":")[3]
        self._delivered: set[str] = set()  # jobs whose final state went to transcription_done

    def run_once(self) -> PumpReport:
        report = PumpReport()
        self._deliver_uploads(report)
        self._deliver_job_changes(report)
        return report

    def _deliver_uploads(self, report: PumpReport) -> None:
        messages, failures = self._uploads.deliver()
        if messages:
            report.upload_batches += 1
            report.upload_failures += failures

    def _deliver_job_changes(self, report: PumpReport) -> None:
        summaries = self._transcribe.list_transcription_jobs(JobNameContains=self._job_prefix).get(
            "TranscriptionJobSummaries", []
        )
        for summary in summaries:
            name = summary["TranscriptionJobName"]
            if not name.startswith(self._job_prefix) or name in self._delivered:
                continue
            status = self._transcribe.get_transcription_job(TranscriptionJobName=name)["TranscriptionJob"][
                "TranscriptionJobStatus"
            ]
            if status not in FINAL_STATES:
                continue
            self._delivered.add(name)
            event = transcribe_state_change_event(name, status, self._region, self._account)
            try:
                result = self._functions.invoke("transcription_done", event)
                report.job_events.append((name, str(result.get("outcome"))))
            except Exception as error:  # Lambda would retry, then send it to the on-failure DLQ
                report.job_events.append((name, f"failed: {type(error).__name__}"))
