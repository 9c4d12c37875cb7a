# Plan-and-apply against a mock AWS provider: what module ml asks AWS for, offline, with the
# pipeline on (as on AWS) and off (as in local mode). The real apply of everything but the
# pipeline against moto is tests/integration/test_local_apply.py.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-south-2" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  # The image scripts/push.sh pushed at each tag.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-south-2:123456789012:log-group:mock-group" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:eu-south-2:123456789012:repository/mock"
      repository_url = "123456789012.dkr.ecr.eu-south-2.amazonaws.com/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-south-2:123456789012:function:mock"
      invoke_arn = "arn:aws:apigateway:eu-south-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-south-2:123456789012:function:mock/invocations"
    }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-forecasts" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-south-2:123456789012:acogida-test-forecast-published" }
  }
  mock_resource "aws_ses_email_identity" {
    defaults = { arn = "arn:aws:ses:eu-south-2:123456789012:identity/informes@acogida.example" }
  }
  mock_resource "aws_codestarconnections_connection" {
    defaults = { arn = "arn:aws:codestar-connections:eu-south-2:123456789012:connection/00000000-0000-4000-8000-00000000c0de" }
  }
  mock_resource "aws_codebuild_project" {
    defaults = { arn = "arn:aws:codebuild:eu-south-2:123456789012:project/mock" }
  }
  mock_resource "aws_codepipeline" {
    defaults = { arn = "arn:aws:codepipeline:eu-south-2:123456789012:acogida-test-forecast" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-south-2:123456789012:rule/mock-rule" }
  }
}

variables {
  name_prefix           = "acogida-test"
  environment           = "test"
  artifacts_bucket_name = "acogida-test-artifacts-123456789012"
  curated_bucket_name   = "acogida-test-curated-123456789012"
  curated_demand_key    = "demand/forecast_import/"
  reports_bucket_name   = "acogida-test-reports-123456789012"
  glue_job_name         = "acogida-test-workforce-demand"
  s3_kms_key_arn        = "arn:aws:kms:eu-south-2:123456789012:key/00000001-0000-4000-8000-000000000001"
  dynamodb_kms_key_arn  = "arn:aws:kms:eu-south-2:123456789012:key/00000005-0000-4000-8000-000000000005"
  messaging_kms_key_arn = "arn:aws:kms:eu-south-2:123456789012:key/00000004-0000-4000-8000-000000000004"
  lambda_kms_key_arn    = "arn:aws:kms:eu-south-2:123456789012:key/00000006-0000-4000-8000-000000000006"
  logs_kms_key_arn      = "arn:aws:kms:eu-south-2:123456789012:key/00000007-0000-4000-8000-000000000007"
  ecr_kms_key_arn       = "arn:aws:kms:eu-south-2:123456789012:key/00000008-0000-4000-8000-000000000008"
  alerts_topic_arn      = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts"
  api_id                = "mockapi123"
  api_execution_arn     = "arn:aws:execute-api:eu-south-2:123456789012:mockapi123"
  authorizer_id         = "auth42"
  image_tags            = { forecast_api = "intake-0123456789abcdef0123" }
}

# --- The pipeline, as on AWS ------------------------------------------------------------------------

