# Least-privilege policies: forecast_api's inline policy (module lambda_function adds its log group
# and X-Ray statements), one role per build stage and the pipeline's role. Every statement names
# its resources and no action has a wildcard. Each role is trusted by one service of this account
# (a stage role by its own project only).

locals {
  # --- forecast_api --------------------------------------------------------------------------------
  function_statements = {
    forecast_api = concat(
      [
        {
          Sid      = "ReadForecasts"
          Effect   = "Allow"
          Action   = ["dynamodb:Query", "dynamodb:GetItem"]
          Resource = aws_dynamodb_table.forecasts.arn
        },
        {
          Sid      = "DecryptForecasts"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = var.dynamodb_kms_key_arn
        },
        {
          Sid       = "ListReports"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = local.reports_bucket_arn
          Condition = { StringLike = { "s3:prefix" = [local.reports_prefix, "${local.reports_prefix}*"] } }
        },
        {
          # The pre-signed links the API hands out are GETs signed with this role.
          Sid      = "ReadReports"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = "${local.reports_bucket_arn}/${local.reports_prefix}*"
        },
        {
          Sid      = "DecryptReports"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = var.s3_kms_key_arn
        },
      ],
      var.pipeline_enabled ? [
        {
          Sid      = "StartAndFollowRuns"
          Effect   = "Allow"
          Action   = ["codepipeline:StartPipelineExecution", "codepipeline:GetPipelineExecution", "codepipeline:ListActionExecutions", "codepipeline:GetPipelineState"]
          Resource = local.pipeline_arn
        },
      ] : [],
    )
  }

  function_policies = {
    for name, statements in local.function_statements : name => jsonencode({
      Version   = "2012-10-17"
      Statement = statements
    })
  }

  # --- Build stages ----------------------------------------------------------------------------------
  # Every stage: its own log group, the pipeline's artifacts (read), the s3 key for them.
  stage_common_statements = {
    for stage, _ in local.stages : stage => [
      {
        Sid      = "WriteOwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.stage_log_group_arns[stage]}:*"
      },
      {
        Sid      = "ReadPipelineArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = local.pipeline_artifacts_arn
      },
      {
        # CodeBuild checks the artifact bucket's owner and region before it transfers artifacts.
        Sid      = "LocateArtifactsBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketAcl", "s3:GetBucketLocation"]
        Resource = local.artifacts_bucket_arn
      },
    ]
  }

  stage_own_statements = {
    prepare = [
      {
        Sid      = "RunWorkforceDemandJob"
        Effect   = "Allow"
        Action   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns"]
        Resource = "arn:${local.partition}:glue:${local.region}:${local.account_id}:job/${var.glue_job_name}"
      },
      {
        Sid      = "DecryptArtifacts"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.s3_kms_key_arn
      },
    ]
    train = [
      {
        Sid      = "ReadDemandSeries"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${local.curated_bucket_arn}/${var.curated_demand_key}*"
      },
      {
        # The folder holds one part file whose name Spark chooses: the stage lists it to find it.
        Sid       = "FindDemandSeries"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.curated_bucket_arn
        Condition = { StringLike = { "s3:prefix" = [var.curated_demand_key, "${var.curated_demand_key}*"] } }
      },
      {
        Sid      = "WriteModelArtifact"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = local.pipeline_artifacts_arn
      },
      {
        # The curated series and the artifacts are both under the s3 key.
        Sid      = "UseObjectsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.s3_kms_key_arn
      },
    ]
    gate = [
      {
        Sid      = "DecryptArtifacts"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.s3_kms_key_arn
      },
    ]
    publish = concat(
      [
        {
          Sid      = "WriteForecastRows"
          Effect   = "Allow"
          Action   = ["dynamodb:BatchWriteItem", "dynamodb:PutItem"]
          Resource = aws_dynamodb_table.forecasts.arn
        },
        {
          Sid      = "UseForecastsTableKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
          Resource = var.dynamodb_kms_key_arn
        },
        {
          # GetObject: the e-mail's pre-signed link is signed with this role.
          Sid      = "WriteReports"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject"]
          Resource = "${local.reports_bucket_arn}/${local.reports_prefix}*"
        },
        {
          Sid      = "UseObjectsKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = var.s3_kms_key_arn
        },
        {
          Sid      = "AnnouncePublication"
          Effect   = "Allow"
          Action   = ["sns:Publish"]
          Resource = module.forecast_published_topic.topic_arn
        },
        {
          Sid      = "UseMessagingKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = var.messaging_kms_key_arn
        },
      ],
      var.report_sender_email == null ? [] : [
        {
          Sid       = "MailCoordinators"
          Effect    = "Allow"
          Action    = ["ses:SendEmail", "ses:SendRawEmail"]
          Resource  = aws_ses_email_identity.report_sender[0].arn
          Condition = { StringEquals = { "ses:FromAddress" = var.report_sender_email } }
        },
      ],
    )
  }

  stage_policies = {
    for stage, _ in local.stages : stage => jsonencode({
      Version   = "2012-10-17"
      Statement = concat(local.stage_common_statements[stage], local.stage_own_statements[stage])
    })
  }

  # --- The pipeline ---------------------------------------------------------------------------------
  # The source action's permissions, for the source_provider in use.
  source_statements = concat(
    var.source_provider == "S3" ? [
      {
        Sid      = "ReadSourceArchive"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "${local.artifacts_bucket_arn}/${var.source_object_key}"
      },
      {
        # The S3 source action needs a versioned bucket and checks it.
        Sid      = "CheckSourceBucketVersioning"
        Effect   = "Allow"
        Action   = ["s3:GetBucketVersioning"]
        Resource = local.artifacts_bucket_arn
      },
    ] : [],
    var.source_provider == "CodeStarSourceConnection" ? [
      {
        Sid      = "UseRepositoryConnection"
        Effect   = "Allow"
        Action   = ["codestar-connections:UseConnection"]
        Resource = one(aws_codestarconnections_connection.repository[*].arn)
      },
    ] : [],
    var.source_provider == "CodeCommit" ? [
      {
        Sid      = "PullCodeCommitRepository"
        Effect   = "Allow"
        Action   = ["codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository", "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"]
        Resource = "arn:${local.partition}:codecommit:${local.region}:${local.account_id}:${var.codecommit_repository_name}"
      },
    ] : [],
  )

  pipeline_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "RunStageBuilds"
          Effect   = "Allow"
          Action   = ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]
          Resource = values(local.stage_project_arns)
        },
        {
          Sid      = "ReadAndWriteArtifacts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
          Resource = local.pipeline_artifacts_arn
        },
        {
          Sid      = "LocateArtifactsBucket"
          Effect   = "Allow"
          Action   = ["s3:GetBucketAcl", "s3:GetBucketLocation"]
          Resource = local.artifacts_bucket_arn
        },
        {
          Sid      = "UseArtifactsKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = var.s3_kms_key_arn
        },
      ],
      local.source_statements,
      var.manual_approval_enabled ? [
        {
          Sid      = "NotifyApprovers"
          Effect   = "Allow"
          Action   = ["sns:Publish"]
          Resource = module.forecast_published_topic.topic_arn
        },
        {
          Sid      = "UseMessagingKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = var.messaging_kms_key_arn
        },
      ] : [],
    )
  })
}

