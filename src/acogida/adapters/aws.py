"""boto3 clients for one account and region, optionally pointed at the local emulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

EMULATOR_ACCESS_KEY = "testing"
# The same dummies as environment variables, for processes pointed at the emulator: local mode
# must never be able to sign a request to AWS.
EMULATOR_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": EMULATOR_ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": EMULATOR_ACCESS_KEY,
}


@dataclass(frozen=True)
class AwsTarget:
    """Where adapters send requests: a region, and the emulator's URL in local mode (None on AWS)."""

    region: str
    endpoint_url: str | None = None

    def client(self, service: str, config: Config | None = None) -> Any:  # noqa: ANN401 - boto3 clients are dynamically typed
        config = Config(retries={"max_attempts": 3, "mode": "standard"}).merge(config or Config())
        # boto3-stubs types client() per literal service name; ours is a runtime string.
        make_client: Any = boto3.client
        if self.endpoint_url is None:
            return make_client(service, region_name=self.region, config=config)
        # Local mode: explicit dummy credentials so a real profile can never be used by mistake.
        return make_client(
            service,
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=EMULATOR_ACCESS_KEY,
            aws_secret_access_key=EMULATOR_ACCESS_KEY,
            config=config,
        )

    def link_signing_s3(self) -> Any:  # noqa: ANN401
        """An S3 client for pre-signed links: Signature Version 4 (SSE-KMS objects need it) on the
        bucket's regional host (a global-endpoint link to a newer region's bucket fails)."""
        return self.client("s3", Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