run "pipeline_v2_queued_with_encrypted_artifacts_and_stages_in_order" {
  command = apply

  assert {
    condition = (
      aws_codepipeline.forecast[0].name == "acogida-test-forecast" &&
      aws_codepipeline.forecast[0].pipeline_type == "V2" &&
      aws_codepipeline.forecast[0].execution_mode == "QUEUED"
    )
    error_message = "The pipeline is acogida-<env>-forecast, type V2, one run at a time (QUEUED)."
  }

  assert {
    condition = (
      one(aws_codepipeline.forecast[0].artifact_store).location == var.artifacts_bucket_name &&
      one(one(aws_codepipeline.forecast[0].artifact_store).encryption_key).type == "KMS" &&
      one(one(aws_codepipeline.forecast[0].artifact_store).encryption_key).id == var.s3_kms_key_arn
    )
    error_message = "Artifacts live in the artifacts bucket, encrypted with the s3 key."
  }

  assert {
    condition     = [for stage in aws_codepipeline.forecast[0].stage : stage.name] == ["Source", "Prepare", "Train", "Gate", "Publish"]
    error_message = "Source → Prepare → Train → Gate → Publish, without an approval by default."
  }

  assert {
    condition = [for stage in slice(aws_codepipeline.forecast[0].stage, 1, 5) : one(stage.action).configuration.ProjectName] == [
      "acogida-test-forecast-prepare", "acogida-test-forecast-train", "acogida-test-forecast-gate", "acogida-test-forecast-publish",
    ]
    error_message = "Each build stage runs its own CodeBuild project."
  }

  assert {
    condition = (
      one(aws_codepipeline.forecast[0].stage[0].action).provider == "S3" &&
      one(aws_codepipeline.forecast[0].stage[0].action).configuration == tomap({
        S3Bucket = "acogida-test-artifacts-123456789012", S3ObjectKey = "mlops/source.zip", PollForSourceChanges = "false"
      }) &&
      length(aws_codestarconnections_connection.repository) == 0
    )
    error_message = "The default source is mlops/source.zip in the artifacts bucket, never polled; no connection."
  }

  assert {
    condition = (
      one(aws_codepipeline.forecast[0].stage[2].action).output_artifacts == tolist(["model"]) &&
      one(aws_codepipeline.forecast[0].stage[3].action).input_artifacts == tolist(["source", "model"]) &&
      one(aws_codepipeline.forecast[0].stage[4].action).input_artifacts == tolist(["source", "model"]) &&
      one(aws_codepipeline.forecast[0].stage[3].action).configuration.PrimarySource == "source"
    )
    error_message = "Train outputs model; gate and publish read it beside the repository (primary source)."
  }

  assert {
    condition     = jsondecode(one(aws_codepipeline.forecast[0].stage[4].action).configuration.EnvironmentVariables) == [{ name = "RUN_ID", value = "#{codepipeline.PipelineExecutionId}", type = "PLAINTEXT" }]
    error_message = "Publish gets RUN_ID = the pipeline execution id."
  }

  assert {
    condition     = module.function["forecast_api"].environment_variables.PIPELINE_NAME == "acogida-test-forecast" && output.pipeline_name == "acogida-test-forecast"
    error_message = "The API starts and follows the pipeline by name."
  }
}

run "build_projects_arm_encrypted_logged_with_their_buildspec" {
  command = apply

  assert {
    condition     = toset(keys(aws_codebuild_project.stage)) == toset(["prepare", "train", "gate", "publish"])
    error_message = "One project per build stage."
  }

  assert {
    condition = alltrue([for stage, project in aws_codebuild_project.stage :
      one(project.environment).type == "ARM_CONTAINER" &&
      one(project.environment).image == "aws/codebuild/amazonlinux-aarch64-standard:3.0" &&
      !one(project.environment).privileged_mode &&
      project.encryption_key == var.s3_kms_key_arn &&
      one(project.source).type == "CODEPIPELINE" &&
      one(project.source).buildspec == "src/mlops/buildspec-${stage}.yml" &&
      one(one(project.logs_config).cloudwatch_logs).group_name == "/aws/codebuild/acogida-test-forecast-${stage}" &&
      one(one(project.logs_config).cloudwatch_logs).status == "ENABLED" &&
      project.service_role == aws_iam_role.stage[stage].arn
    ])
    error_message = "Each project: ARM64 standard image, unprivileged, output under the s3 key, its buildspec, its log group, its role."
  }

  assert {
    condition     = alltrue([for group in aws_cloudwatch_log_group.stage : group.kms_key_id == var.logs_kms_key_arn && group.retention_in_days == 365])
    error_message = "The stages' log groups are encrypted with the logs key and kept 365 days."
  }

  assert {
    condition = (
      { for variable in one(aws_codebuild_project.stage["prepare"].environment).environment_variable : variable.name => variable.value } == { GLUE_JOB_NAME = "acogida-test-workforce-demand" } &&
      { for variable in one(aws_codebuild_project.stage["train"].environment).environment_variable : variable.name => variable.value } == {
        CURATED_BUCKET = "acogida-test-curated-123456789012", CURATED_DEMAND_KEY = "demand/forecast_import/", FORECAST_HORIZON_DAYS = "28"
      } &&
      length(one(aws_codebuild_project.stage["gate"].environment).environment_variable) == 0
    )
    error_message = "prepare names the Glue job, train the demand CSV's folder and horizon, gate nothing."
  }

  assert {
    condition = { for variable in one(aws_codebuild_project.stage["publish"].environment).environment_variable : variable.name => variable.value } == {
      FORECASTS_TABLE         = "acogida-test-forecasts"
      REPORTS_BUCKET          = "acogida-test-reports-123456789012"
      S3_KMS_KEY_ARN          = var.s3_kms_key_arn
      FORECAST_TOPIC_ARN      = "arn:aws:sns:eu-south-2:123456789012:acogida-test-forecast-published"
      REPORT_SENDER_EMAIL     = ""
      COORDINATOR_EMAILS_JSON = "{}"
      REPORT_LINK_TTL_SECONDS = "3600"
      FORECAST_TTL_DAYS       = "400"
    }
    error_message = "publish gets the table, bucket, key, topic, sender (empty without one), coordinators, link lifetime and row TTL."
  }

  assert {
    condition = output.stage_environment == {
      prepare = { for variable in one(aws_codebuild_project.stage["prepare"].environment).environment_variable : variable.name => variable.value }
      train   = { for variable in one(aws_codebuild_project.stage["train"].environment).environment_variable : variable.name => variable.value }
      publish = { for variable in one(aws_codebuild_project.stage["publish"].environment).environment_variable : variable.name => variable.value }
    }
    error_message = "stage_environment is exactly what the projects get (acogida mlops run --local reads it)."
  }
}

