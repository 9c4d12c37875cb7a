# Least-privilege policies: the two functions' inline policies (module lambda_function adds its
# log group and X-Ray statements) and the Glue role shared by the crawler and the job. Every
# statement names its resources; "Resource": "*" appears only where the action has no resource
# ARN (CloudWatch PutMetricData, restricted by namespace), marked below.

locals {
  secret_statements = [
    {
      # PutSecretValue: the first function that finds no key puts a random one (secrets.tf).
      Sid      = "ReadOrInitialisePseudonymisationKey"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
      Resource = aws_secretsmanager_secret.pseudonymisation.arn
    },
    {
      Sid      = "UsePseudonymisationKeyKey"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = var.secrets_kms_key_arn
    },
  ]

  function_statements = {
    export_submissions = [
      {
        Sid      = "ReadIntakesStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        Resource = var.intakes_stream_arn
      },
      {
        # The stream's records are encrypted with the table's key.
        Sid      = "DecryptIntakesStream"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.dynamodb_kms_key_arn
      },
      {
        Sid      = "WriteSubmissions"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${local.raw_bucket_arn}/${local.submissions_prefix}*"
      },
      {
        Sid      = "EncryptRawObjects"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.s3_kms_key_arn
      },
      {
        # One lake_export audit event per exported intake (docs/audit.md). Put only: no read,
        # no delete, no s3:BypassGovernanceRetention.
        Sid      = "WriteAuditEvents"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${local.audit_bucket_arn}/${local.audit_events_prefix}*"
      },
      {
        Sid      = "EncryptAuditEvents"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey"]
        Resource = var.audit_kms_key_arn
      },
      {
        # The event source mapping's on-failure destination sends with the function's role.
        Sid      = "SendFailedBatchesToDlq"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = aws_sqs_queue.export_dlq.arn
      },
      {
        Sid      = "UseMessagingKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.messaging_kms_key_arn
      },
    ]
    bulk_upload = [
      {
        Sid      = "ConsumeBulkUploadsQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
        Resource = module.bulk_uploads_queue.queue_arn
      },
      {
        # Read the upload, then delete every version of it: it holds document numbers.
        Sid      = "ReadAndDeleteUploads"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
        Resource = "${local.raw_bucket_arn}/${local.uploads_prefix}*"
      },
      {
        Sid       = "ListUploadVersions"
        Effect    = "Allow"
        Action    = ["s3:ListBucketVersions"]
        Resource  = local.raw_bucket_arn
        Condition = { StringLike = { "s3:prefix" = ["${local.uploads_prefix}*"] } }
      },
      {
        Sid      = "WriteSubmissionsAndReports"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = ["${local.raw_bucket_arn}/${local.submissions_prefix}*", "${local.raw_bucket_arn}/${local.rejected_prefix}*"]
      },
      {
        Sid      = "UseRawObjectsKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.s3_kms_key_arn
      },
      {
        Sid      = "PublishUploadOutcome"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = module.uploads_topic.topic_arn
      },
      {
        # Queue messages are decrypted, topic messages encrypted with the messaging key.
        Sid      = "UseMessagingKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.messaging_kms_key_arn
      },
    ]
  }

  function_policies = {
    for name, statements in local.function_statements : name => jsonencode({
      Version   = "2012-10-17"
      Statement = concat(statements, local.secret_statements)
    })
  }

  glue_database_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${aws_glue_catalog_database.lake.name}"
  glue_tables_arn   = "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.lake.name}/*"
  glue_catalog_arn  = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  glue_log_groups   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*"
}

# --- The Glue role: crawler and Spark job ---------------------------------------------------------

resource "aws_iam_role" "glue" {
  name        = "${var.name_prefix}-glue"
  description = "Glue crawler over raw/submissions/ and the workforce_demand Spark job"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GlueOfThisAccountAssumes"
      Effect    = "Allow"
      Principal = { Service = "glue.${local.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "glue" {
  name = "lake"
  role = aws_iam_role.glue.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadSubmissions"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${local.raw_bucket_arn}/${local.submissions_prefix}*"
      },
      {
        Sid       = "ListSubmissions"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.raw_bucket_arn
        Condition = { StringLike = { "s3:prefix" = ["${local.submissions_prefix}*", local.submissions_prefix] } }
      },
      {
        Sid      = "ReadJobCode"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${local.artifacts_bucket_arn}/${local.glue_code_prefix}*"
      },
      {
        Sid      = "UseJobTempDir"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${local.artifacts_bucket_arn}/${local.glue_temp_prefix}*"
      },
      {
        Sid       = "ListCodeAndTempDir"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.artifacts_bucket_arn
        Condition = { StringLike = { "s3:prefix" = ["${local.glue_code_prefix}*", "${local.glue_temp_prefix}*"] } }
      },
      {
        Sid      = "WriteCurated"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = ["${local.curated_bucket_arn}/${local.demand_prefix}*", "${local.curated_bucket_arn}/${local.workload_prefix}*"]
      },
      {
        Sid      = "ListCurated"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = local.curated_bucket_arn
      },
      {
        Sid      = "UseLakeKeys"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = [var.s3_kms_key_arn, var.analytics_kms_key_arn]
      },
      {
        Sid    = "MaintainLakeCatalogue"
        Effect = "Allow"
        Action = [
          "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
          "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreatePartition",
          "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition",
        ]
        Resource = [local.glue_catalog_arn, local.glue_database_arn, local.glue_tables_arn]
      },
      {
        Sid      = "WriteGlueLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
        Resource = [local.glue_log_groups, "${local.glue_log_groups}:*"]
      },
      {
        # PutMetricData has no resource ARN: "*" limited to the Glue namespace (--enable-metrics).
        Sid       = "PublishGlueMetrics"
        Effect    = "Allow"
        Action    = ["cloudwatch:PutMetricData"]
        Resource  = "*"
        Condition = { StringEquals = { "cloudwatch:namespace" = "Glue" } }
      },
    ]
  })
}
