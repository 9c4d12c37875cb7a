# privacy_api's inline policy (module lambda_function adds its log group and X-Ray statements).
# Every statement names its resources and no action has a wildcard. Reads, version listings and
# deletions are limited to the prefixes where a person's data lives; the only writes are the
# rewritten lake and upload objects (raw bucket) and the audit events.

locals {
  function_statements = {
    privacy_api = [
      {
        # A paged Scan finds a person's intakes (docs/privacy-rights.md: why not an index).
        Sid      = "FindAndEraseIntakes"
        Effect   = "Allow"
        Action   = ["dynamodb:Scan", "dynamodb:GetItem", "dynamodb:DeleteItem"]
        Resource = var.intakes_table_arn
      },
      {
        Sid      = "FindAndEraseIdempotencyRecords"
        Effect   = "Allow"
        Action   = ["dynamodb:Scan", "dynamodb:DeleteItem"]
        Resource = var.idempotency_table_arn
      },
      {
        Sid      = "ReadTables"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.dynamodb_kms_key_arn
      },
      {
        Sid       = "ListTranscriptVersions"
        Effect    = "Allow"
        Action    = ["s3:ListBucketVersions"]
        Resource  = local.transcripts_bucket_arn
        Condition = { StringLike = { "s3:prefix" = [for prefix in local.transcripts_prefixes : "${prefix}*"] } }
      },
      {
        Sid      = "ReadAndEraseTranscriptVersions"
        Effect   = "Allow"
        Action   = ["s3:GetObjectVersion", "s3:DeleteObjectVersion"]
        Resource = [for prefix in local.transcripts_prefixes : "${local.transcripts_bucket_arn}/${prefix}*"]
      },
      {
        Sid      = "ReadTranscripts"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.transcripts_kms_key_arn
      },
      {
        # The audio bucket is in the language region; audio is listed and erased, never read.
        Sid       = "ListAudioVersions"
        Effect    = "Allow"
        Action    = ["s3:ListBucketVersions"]
        Resource  = local.audio_bucket_arn
        Condition = { StringLike = { "s3:prefix" = [for prefix in local.audio_prefixes : "${prefix}*"] } }
      },
      {
        Sid      = "EraseAudioVersions"
        Effect   = "Allow"
        Action   = ["s3:DeleteObjectVersion"]
        Resource = [for prefix in local.audio_prefixes : "${local.audio_bucket_arn}/${prefix}*"]
      },
      {
        Sid       = "ListLakeVersions"
        Effect    = "Allow"
        Action    = ["s3:ListBucketVersions"]
        Resource  = local.raw_bucket_arn
        Condition = { StringLike = { "s3:prefix" = [for prefix in local.raw_prefixes : "${prefix}*"] } }
      },
      {
        # Shared objects are rewritten under the same key without the person's rows, then every
        # version that held them is deleted.
        Sid      = "ReadRewriteAndEraseLakeObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObjectVersion"]
        Resource = [for prefix in local.raw_prefixes : "${local.raw_bucket_arn}/${prefix}*"]
      },
      {
        Sid      = "ReadAndWriteLakeObjects"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.raw_kms_key_arn
      },
      {
        # person_key under every key version finds the person's pseudonymised rows.
        Sid      = "ReadPseudonymisationKeyRing"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = var.pseudonymisation_secret_arn
      },
      {
        Sid      = "DecryptKeyRing"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.secrets_kms_key_arn
      },
      {
        Sid       = "ListAuditHistory"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.audit_bucket_arn
        Condition = { StringLike = { "s3:prefix" = ["${local.audit_prefix}*"] } }
      },
      {
        # Append-only: events are written once and read for a person's export, never deleted.
        Sid      = "AppendAndReadAuditEvents"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = "${local.audit_bucket_arn}/${local.audit_prefix}*"
      },
      {
        Sid      = "UseAuditKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.audit_kms_key_arn
      },
    ]
  }

  function_policies = {
    for name, statements in local.function_statements : name => jsonencode({
      Version   = "2012-10-17"
      Statement = statements
    })
  }
}