run "approval_between_gate_and_publish_when_enabled" {
  command = apply

  variables {
    manual_approval_enabled = true
  }

  assert {
    condition     = [for stage in aws_codepipeline.forecast[0].stage : stage.name] == ["Source", "Prepare", "Train", "Gate", "Approval", "Publish"]
    error_message = "The approval sits between the gate and publish."
  }

  assert {
    condition = (
      one(aws_codepipeline.forecast[0].stage[4].action).category == "Approval" &&
      one(aws_codepipeline.forecast[0].stage[4].action).provider == "Manual" &&
      one(aws_codepipeline.forecast[0].stage[4].action).configuration.NotificationArn == module.forecast_published_topic.topic_arn
    )
    error_message = "A manual approval, announced on the forecast topic."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if s.Sid == "NotifyApprovers"]).Resource == module.forecast_published_topic.topic_arn &&
      one([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if s.Sid == "UseMessagingKey"]).Resource == var.messaging_kms_key_arn
    )
    error_message = "The pipeline may publish the approval request on the (encrypted) forecast topic."
  }
}

run "no_approval_no_topic_permission_for_the_pipeline" {
  command = plan

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if contains(flatten([s.Action]), "sns:Publish")]) == 0
    error_message = "Without an approval the pipeline role cannot publish on any topic."
  }
}

run "codestar_connection_source" {
  command = apply

  variables {
    source_provider          = "CodeStarSourceConnection"
    connection_provider_type = "GitLab"
    repository_id            = "cruz-roja/acogida"
    branch_name              = "release"
  }

  assert {
    condition     = length(aws_codestarconnections_connection.repository) == 1 && aws_codestarconnections_connection.repository[0].provider_type == "GitLab"
    error_message = "A GitLab connection is created for the CodeStarSourceConnection source."
  }

  assert {
    condition = (
      one(aws_codepipeline.forecast[0].stage[0].action).provider == "CodeStarSourceConnection" &&
      one(aws_codepipeline.forecast[0].stage[0].action).configuration.ConnectionArn == aws_codestarconnections_connection.repository[0].arn &&
      one(aws_codepipeline.forecast[0].stage[0].action).configuration.FullRepositoryId == "cruz-roja/acogida" &&
      one(aws_codepipeline.forecast[0].stage[0].action).configuration.BranchName == "release" &&
      one(aws_codepipeline.forecast[0].stage[0].action).configuration.DetectChanges == "false"
    )
    error_message = "The source takes the repository's branch through the connection, only when a run is started."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if s.Sid == "UseRepositoryConnection"]).Resource == aws_codestarconnections_connection.repository[0].arn &&
      length([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if s.Sid == "ReadSourceArchive"]) == 0
    )
    error_message = "The pipeline may use this connection and no longer reads the S3 archive."
  }
}