# --- Build stage roles -----------------------------------------------------------------------------

resource "aws_iam_role" "stage" {
  for_each = var.pipeline_enabled ? local.stages : {}

  name        = "${local.stage_project_names[each.key]}-build"
  description = "The ${each.key} stage of the forecast pipeline (CodeBuild project ${local.stage_project_names[each.key]})"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OwnProjectAssumes"
      Effect    = "Allow"
      Principal = { Service = "codebuild.${local.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = local.account_id
          "aws:SourceArn"     = local.stage_project_arns[each.key]
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "stage" {
  for_each = var.pipeline_enabled ? local.stages : {}

  name   = "least-privilege"
  role   = aws_iam_role.stage[each.key].id
  policy = local.stage_policies[each.key]
}

# --- Pipeline role ---------------------------------------------------------------------------------

resource "aws_iam_role" "pipeline" {
  count = var.pipeline_enabled ? 1 : 0

  name        = "${local.pipeline_name}-pipeline"
  description = "The forecast pipeline ${local.pipeline_name}: source, stage builds, approval notice"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OwnPipelineAssumes"
      Effect    = "Allow"
      Principal = { Service = "codepipeline.${local.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = local.account_id
          "aws:SourceArn"     = local.pipeline_arn
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "pipeline" {
  count = var.pipeline_enabled ? 1 : 0

  name   = "least-privilege"
  role   = aws_iam_role.pipeline[0].id
  policy = local.pipeline_policy
}
