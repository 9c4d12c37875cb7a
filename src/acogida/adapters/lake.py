"""Where pseudonymised rows go (the raw bucket, its key) and the key ring that keys ``person_key``;
shared by the stream export and the bulk upload, which must pseudonymise the same way."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.exceptions import ClientError

from acogida.adapters.aws import AwsTarget
from acogida.adapters.object_store import ObjectStore
from acogida.handlers.runtime import required_setting
from acogida.privacy.keyring import KeyRing

# A rotated key ring reaches warm functions within this time (Powertools' cache of the secret):
# until then a warm function may still write rows under the previous version.
SECRET_MAX_AGE_S = 300
# Terraform creates the secret without a value (terraform/modules/bi/secrets.tf). The first
# function that finds it empty puts a ring of one random key (version 1) under this client request
# token: a concurrent first call with another value is refused (ResourceExistsException) and reads
# the winner's ring.
FIRST_KEY_REQUEST = "acogida-initial-pseudonymisation-key"


@dataclass(frozen=True)
class LakeTarget:
    raw: ObjectStore
    kms_key_arn: str
    secret_arn: str
    secrets_manager: Any  # boto3 client, for the first key only (reads go through Powertools)

    def key_ring(self) -> KeyRing:
        """The current ring (a bare secret of the platform before rings is its version 1)."""
        try:
            value = parameters.get_secret(self.secret_arn, max_age=SECRET_MAX_AGE_S)
        except GetParameterError:
            self._put_initial_key()
            value = parameters.get_secret(self.secret_arn, max_age=SECRET_MAX_AGE_S, force_fetch=True)
        return KeyRing.from_secret(value if isinstance(value, str | bytes) else bytes(value))

    def _put_initial_key(self) -> None:
        client = self.secrets_manager
        try:
            current = client.describe_secret(SecretId=self.secret_arn).get("VersionIdsToStages", {})
            if any("AWSCURRENT" in stages for stages in current.values()):
                return  # the read failed for another reason; let the second read raise it
            client.put_secret_value(
                SecretId=self.secret_arn,
                ClientRequestToken=FIRST_KEY_REQUEST,
                SecretString=KeyRing((secrets.token_hex(32).encode("utf-8"),)).to_secret(),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceExistsException":
                raise


@cache
def lake_target() -> LakeTarget:
    """From the function's environment: RAW_BUCKET, RAW_KMS_KEY_ARN, PSEUDONYMISATION_SECRET_ARN."""
    aws = AwsTarget(region=required_setting("AWS_REGION"))
    return LakeTarget(
        raw=ObjectStore(aws.client("s3"), required_setting("RAW_BUCKET")),
        kms_key_arn=required_setting("RAW_KMS_KEY_ARN"),
        secret_arn=required_setting("PSEUDONYMISATION_SECRET_ARN"),
        secrets_manager=aws.client("secretsmanager"),
    )
