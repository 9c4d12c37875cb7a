# The forecast pipeline (CodePipeline V2): Source → Prepare → Train → Gate → [Approval] → Publish.
# forecast_api starts it (POST /mlops/runs) and reads each stage's status from it; nothing starts it
# by itself: the S3 source does not poll, the connection does not detect changes, CodeCommit has
# no event rule.
#
# Execution mode QUEUED: every run a coordinator starts runs to its end, in order. SUPERSEDED
# (the default) would let a later run replace an earlier one waiting at a stage boundary (the
# approval, or behind the Glue job, which runs one at a time), so the run id the API returned
# would end "Superseded" without a result; PARALLEL would race two runs on the Glue job and on the
# forecasts table. A pending approval in prod holds later runs until it is answered.

locals {
  # The source action's configuration, for the source_provider in use.
  source_configuration = (
    var.source_provider == "S3" ? {
      S3Bucket             = var.artifacts_bucket_name
      S3ObjectKey          = var.source_object_key
      PollForSourceChanges = "false"
    } :
    var.source_provider == "CodeStarSourceConnection" ? {
      ConnectionArn    = one(aws_codestarconnections_connection.repository[*].arn)
      FullRepositoryId = var.repository_id
      BranchName       = var.branch_name
      # false: runs start from the API only; it also keeps AWS from adding a default push trigger,
      # which Terraform would see as a change on every plan (terraform-provider-aws issue 38409).
      DetectChanges        = "false"
      OutputArtifactFormat = "CODE_ZIP"
    } :
    {
      RepositoryName       = var.codecommit_repository_name
      BranchName           = var.branch_name
      PollForSourceChanges = "false"
      OutputArtifactFormat = "CODE_ZIP"
    }
  )

  # The stages after Source, in order: a CodeBuild action each, or the approval. Inputs: the
  # first is the primary source (the repository: buildspec, requirements, the package), model is
  # train's output (forecast.csv, history.csv, backtest.json, series_choice.csv under model/).
  pipeline_stages = concat(
    [
      { name = "Prepare", stage = "prepare", inputs = ["source"], outputs = [], variables = [] },
      { name = "Train", stage = "train", inputs = ["source"], outputs = ["model"], variables = [] },
      { name = "Gate", stage = "gate", inputs = ["source", "model"], outputs = [], variables = [] },
    ],
    var.manual_approval_enabled ? [{ name = "Approval", stage = null, inputs = [], outputs = [], variables = [] }] : [],
    [
      {
        name      = "Publish"
        stage     = "publish"
        inputs    = ["source", "model"]
        outputs   = []
        variables = [{ name = "RUN_ID", value = "#{codepipeline.PipelineExecutionId}", type = "PLAINTEXT" }]
      },
    ],
  )
}

# --- Repository connection (CodeStarSourceConnection only) -------------------------------------------
# Created PENDING: an administrator completes the handshake with GitHub or GitLab once in the
# console (Developer Tools → Connections) before the first run.

resource "aws_codestarconnections_connection" "repository" {
  count = var.pipeline_enabled && var.source_provider == "CodeStarSourceConnection" ? 1 : 0

  name          = substr("${var.name_prefix}-${lower(var.connection_provider_type)}", 0, 32)
  provider_type = var.connection_provider_type
}

# --- The pipeline -----------------------------------------------------------------------------------

resource "aws_codepipeline" "forecast" {
  count = var.pipeline_enabled ? 1 : 0

  name           = local.pipeline_name
  pipeline_type  = "V2"
  execution_mode = "QUEUED"
  role_arn       = aws_iam_role.pipeline[0].arn

  artifact_store {
    type     = "S3"
    location = var.artifacts_bucket_name

    encryption_key {
      type = "KMS"
      id   = var.s3_kms_key_arn
    }
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = var.source_provider
      version          = "1"
      output_artifacts = ["source"]
      configuration    = local.source_configuration
    }
  }

  dynamic "stage" {
    for_each = local.pipeline_stages

    content {
      name = stage.value.name

      dynamic "action" {
        for_each = stage.value.stage == null ? [] : [stage.value]

        content {
          name             = action.value.name
          category         = "Build"
          owner            = "AWS"
          provider         = "CodeBuild"
          version          = "1"
          input_artifacts  = action.value.inputs
          output_artifacts = action.value.outputs
          configuration = merge(
            {
              ProjectName   = aws_codebuild_project.stage[action.value.stage].name
              PrimarySource = "source"
            },
            length(action.value.variables) == 0 ? {} : { EnvironmentVariables = jsonencode(action.value.variables) },
          )
        }
      }

      dynamic "action" {
        for_each = stage.value.stage == null ? [stage.value] : []

        content {
          name     = action.value.name
          category = "Approval"
          owner    = "AWS"
          provider = "Manual"
          version  = "1"
          configuration = {
            NotificationArn = module.forecast_published_topic.topic_arn
            CustomData      = "The forecast passed the gate against seasonal naive. Review the backtest (model/backtest.json of this run) and approve to publish it."
          }
        }
      }
    }
  }

  depends_on = [aws_iam_role_policy.pipeline]
}

# --- A failed run needs a person ------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "pipeline_failed" {
  count = var.pipeline_enabled ? 1 : 0

  name        = "${local.pipeline_name}-failed"
  description = "A run of the forecast pipeline failed (a stage, or the gate refused the model)"
  event_pattern = jsonencode({
    source        = ["aws.codepipeline"]
    "detail-type" = ["CodePipeline Pipeline Execution State Change"]
    detail        = { pipeline = [local.pipeline_name], state = ["FAILED"] }
  })
}

resource "aws_cloudwatch_event_target" "pipeline_failed" {
  count = var.pipeline_enabled ? 1 : 0

  rule      = aws_cloudwatch_event_rule.pipeline_failed[0].name
  target_id = "alerts"
  arn       = var.alerts_topic_arn
}