run "codecommit_source_is_a_legacy_option" {
  command = apply

  variables {
    source_provider            = "CodeCommit"
    codecommit_repository_name = "acogida"
  }

  assert {
    condition = (
      one(aws_codepipeline.forecast[0].stage[0].action).provider == "CodeCommit" &&
      one(aws_codepipeline.forecast[0].stage[0].action).configuration.RepositoryName == "acogida" &&
      length(aws_codestarconnections_connection.repository) == 0
    )
    error_message = "CodeCommit reads the named repository, without a connection."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if s.Sid == "PullCodeCommitRepository"]).Resource == "arn:aws:codecommit:eu-south-2:123456789012:acogida"
    error_message = "The pipeline may pull that repository only."
  }
}

# --- Local mode: the pipeline off ------------------------------------------------------------------

run "pipeline_disabled_leaves_out_every_pipeline_resource" {
  command = apply

  variables {
    pipeline_enabled = false
    source_provider  = "CodeStarSourceConnection"
    repository_id    = "cruz-roja/acogida"
  }

  assert {
    condition = (
      length(aws_codepipeline.forecast) == 0 && length(aws_codebuild_project.stage) == 0 &&
      length(aws_iam_role.stage) == 0 && length(aws_iam_role.pipeline) == 0 &&
      length(aws_cloudwatch_log_group.stage) == 0 && length(aws_codestarconnections_connection.repository) == 0 &&
      length(aws_cloudwatch_event_rule.pipeline_failed) == 0
    )
    error_message = "Without the pipeline: no pipeline, projects, their roles and log groups, connection or rule."
  }

  assert {
    condition     = module.function["forecast_api"].environment_variables.PIPELINE_NAME == "" && output.pipeline_name == null && length(output.pipeline_stage_names) == 0
    error_message = "The API gets an empty PIPELINE_NAME."
  }

  assert {
    condition     = length([for s in jsondecode(module.function["forecast_api"].policy_json).Statement : s if length([for action in flatten([s.Action]) : action if startswith(action, "codepipeline:")]) > 0]) == 0
    error_message = "Without the pipeline the API's role has no CodePipeline permission."
  }

  assert {
    condition     = aws_dynamodb_table.forecasts.name == "acogida-test-forecasts" && length(aws_apigatewayv2_route.forecast_api) == 4 && output.stage_environment.prepare.GLUE_JOB_NAME == var.glue_job_name
    error_message = "The table, the function and its routes (and the stage environment for local runs) remain."
  }
}

# --- Store, notices, API ----------------------------------------------------------------------------

run "forecasts_table_keys_ttl_pitr_cmk" {
  command = apply

  assert {
    condition = (
      aws_dynamodb_table.forecasts.hash_key == "series" && aws_dynamodb_table.forecasts.range_key == "date" &&
      aws_dynamodb_table.forecasts.billing_mode == "PAY_PER_REQUEST" &&
      toset([for a in aws_dynamodb_table.forecasts.attribute : "${a.name}:${a.type}"]) == toset(["series:S", "date:S"])
    )
    error_message = "series (S) and date (S) key the table, on demand."
  }

  assert {
    condition = (
      one(aws_dynamodb_table.forecasts.ttl).attribute_name == "expires_at" && one(aws_dynamodb_table.forecasts.ttl).enabled &&
      one(aws_dynamodb_table.forecasts.point_in_time_recovery).enabled &&
      one(aws_dynamodb_table.forecasts.server_side_encryption).kms_key_arn == var.dynamodb_kms_key_arn &&
      aws_dynamodb_table.forecasts.deletion_protection_enabled
    )
    error_message = "Old rows expire by expires_at; PITR, the dynamodb key and deletion protection."
  }

  assert {
    condition     = module.forecast_published_topic.topic_name == "acogida-test-forecast-published" && module.forecast_published_topic.kms_key_arn == var.messaging_kms_key_arn
    error_message = "The forecast topic is encrypted with the messaging key."
  }

  assert {
    condition     = length(aws_ses_email_identity.report_sender) == 0 && length(module.forecast_published_topic.email_endpoints) == 0
    error_message = "No sender, no SES identity; no addresses, no subscriptions."
  }
}

