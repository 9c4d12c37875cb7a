"""Where pseudonymised rows go (the raw bucket, its key) and the secret that keys ``person_key``;
shared by the stream export and the bulk upload, which must pseudonymise the same way."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from aws_lambda_powertools.utilities import parameters

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ObjectStore
from acogida.handlers.runtime import required_setting

# A rotated secret reaches warm functions within this time.
SECRET_MAX_AGE_S = 300


@dataclass(frozen=True)
class LakeTarget:
    raw: ObjectStore
    kms_key_arn: str
    secret_arn: str

    def pseudonymisation_secret(self) -> bytes:
        value = parameters.get_secret(self.secret_arn, max_age=SECRET_MAX_AGE_S)
        return value.encode("utf-8") if isinstance(value, str) else bytes(value)


@cache
def lake_target() -> LakeTarget:
    """From the function's environment: RAW_BUCKET, RAW_KMS_KEY_ARN, PSEUDONYMISATION_SECRET_ARN."""
    return LakeTarget(
        raw=ObjectStore(
            AwsTarget(region=required_setting("AWS_REGION")).client("s3"), required_setting("RAW_BUCKET")
        ),
        kms_key_arn=required_setting("RAW_KMS_KEY_ARN"),
        secret_arn=required_setting("PSEUDONYMISATION_SECRET_ARN"),
    )
