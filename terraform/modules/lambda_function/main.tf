# One container-image Lambda function and what it owns: its ECR repository (+ lifecycle policy),
# its log group, its execution role (trusted by Lambda of this account only) with an inline
# policy, and an alarm on its errors. Used by module app (intake_api) and module transcription
# (transcription_start, transcription_done); the calling module owns everything else (triggers,
# permissions for other services, the policy's function-specific statements).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  # The statements every function needs for what this module gives it: writing into its own log
  # group and uploading X-Ray traces (tracing_config mode Active). They come first; the caller's
  # statements (var.policy_json) follow.
  own_statements = [
    {
      Sid      = "WriteOwnLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.this.arn}:*"
    },
    {
      # X-Ray PutTraceSegments and PutTelemetryRecords have no resource type: "*" is the only
      # resource IAM accepts for them (tracing_config mode Active needs both).
      Sid      = "UploadTraces"
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = "*"
    },
  ]

  caller_policy = jsondecode(var.policy_json)

  policy = jsonencode({
    Version   = local.caller_policy.Version
    Statement = concat(local.own_statements, local.caller_policy.Statement)
  })

  lambda_trust_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaOfThisAccountAssumes"
      Effect    = "Allow"
      Principal = { Service = "lambda.${data.aws_partition.current.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

# --- Image repository ---------------------------------------------------------------------------
# Tags are immutable, so a tag always names the same image; the lifecycle policy keeps the last
# images_to_keep.

resource "aws_ecr_repository" "this" {
  name                 = var.repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete_repository

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.ecr_kms_key_arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last ${var.images_to_keep} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.images_to_keep
      }
      action = { type = "expire" }
    }]
  })
}

# The image the function runs: the digest of image_tag in the repository above (scripts/push.sh
# puts it there). The function is deployed by digest, so it changes exactly when the tag's image
# does. Read at plan time once the repository exists; while it is still to be created the read
# waits for the apply, which fails unless the image was pushed in between: the tooling's first
# apply of an environment creates the repositories first (acogida.infra.deploy).

data "aws_ecr_image" "this" {
  repository_name = aws_ecr_repository.this.name
  image_tag       = var.image_tag
}

# --- Log group ----------------------------------------------------------------------------------
# Owned here (encrypted, with a retention), so Lambda never creates an unmanaged one.

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# --- Execution role -----------------------------------------------------------------------------

resource "aws_iam_role" "this" {
  name               = "${var.function_name}-fn"
  description        = "Execution role of the ${var.function_key} function"
  assume_role_policy = local.lambda_trust_policy
}

resource "aws_iam_role_policy" "this" {
  name   = "least-privilege"
  role   = aws_iam_role.this.id
  policy = local.policy
}

# --- Function -----------------------------------------------------------------------------------
# A container image (ARM64) whose command is image_command, X-Ray tracing, environment encrypted
# with lambda_kms_key_arn, JSON logs into the log group above.

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The functions only call AWS APIs (DynamoDB, S3, SQS, Transcribe, Comprehend), partly in another region; there is no VPC resource to reach, and a VPC would add a NAT gateway or an interface endpoint per service (and region) for nothing.
  #checkov:skip=CKV_AWS_272:Lambda code signing applies to .zip packages only; container images are pinned by immutable tag and deployed by digest from a KMS-encrypted, scanned ECR repository.
  #checkov:skip=CKV_AWS_115:No reserved concurrency: it carves capacity out of the account pool (new accounts have 10 in total). Load is bounded by the API stage throttling (intake_api), the event source's maximum concurrency and Transcribe's job rate (the transcription functions).
  #checkov:skip=CKV_AWS_116:A function DLQ fits none of the callers: intake_api is invoked synchronously by API Gateway (the client sees every error), transcription_start's failed messages go to its queue's redrive DLQ, and transcription_done's async failures go to an on-failure destination (aws_lambda_function_event_invoke_config, module transcription), which carries more context than a DLQ.
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn
  package_type  = "Image"
  image_uri     = "${aws_ecr_repository.this.repository_url}@${data.aws_ecr_image.this.image_digest}"
  architectures = ["arm64"]
  memory_size   = var.memory_size
  timeout       = var.timeout
  kms_key_arn   = var.lambda_kms_key_arn

  image_config {
    command = var.image_command
  }

  environment {
    variables = var.environment_variables
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.application_log_level
    system_log_level      = "WARN"
  }

  # The role must be able to write its logs and traces before the first invocation.
  depends_on = [aws_iam_role_policy.this]
}

# --- Alarm --------------------------------------------------------------------------------------
# The function erroring needs a person: notify alarm_topic_arn on alarm and on recovery.

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.function_name}-errors"
  alarm_description   = "The ${var.function_key} function raised errors in the last 5 minutes."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}
