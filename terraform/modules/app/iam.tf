# One role per function (intake_api; the transcription functions' roles are module transcription's).
# The trust policy names only Lambda, of this account. Each policy names
# its actions and resources; "Resource": "*" appears only for actions that have no resource ARN
# to scope to (X-Ray trace upload, Comprehend's synchronous Detect* calls), each marked below.

locals {
  intakes_index_arns = "${var.intakes_table_arn}/index/*"

  # --- Statements every function needs -------------------------------------------------------

  common_statements = {
    for name, _ in local.functions : name => [
      {
        Sid      = "WriteOwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.function[name].arn}:*"
      },
      {
        # X-Ray PutTraceSegments and PutTelemetryRecords have no resource type: "*" is the only
        # resource IAM accepts for them (tracing_config mode Active needs both).
        Sid      = "UploadTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
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
  }

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
      ],
      # The API extracts fields from each live segment, merging Comprehend's entities when enabled.
      local.comprehend_statements,
    )
  }

  function_policies = {
    for name, _ in local.functions : name => jsonencode({
      Version   = "2012-10-17"
      Statement = concat(local.common_statements[name], local.function_statements[name])
    })
  }

  lambda_trust_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaOfThisAccountAssumes"
      Effect    = "Allow"
      Principal = { Service = "lambda.${local.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${local.function_names[each.key]}-fn"
  description        = "Execution role of the ${each.key} function"
  assume_role_policy = local.lambda_trust_policy
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = local.function_policies[each.key]
}
