# The forecast MLOps pipeline and the forecast API, in the home region. The front's "retrain"
# button calls forecast_api (POST /mlops/runs), which starts the CodePipeline: source → prepare
# (the Glue job) → train and backtest → gate (must beat seasonal naive) → approval (prod) →
# publish (rows into the forecasts table, CSV and PNG under reports/, SNS notice, SES e-mail).
#
#   forecasts.tf  the forecasts table, the forecast-published topic, the SES sender identity
#   api.tf        forecast_api (module lambda_function) and its routes on the intake HTTP API
#   iam.tf        least-privilege policies: the function, each build stage, the pipeline
#   codebuild.tf  one CodeBuild project per stage (buildspecs in src/mlops/), their log groups
#   pipeline.tf   the CodeStar connection (if any), the pipeline, failed-run alerts
#
# pipeline_enabled = false (local mode) leaves out everything of the pipeline: the emulator holds
# no CodePipeline, CodeBuild or CodeStar connection. The rest applies to it as to AWS.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  artifacts_bucket_arn = "arn:${local.partition}:s3:::${var.artifacts_bucket_name}"
  curated_bucket_arn   = "arn:${local.partition}:s3:::${var.curated_bucket_name}"
  reports_bucket_arn   = "arn:${local.partition}:s3:::${var.reports_bucket_name}"

  # Prefix of the reports bucket publish writes and the API lists: a contract with src/acogida/mlops.
  reports_prefix = "reports/"

  # The forecasts table's keys: series = "<location>#<workforce_type>", date = "YYYY-MM-DD".
  forecasts_table_name    = "${var.name_prefix}-forecasts"
  forecasts_ttl_attribute = "expires_at"

  # The pipeline and its stages. CodePipeline keeps a pipeline's artifacts under a folder named
  # after the first 20 characters of the pipeline's name: the roles' artifact statements name that
  # prefix (followed by *, which also covers the untruncated name).
  pipeline_name            = "${var.name_prefix}-forecast"
  pipeline_arn             = "arn:${local.partition}:codepipeline:${local.region}:${local.account_id}:${local.pipeline_name}"
  pipeline_artifact_prefix = substr(local.pipeline_name, 0, 20)
  pipeline_artifacts_arn   = "${local.artifacts_bucket_arn}/${local.pipeline_artifact_prefix}*"

  # The pipeline's API answers each stage by these names (GET /mlops/runs/{run_id}).
  stages = {
    prepare = {
      description  = "Starts the workforce_demand Glue job and waits for it (curated/demand/ up to date)"
      compute_type = "BUILD_GENERAL1_SMALL"
      timeout      = 120 # minutes: the Glue job's own timeout is 60, plus its queue and start-up
    }
    train = {
      description  = "Chooses a model per series by rolling-origin backtest and forecasts (artifact model/)"
      compute_type = var.train_compute_type
      timeout      = 90
    }
    gate = {
      description  = "Fails unless the backtest beats seasonal naive"
      compute_type = "BUILD_GENERAL1_SMALL"
      timeout      = 15
    }
    publish = {
      description  = "Writes the forecast rows, the CSV and PNG report, the SNS notice and the coordinators' e-mail"
      compute_type = "BUILD_GENERAL1_SMALL"
      timeout      = 30
    }
  }
  stage_project_names   = { for stage, _ in local.stages : stage => "${local.pipeline_name}-${stage}" }
  stage_project_arns    = { for stage, name in local.stage_project_names : stage => "arn:${local.partition}:codebuild:${local.region}:${local.account_id}:project/${name}" }
  stage_log_group_names = { for stage, name in local.stage_project_names : stage => "/aws/codebuild/${name}" }
  stage_log_group_arns  = { for stage, name in local.stage_log_group_names : stage => "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${name}" }

  # The environment of each stage command: a contract with src/acogida/mlops, which also reads it
  # from `terraform output` to run the same commands locally (acogida mlops run --local). The
  # gate stage needs nothing but its input artifact. RUN_ID reaches publish from the pipeline
  # (the action's EnvironmentVariables, #{codepipeline.PipelineExecutionId}).
  stage_environment = {
    prepare = {
      GLUE_JOB_NAME = var.glue_job_name
    }
    train = {
      CURATED_BUCKET        = var.curated_bucket_name
      CURATED_DEMAND_KEY    = var.curated_demand_key
      FORECAST_HORIZON_DAYS = tostring(var.forecast_horizon_days)
    }
    publish = {
      FORECASTS_TABLE         = aws_dynamodb_table.forecasts.name
      REPORTS_BUCKET          = var.reports_bucket_name
      S3_KMS_KEY_ARN          = var.s3_kms_key_arn
      FORECAST_TOPIC_ARN      = module.forecast_published_topic.topic_arn
      REPORT_SENDER_EMAIL     = var.report_sender_email == null ? "" : var.report_sender_email
      COORDINATOR_EMAILS_JSON = jsonencode(var.coordinator_emails)
      REPORT_LINK_TTL_SECONDS = tostring(var.report_link_ttl_seconds)
      FORECAST_TTL_DAYS       = tostring(var.forecast_ttl_days)
    }
  }

  # The function of this module (a map, as the other modules', for module lambda_function).
  functions = {
    forecast_api = {
      description = "Forecast API: daily p10/p50/p90 by workforce type and office, report links, retrain runs"
      memory_size = 512
      timeout     = 15
      image       = "intake" # src/lambdas/intake, the image intake_api runs
    }
  }
  function_names = { for name, _ in local.functions : name => "${var.name_prefix}-${replace(name, "_", "-")}" }

  lambda_application_log_level = { DEBUG = "DEBUG", INFO = "INFO", WARNING = "WARN", ERROR = "ERROR" }[var.log_level]

  function_environment = {
    forecast_api = {
      POWERTOOLS_SERVICE_NAME      = "forecast_api"
      POWERTOOLS_METRICS_NAMESPACE = "Acogida"
      POWERTOOLS_LOG_LEVEL         = var.log_level
      LOG_LEVEL                    = var.log_level
      ACOGIDA_ENVIRONMENT          = var.environment
      FORECASTS_TABLE              = aws_dynamodb_table.forecasts.name
      REPORTS_BUCKET               = var.reports_bucket_name
      PIPELINE_NAME                = var.pipeline_enabled ? local.pipeline_name : ""
      REPORT_LINK_TTL_SECONDS      = tostring(var.report_link_ttl_seconds)
      MAX_FORECAST_DAYS            = "90"
    }
  }
}
