# The inline policy of each function's role (intake_api; the transcription functions' are module
# transcription's). The role, trusted by Lambda of this account only, is module lambda_function's
# (lambda.tf), which adds the statements for its log group and X-Ray. Each policy names
# its actions and resources; "Resource": "*" appears only for actions that have no resource ARN
# to scope to (X-Ray trace upload there, Comprehend's synchronous Detect* calls here), each marked.

locals {
  intakes_index_arns = "${var.intakes_table_arn}/index/*"

  # --- Statements every function needs -------------------------------------------------------

  # Every function also gets WriteOwnLogGroup (its log group) and UploadTraces (X-Ray upload,
  # Resource "*"): module lambda_function puts those first, as it owns the log group and tracing.
  common_statements = [
    {
      Sid      = "PowertoolsIdempotencyRecords"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      Resource = var.idempotency_table_arn
    },
    {
      Sid      = "UseTableAndTranscriptKeys"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      Resource = [var.dynamodb_kms_key_arn, var.transcripts_kms_key_arn]
    },
  ]

  # Comprehend DetectEntities/DetectPiiEntities (synchronous, built-in model) have no resource
  # ARN to scope to: "*" is the only resource IAM accepts (the calls go to the language region:
  # ACOGIDA_LANGUAGE_REGION). Granted only when comprehend_enabled.
  comprehend_statements = var.comprehend_enabled ? [{
    Sid      = "DetectEntitiesWithBuiltInModels"
    Effect   = "Allow"
    Action   = ["comprehend:DetectEntities", "comprehend:DetectPiiEntities"]
    Resource = "*"
  }] : []

  # --- Per function ----------------------------------------------------------------------------

  function_statements = {
    intake_api = concat(
      [
        {
          Sid      = "ReadAndWriteIntakes"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
          Resource = [var.intakes_table_arn, local.intakes_index_arns]
        },
        {
          # The bucket is versioned: erasing a draft deletes every version of it, so the API
          # lists versions and deletes them by version id (DeleteObjectVersion).
          Sid      = "DraftAndRedactedTranscripts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
          Resource = ["${local.transcripts_bucket_arn}/drafts/*", "${local.transcripts_bucket_arn}/redacted/*"]
        },
        {
          Sid       = "ListDraftAndRedactedVersions"
          Effect    = "Allow"
          Action    = ["s3:ListBucketVersions"]
          Resource  = local.transcripts_bucket_arn
          Condition = { StringLike = { "s3:prefix" = ["drafts/*", "redacted/*"] } }
        },
        {
          # One audit event per request, each a new object (docs/audit.md). Put only: no read,
          # no delete, no s3:BypassGovernanceRetention, no change to retention or legal holds.
          Sid      = "WriteAuditEvents"
          Effect   = "Allow"
          Action   = ["s3:PutObject"]
          Resource = "${local.audit_bucket_arn}/events/*"
        },
        {
          Sid      = "EncryptAuditEvents"
          Effect   = "Allow"
          Action   = ["kms:GenerateDataKey"]
          Resource = var.audit_kms_key_arn
        },
      ],
      # The API extracts fields from each live segment, merging Comprehend's entities when enabled.
      local.comprehend_statements,
    )
  }

  function_policies = {
    for name, _ in local.functions : name => jsonencode({
      Version   = "2012-10-17"
      Statement = concat(local.common_statements, local.function_statements[name])
    })
  }
}
