# --- Audit bucket ---------------------------------------------------------------------------------
# The audit trail (docs/audit.md): one JSON object per event under events/intake_id=<id|none>/,
# written once by the functions that act on a person's record and never rewritten. S3 Object Lock
# in GOVERNANCE mode keeps every object version for audit_retention_days: nobody can delete or
# overwrite it before then without s3:BypassGovernanceRetention, which no function role and no
# application role holds (only an administrator, deliberately, e.g. to close a dev environment).
# COMPLIANCE mode would bind even the account root; governance keeps that last resort for a
# Data Protection Officer-ordered correction, and CloudTrail records its use.
#
# Its own KMS key (kms_keys.audit): a grant on the audit trail is a grant on nothing else.

locals {
  audit_bucket_name = "${var.name_prefix}-audit-${local.account_id}"
}

resource "aws_s3_bucket" "audit" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is not enabled: the audit trail stays in the Spanish region (eu-south-2) with the data it describes; Object Lock and versioning protect it.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of the audit bucket: Athena and acogida privacy audit read it on demand.
  bucket              = local.audit_bucket_name
  object_lock_enabled = true
  # Only in throw-away environments (local, dev); the provider then empties the bucket with
  # BypassGovernanceRetention, which the applying administrator holds and no function does.
  force_destroy = var.force_destroy_buckets
}

resource "aws_s3_bucket_ownership_controls" "audit" {
  bucket = aws_s3_bucket.audit.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "audit" {
  bucket                  = aws_s3_bucket.audit.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "audit" {
  bucket = aws_s3_bucket.audit.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "audit" {
  bucket = aws_s3_bucket.audit.id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.audit_retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.audit]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit" {
  bucket = aws_s3_bucket.audit.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this["audit"].arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "audit" {
  bucket        = aws_s3_bucket.audit.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "audit/"

  depends_on = [aws_s3_bucket_policy.access_logs]
}

# Events expire when their retention ends: the current version gets a delete marker after
# audit_retention_days (Object Lock allows that), and the version it hides, now out of retention,
# goes a day later; the marker left alone is then removed.
resource "aws_s3_bucket_lifecycle_configuration" "audit" {
  bucket = aws_s3_bucket.audit.id

  rule {
    id     = "expire-events-after-retention"
    status = "Enabled"

    filter {}

    expiration {
      days = var.audit_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  rule {
    id     = "remove-expired-delete-markers"
    status = "Enabled"

    filter {}

    expiration {
      expired_object_delete_marker = true
    }
  }

  depends_on = [aws_s3_bucket_versioning.audit]
}

locals {
  audit_bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyRequestsWithoutTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.audit.arn, "${aws_s3_bucket.audit.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        # Every event is encrypted under the audit key, whoever writes it.
        Sid       = "DenyEventsNotUnderTheAuditKey"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.audit.arn}/*"
        Condition = {
          StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = aws_kms_key.this["audit"].arn }
        }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "audit" {
  bucket = aws_s3_bucket.audit.id
  policy = local.audit_bucket_policy

  depends_on = [aws_s3_bucket_public_access_block.audit]
}
