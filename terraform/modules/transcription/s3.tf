# The speech bucket: recorded audio and what Transcribe and Comprehend need next to it, in the
# language region because Transcribe batch jobs read media from, and write output to, buckets of
# their own region.
#
#   audio/<intake_id>/<file>  uploads; each ObjectCreated notifies the uploads queue (messaging.tf);
#                             expire after audio_retention_days
#   transcribe/<job>.json     Transcribe's raw output (transcription_done reads it, applies it to
#                             the draft in the home region and deletes every version); expire
#                             after 1 day in case a job's output is never consumed
#   comprehend/dni/           the optional recogniser's training data; kept
#
# As the landing zone's buckets: SSE-KMS with a bucket key (the speech key), versioning, all public
# access blocked, ACLs disabled, TLS-only policy, access logging into an SSE-S3 log bucket of the
# same region (S3 delivers access logs only within a region and only to SSE-S3 targets).

locals {
  # Deny every request that does not use TLS, for a bucket and its objects.
  speech_buckets_deny_insecure_transport = {
    for name, arn in {
      speech = local.speech_bucket_arn
      logs   = local.speech_logs_bucket_arn
      } : name => {
      Sid       = "DenyRequestsWithoutTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [arn, "${arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }
}

# --- Speech bucket ------------------------------------------------------------------------------

resource "aws_s3_bucket" "speech" {
  #checkov:skip=CKV_AWS_144:No cross-region replication: recorded speech is held in one region only, the language region Transcribe requires, and never copied further; versioning plus noncurrent-version expiry covers recovery within its short retention.
  bucket        = local.speech_bucket_name
  force_destroy = var.force_destroy_buckets
}

resource "aws_s3_bucket_ownership_controls" "speech" {
  bucket = aws_s3_bucket.speech.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "speech" {
  bucket                  = aws_s3_bucket.speech.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "speech" {
  bucket = aws_s3_bucket.speech.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "speech" {
  bucket = aws_s3_bucket.speech.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.speech.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "speech" {
  bucket        = aws_s3_bucket.speech.id
  target_bucket = aws_s3_bucket.speech_logs.id
  target_prefix = "speech/"

  # S3 checks that the target grants log delivery before it accepts the logging configuration.
  depends_on = [aws_s3_bucket_policy.speech_logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "speech" {
  bucket = aws_s3_bucket.speech.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  rule {
    id     = "expire-audio"
    status = "Enabled"

    filter {
      prefix = "audio/"
    }

    expiration {
      days = var.audio_retention_days
    }
  }

  # transcription_done deletes each output once applied; this catches what is never consumed
  # (a failed or dead-lettered invocation).
  rule {
    id     = "expire-transcribe-output"
    status = "Enabled"

    filter {
      prefix = "transcribe/"
    }

    expiration {
      days = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.speech]
}

resource "aws_s3_bucket_policy" "speech" {
  bucket = aws_s3_bucket.speech.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [local.speech_buckets_deny_insecure_transport["speech"]] })

  depends_on = [aws_s3_bucket_public_access_block.speech]
}

# --- Access-log bucket of the speech bucket -------------------------------------------------------
# S3 server access logging delivers only to a target bucket in the same region whose default
# encryption is SSE-S3 (SSE-KMS is not supported for log delivery); a log bucket does not log into
# itself. The logs hold request metadata (keys are <intake_id>/<file>, no personal data).

resource "aws_s3_bucket" "speech_logs" {
  #checkov:skip=CKV_AWS_145:S3 server access log delivery requires SSE-S3 on the target bucket; SSE-KMS is not supported there.
  #checkov:skip=CKV_AWS_18:This is the access-log target; logging it into itself would loop.
  #checkov:skip=CKV_AWS_144:Access logs of the speech bucket stay in the language region; no cross-region copy.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events from the access-log bucket.
  bucket        = local.speech_logs_bucket_name
  force_destroy = var.force_destroy_buckets
}

resource "aws_s3_bucket_ownership_controls" "speech_logs" {
  bucket = aws_s3_bucket.speech_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "speech_logs" {
  bucket                  = aws_s3_bucket.speech_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "speech_logs" {
  bucket = aws_s3_bucket.speech_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "speech_logs" {
  bucket = aws_s3_bucket.speech_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "speech_logs" {
  bucket = aws_s3_bucket.speech_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.speech_logs]
}

resource "aws_s3_bucket_policy" "speech_logs" {
  bucket = aws_s3_bucket.speech_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "S3LogDeliveryFromTheSpeechBucket"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.${local.dns_suffix}" }
        Action    = "s3:PutObject"
        Resource  = "${local.speech_logs_bucket_arn}/speech/*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = local.speech_bucket_arn }
        }
      },
      local.speech_buckets_deny_insecure_transport["logs"],
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.speech_logs]
}
