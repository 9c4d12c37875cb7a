locals {
  # Data buckets. kms_key names the key in local.kms_keys; expirations are the retention of
  # current objects, one lifecycle rule each: id, the key prefix it covers ("" = the whole
  # bucket) and the days after which an object expires (none = kept). Noncurrent versions always
  # expire (see variables). docs/data-protection.md lists each rule with its variable.
  data_buckets = {
    raw = {
      kms_key = "s3"
      # submissions/ (pseudonymised rows), uploads/ (deleted once processed), rejected/ (reports).
      expirations = [{ id = "expire-lake-objects", prefix = "", days = var.lake_retention_days }]
    }
    curated = {
      kms_key     = "s3"
      expirations = [{ id = "expire-lake-objects", prefix = "", days = var.lake_retention_days }]
    }
    artifacts = {
      kms_key     = "s3"
      expirations = []
    }
    transcripts = {
      kms_key = "language"
      expirations = [
        { id = "expire-draft-transcripts", prefix = "drafts/", days = var.transcript_retention_days },
        # Written at submission: it goes with the intake record (the table's TTL, same days).
        { id = "expire-redacted-transcripts", prefix = "redacted/", days = var.submitted_intake_retention_days },
      ]
    }
    athena-results = {
      kms_key     = "analytics"
      expirations = [{ id = "expire-current-objects", prefix = "", days = var.athena_results_retention_days }]
    }
    reports = {
      kms_key     = "s3"
      expirations = []
    }
  }

  # Bucket names are global across AWS: the account id keeps them unique per account.
  bucket_names = merge(
    { for name, _ in local.data_buckets : name => "${var.name_prefix}-${name}-${local.account_id}" },
    { access-logs = "${var.name_prefix}-access-logs-${local.account_id}" },
  )
}

# --- Data buckets -------------------------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  for_each = local.data_buckets

  #checkov:skip=CKV_AWS_144:Cross-region replication is not enabled: these buckets' data stays in the Spanish region (eu-south-2) and versioning plus noncurrent-version retention covers recovery. (Recorded audio never lands here: it goes to the transcription module's speech bucket in the language region.)
  #checkov:skip=CKV2_AWS_62:The landing zone attaches no event notifications: a module that needs one attaches it (module bi: raw/uploads/ → the bulk-uploads queue). The other buckets have no consumer of object events. (Audio uploads notify from the speech bucket of module transcription, in the language region.)
  bucket        = local.bucket_names[each.key]
  force_destroy = var.force_destroy_buckets
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.data_buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this[local.data_buckets[each.key].kms_key].arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "this" {
  for_each = local.data_buckets

  bucket        = aws_s3_bucket.this[each.key].id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${each.key}/"

  # S3 checks that the target grants log delivery before it accepts the logging configuration.
  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.this[each.key].id

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

  dynamic "rule" {
    for_each = local.data_buckets[each.key].expirations

    content {
      id     = rule.value.id
      status = "Enabled"

      filter {
        # null, not "", for the whole bucket: the same empty filter the bucket's other rule has.
        prefix = rule.value.prefix == "" ? null : rule.value.prefix
      }

      expiration {
        days = rule.value.days
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

locals {
  # Deny every request that does not use TLS, for the bucket and its objects.
  deny_insecure_transport = {
    for name, bucket in aws_s3_bucket.this : name => {
      Sid       = "DenyRequestsWithoutTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [bucket.arn, "${bucket.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = jsonencode({ Version = "2012-10-17", Statement = [local.deny_insecure_transport[each.key]] })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# --- Access-log bucket --------------------------------------------------------------------------
# S3 server access logging can only deliver to a target bucket whose default encryption is SSE-S3
# (SSE-KMS is not supported for log delivery), and a log bucket does not log into itself.

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_145:S3 server access log delivery requires SSE-S3 on the target bucket; SSE-KMS is not supported there.
  #checkov:skip=CKV_AWS_18:This is the access-log target; logging it into itself would loop.
  #checkov:skip=CKV_AWS_144:Access logs stay in the Spanish region (eu-south-2); no cross-region copy.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events from the access-log bucket.
  bucket        = local.bucket_names["access-logs"]
  force_destroy = var.force_destroy_buckets
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

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

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

locals {
  access_logs_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "S3LogDeliveryFromThisAccountsBuckets"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.${local.dns_suffix}" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs.arn}/*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:s3:::${var.name_prefix}-*" }
        }
      }],
      # The front's load balancer (module app) writes its access logs under
      # <load_balancer_log_prefix>/AWSLogs/<account>/. Regions opened since August 2022
      # (eu-south-2 among them) deliver through this service principal; older regions would need
      # their regional ELB account instead.
      var.load_balancer_log_prefix == null ? [] : [{
        Sid       = "LoadBalancerLogDelivery"
        Effect    = "Allow"
        Principal = { Service = "logdelivery.elasticloadbalancing.${local.dns_suffix}" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.access_logs.arn}/${var.load_balancer_log_prefix}/AWSLogs/${local.account_id}/*"
      }],
      [{
        Sid       = "DenyRequestsWithoutTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }],
    )
  })
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = local.access_logs_policy

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}