run "routes_behind_the_jwt_authorizer_and_scoped_permissions" {
  command = apply

  assert {
    condition     = output.api_routes == tolist(["GET /forecast", "GET /mlops/runs/{run_id}", "GET /reports", "POST /mlops/runs"])
    error_message = "The four forecast routes, sorted."
  }

  assert {
    condition = alltrue([for route in aws_apigatewayv2_route.forecast_api :
      route.api_id == var.api_id && route.authorization_type == "JWT" && route.authorizer_id == var.authorizer_id &&
      route.target == "integrations/${aws_apigatewayv2_integration.forecast_api.id}"
    ])
    error_message = "Every route requires the Cognito JWT and proxies to forecast_api."
  }

  assert {
    condition     = aws_apigatewayv2_integration.forecast_api.integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.forecast_api.payload_format_version == "2.0"
    error_message = "AWS_PROXY integration, payload format 2.0."
  }

  assert {
    condition = toset([for permission in aws_lambda_permission.api : permission.source_arn]) == toset([
      "arn:aws:execute-api:eu-south-2:123456789012:mockapi123/*/GET/forecast",
      "arn:aws:execute-api:eu-south-2:123456789012:mockapi123/*/GET/reports",
      "arn:aws:execute-api:eu-south-2:123456789012:mockapi123/*/POST/mlops/runs",
      "arn:aws:execute-api:eu-south-2:123456789012:mockapi123/*/GET/mlops/runs/*",
    ])
    error_message = "API Gateway may invoke the function for these four routes only."
  }

  assert {
    condition = (
      module.function["forecast_api"].image_command == tolist(["acogida.handlers.forecast_api.handler"]) &&
      module.function["forecast_api"].environment_variables == tomap({
        POWERTOOLS_SERVICE_NAME      = "forecast_api"
        POWERTOOLS_METRICS_NAMESPACE = "Acogida"
        POWERTOOLS_LOG_LEVEL         = "INFO"
        LOG_LEVEL                    = "INFO"
        ACOGIDA_ENVIRONMENT          = "test"
        FORECASTS_TABLE              = "acogida-test-forecasts"
        REPORTS_BUCKET               = "acogida-test-reports-123456789012"
        PIPELINE_NAME                = "acogida-test-forecast"
        REPORT_LINK_TTL_SECONDS      = "3600"
        MAX_FORECAST_DAYS            = "90"
      })
    )
    error_message = "forecast_api runs acogida.handlers.forecast_api.handler with the contract's environment."
  }
}

run "sender_and_coordinators_reach_publish" {
  command = apply

  variables {
    report_sender_email = "informes@acogida.example"
    coordinator_emails  = { getafe = ["coordinacion.getafe@acogida.example"], madrid_centro = ["a@acogida.example", "b@acogida.example"] }
    notification_emails = ["mlops@acogida.example"]
  }

  assert {
    condition     = aws_ses_email_identity.report_sender[0].email == "informes@acogida.example" && module.forecast_published_topic.email_endpoints == tolist(["mlops@acogida.example"])
    error_message = "The sender gets an SES identity; the topic an e-mail subscription."
  }

  assert {
    condition = (
      output.stage_environment.publish.REPORT_SENDER_EMAIL == "informes@acogida.example" &&
      jsondecode(output.stage_environment.publish.COORDINATOR_EMAILS_JSON) == { getafe = ["coordinacion.getafe@acogida.example"], madrid_centro = ["a@acogida.example", "b@acogida.example"] }
    )
    error_message = "publish knows the sender and each office's coordinators."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.stage["publish"].policy).Statement : s if s.Sid == "MailCoordinators"]).Resource == aws_ses_email_identity.report_sender[0].arn &&
      one([for s in jsondecode(aws_iam_role_policy.stage["publish"].policy).Statement : s if s.Sid == "MailCoordinators"]).Condition.StringEquals["ses:FromAddress"] == "informes@acogida.example"
    )
    error_message = "publish may send only as the sender identity."
  }
}

# --- Least privilege ------------------------------------------------------------------------------

run "each_role_may_do_only_its_stage" {
  command = apply

  variables {
    report_sender_email = "informes@acogida.example"
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.stage["prepare"].policy).Statement : s if s.Sid == "RunWorkforceDemandJob"]).Resource == "arn:aws:glue:eu-south-2:123456789012:job/acogida-test-workforce-demand" &&
      length([for s in jsondecode(aws_iam_role_policy.stage["prepare"].policy).Statement : s if length([for a in flatten([s.Action]) : a if startswith(a, "glue:")]) > 0]) == 1
    )
    error_message = "prepare may start and read runs of the workforce_demand job only."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.stage["train"].policy).Statement : s if s.Sid == "ReadDemandSeries"]).Resource == "arn:aws:s3:::acogida-test-curated-123456789012/demand/forecast_import/*" &&
      one([for s in jsondecode(aws_iam_role_policy.stage["train"].policy).Statement : s if s.Sid == "WriteModelArtifact"]).Resource == "arn:aws:s3:::acogida-test-artifacts-123456789012/acogida-test-forecas*"
    )
    error_message = "train reads the demand CSV's folder and writes only the pipeline's artifacts."
  }

  assert {
    condition = toset([for s in jsondecode(aws_iam_role_policy.stage["gate"].policy).Statement : s.Sid]) == toset([
      "WriteOwnLogGroup", "ReadPipelineArtifacts", "LocateArtifactsBucket", "DecryptArtifacts",
    ])
    error_message = "gate reads its artifacts and writes its logs, nothing else."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.stage["publish"].policy).Statement : s if s.Sid == "WriteForecastRows"]).Resource == aws_dynamodb_table.forecasts.arn &&
      one([for s in jsondecode(aws_iam_role_policy.stage["publish"].policy).Statement : s if s.Sid == "WriteReports"]).Resource == "arn:aws:s3:::acogida-test-reports-123456789012/reports/*" &&
      one([for s in jsondecode(aws_iam_role_policy.stage["publish"].policy).Statement : s if s.Sid == "AnnouncePublication"]).Resource == module.forecast_published_topic.topic_arn
    )
    error_message = "publish writes the forecasts table, reports/ and the forecast topic."
  }

  assert {
    condition = alltrue(flatten([for stage, policy in aws_iam_role_policy.stage : [
      for s in jsondecode(policy.policy).Statement : s.Sid != "WriteOwnLogGroup" || s.Resource == "arn:aws:logs:eu-south-2:123456789012:log-group:/aws/codebuild/acogida-test-forecast-${stage}:*"
    ]]))
    error_message = "Each stage writes only its own log group."
  }

  assert {
    condition = alltrue(flatten([for policy in concat(
      [for p in aws_iam_role_policy.stage : p.policy], [aws_iam_role_policy.pipeline[0].policy], [module.function["forecast_api"].policy_json],
      ) : [for s in jsondecode(policy).Statement : [
        for action in flatten([s.Action]) : !strcontains(action, "*")
    ]]]))
    error_message = "No action anywhere has a wildcard."
  }

  assert {
    condition = alltrue(flatten([for policy in concat([for p in aws_iam_role_policy.stage : p.policy], [aws_iam_role_policy.pipeline[0].policy]) : [
      for s in jsondecode(policy).Statement : s.Resource != "*"
    ]]))
    error_message = "No stage or pipeline statement names Resource \"*\"."
  }

  assert {
    condition = alltrue([for stage, role in aws_iam_role.stage :
      jsondecode(role.assume_role_policy).Statement[0].Principal == { Service = "codebuild.amazonaws.com" } &&
      jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceArn"] == "arn:aws:codebuild:eu-south-2:123456789012:project/acogida-test-forecast-${stage}"
    ])
    error_message = "Each stage role is trusted by CodeBuild for its own project only."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.pipeline[0].assume_role_policy).Statement[0].Principal == { Service = "codepipeline.amazonaws.com" } &&
      jsondecode(aws_iam_role.pipeline[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceArn"] == "arn:aws:codepipeline:eu-south-2:123456789012:acogida-test-forecast"
    )
    error_message = "The pipeline role is trusted by CodePipeline for this pipeline only."
  }

  assert {
    condition = (
      toset(one([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if s.Sid == "RunStageBuilds"]).Resource) == toset([
        for stage in ["prepare", "train", "gate", "publish"] : "arn:aws:codebuild:eu-south-2:123456789012:project/acogida-test-forecast-${stage}"
      ]) &&
      one([for s in jsondecode(aws_iam_role_policy.pipeline[0].policy).Statement : s if s.Sid == "ReadSourceArchive"]).Resource == "arn:aws:s3:::acogida-test-artifacts-123456789012/mlops/source.zip"
    )
    error_message = "The pipeline starts its four projects and reads the source archive only."
  }

  assert {
    condition = (
      one([for s in jsondecode(module.function["forecast_api"].policy_json).Statement : s if s.Sid == "StartAndFollowRuns"]).Resource == "arn:aws:codepipeline:eu-south-2:123456789012:acogida-test-forecast" &&
      one([for s in jsondecode(module.function["forecast_api"].policy_json).Statement : s if s.Sid == "ReadForecasts"]).Resource == aws_dynamodb_table.forecasts.arn &&
      one([for s in jsondecode(module.function["forecast_api"].policy_json).Statement : s if s.Sid == "ListReports"]).Condition.StringLike["s3:prefix"] == ["reports/", "reports/*"] &&
      one([for s in jsondecode(module.function["forecast_api"].policy_json).Statement : s if s.Sid == "ReadReports"]).Resource == "arn:aws:s3:::acogida-test-reports-123456789012/reports/*" &&
      length([for s in jsondecode(module.function["forecast_api"].policy_json).Statement : s if contains(flatten([s.Action]), "dynamodb:PutItem")]) == 0
    )
    error_message = "The API reads forecasts and reports/, starts and follows this pipeline, and writes nothing."
  }
}

# --- Validation -----------------------------------------------------------------------------------

run "rejects_unknown_source_provider" {
  command = plan

  variables {
    source_provider = "GitHub"
  }

  expect_failures = [var.source_provider]
}

run "connection_source_needs_a_repository" {
  command = plan

  variables {
    source_provider = "CodeStarSourceConnection"
  }

  expect_failures = [var.repository_id]
}

run "codecommit_source_needs_a_repository" {
  command = plan

  variables {
    source_provider = "CodeCommit"
  }

  expect_failures = [var.codecommit_repository_name]
}

run "rejects_malformed_coordinator_emails" {
  command = plan

  variables {
    report_sender_email = "informes@acogida.example"
    coordinator_emails  = { Getafe = ["coordinacion"], madrid = [] }
  }

  expect_failures = [var.coordinator_emails]
}

run "coordinators_need_a_sender" {
  command = plan

  variables {
    coordinator_emails = { getafe = ["coordinacion.getafe@acogida.example"] }
  }

  expect_failures = [var.coordinator_emails]
}

run "rejects_horizon_beyond_what_the_api_answers" {
  command = plan

  variables {
    forecast_horizon_days = 120
  }

  expect_failures = [var.forecast_horizon_days]
}

run "rejects_demand_key_that_is_not_a_folder" {
  command = plan

  variables {
    curated_demand_key = "demand/forecast_import/part-00000.csv"
  }

  expect_failures = [var.curated_demand_key]
}

run "rejects_compute_arm_does_not_offer" {
  command = plan

  variables {
    train_compute_type = "BUILD_GENERAL1_2XLARGE"
  }

  expect_failures = [var.train_compute_type]
}

run "forecast_api_runs_its_image_by_digest" {
  command = apply

  assert {
    condition     = module.function["forecast_api"].image_tag == "intake-0123456789abcdef0123" && output.function_image_uris["forecast_api"] == "${module.function["forecast_api"].repository_url}@sha256:abababababababababababababababababababababababababababababababab"
    error_message = "forecast_api runs, by digest, the image its tag names in its own repository."
  }
}

run "rejects_latest_image_tag" {
  command = plan

  variables {
    image_tags = { forecast_api = "latest" }
  }

  expect_failures = [var.image_tags]
}
