# Plan-and-apply against a mock AWS provider: what module bi asks AWS for, offline. The real
# apply against moto is tests/integration/test_local_apply.py. The job's code paths point at files
# of the repository (the package is any zip: the mock never reads it).

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
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-south-2:123456789012:mock-queue"
      id  = "https://sqs.eu-south-2.amazonaws.com/123456789012/mock-queue"
      url = "https://sqs.eu-south-2.amazonaws.com/123456789012/mock-queue"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-south-2:123456789012:acogida-test-bulk-uploads" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-south-2:123456789012:secret:acogida-test/pseudonymisation-key-AbCdEf" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-south-2:123456789012:rule/mock-rule" }
  }
  mock_resource "aws_quicksight_group" {
    defaults = { arn = "arn:aws:quicksight:eu-south-2:123456789012:group/default/acogida-test-analysts" }
  }
  mock_resource "aws_quicksight_data_source" {
    defaults = { arn = "arn:aws:quicksight:eu-south-2:123456789012:datasource/acogida-test-lake" }
  }
  mock_resource "aws_quicksight_data_set" {
    defaults = { arn = "arn:aws:quicksight:eu-south-2:123456789012:dataset/mock" }
  }
}

variables {
  name_prefix                = "acogida-test"
  environment                = "test"
  raw_bucket_name            = "acogida-test-raw-123456789012"
  curated_bucket_name        = "acogida-test-curated-123456789012"
  artifacts_bucket_name      = "acogida-test-artifacts-123456789012"
  athena_results_bucket_name = "acogida-test-athena-results-123456789012"
  intakes_stream_arn         = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-intakes/stream/2026-11-23T00:00:00.000"
  s3_kms_key_arn             = "arn:aws:kms:eu-south-2:123456789012:key/00000001-0000-4000-8000-000000000001"
  analytics_kms_key_arn      = "arn:aws:kms:eu-south-2:123456789012:key/00000002-0000-4000-8000-000000000002"
  secrets_kms_key_arn        = "arn:aws:kms:eu-south-2:123456789012:key/00000003-0000-4000-8000-000000000003"
  messaging_kms_key_arn      = "arn:aws:kms:eu-south-2:123456789012:key/00000004-0000-4000-8000-000000000004"
  dynamodb_kms_key_arn       = "arn:aws:kms:eu-south-2:123456789012:key/00000005-0000-4000-8000-000000000005"
  lambda_kms_key_arn         = "arn:aws:kms:eu-south-2:123456789012:key/00000006-0000-4000-8000-000000000006"
  logs_kms_key_arn           = "arn:aws:kms:eu-south-2:123456789012:key/00000007-0000-4000-8000-000000000007"
  ecr_kms_key_arn            = "arn:aws:kms:eu-south-2:123456789012:key/00000008-0000-4000-8000-000000000008"
  alerts_topic_arn           = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts"
  image_tags                 = { export_submissions = "intake-0123456789abcdef0123", bulk_upload = "analytics-0123456789abcdef0123" }
  glue_job_script_path       = "../../../src/glue-jobs/workforce_demand/job.py"
  glue_package_path          = "../../../build/glue/acogida-glue.zip"
  audit_bucket_name          = "acogida-test-audit-123456789012"
  audit_kms_key_arn          = "arn:aws:kms:eu-south-2:123456789012:key/00000009-0000-4000-8000-000000000009"
}

run "pseudonymisation_secret_under_the_secrets_key_without_a_value_in_state" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret.pseudonymisation.kms_key_id == var.secrets_kms_key_arn && aws_secretsmanager_secret.pseudonymisation.recovery_window_in_days == 30
    error_message = "The secret is encrypted with the secrets key and recoverable for 30 days."
  }
}

run "export_reads_only_submitted_records_with_partial_failures_and_a_dlq" {
  command = apply

  assert {
    condition = (
      aws_lambda_event_source_mapping.intakes_stream.event_source_arn == var.intakes_stream_arn &&
      aws_lambda_event_source_mapping.intakes_stream.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.intakes_stream.bisect_batch_on_function_error &&
      aws_lambda_event_source_mapping.intakes_stream.enabled
    )
    error_message = "The stream feeds export_submissions in batches, reporting failed records, halving failing batches."
  }

  assert {
    condition     = jsondecode(one(one(aws_lambda_event_source_mapping.intakes_stream.filter_criteria).filter).pattern) == { dynamodb = { NewImage = { status = { S = ["submitted"] } } } }
    error_message = "Only records whose new image is a submitted intake invoke the export."
  }

  assert {
    condition     = one(one(aws_lambda_event_source_mapping.intakes_stream.destination_config).on_failure).destination_arn == aws_sqs_queue.export_dlq.arn
    error_message = "Records that keep failing are described in the export DLQ."
  }

  assert {
    condition = (
      module.function["export_submissions"].environment_variables.RAW_BUCKET == var.raw_bucket_name &&
      module.function["export_submissions"].environment_variables.RAW_KMS_KEY_ARN == var.s3_kms_key_arn &&
      module.function["export_submissions"].environment_variables.PSEUDONYMISATION_SECRET_ARN == "arn:aws:secretsmanager:eu-south-2:123456789012:secret:acogida-test/pseudonymisation-key-AbCdEf"
    )
    error_message = "The export writes to the raw bucket under the s3 key and reads the pseudonymisation secret."
  }
}

run "functions_may_do_only_their_job" {
  command = apply

  assert {
    condition = (
      one([for s in jsondecode(module.function["export_submissions"].policy_json).Statement : s if s.Sid == "WriteSubmissions"]).Resource == "arn:aws:s3:::acogida-test-raw-123456789012/submissions/*" &&
      length([for s in jsondecode(module.function["export_submissions"].policy_json).Statement : s if contains(flatten([s.Action]), "s3:GetObject")]) == 0
    )
    error_message = "The export only puts objects under raw/submissions/ and reads none."
  }

  assert {
    condition = [for s in jsondecode(module.function["export_submissions"].policy_json).Statement : [s.Action, s.Resource]
      if strcontains(jsonencode(s.Resource), "acogida-test-audit-") || strcontains(jsonencode(s.Resource), "00000009-0000")] == [
      [["s3:PutObject"], "arn:aws:s3:::acogida-test-audit-123456789012/events/*"],
      [["kms:GenerateDataKey"], "arn:aws:kms:eu-south-2:123456789012:key/00000009-0000-4000-8000-000000000009"],
    ]
    error_message = "The export only puts audit events (no read, no delete, no BypassGovernanceRetention) under the audit key."
  }

  assert {
    condition = (
      module.function["export_submissions"].environment_variables.AUDIT_BUCKET == "acogida-test-audit-123456789012" &&
      !contains(keys(module.function["bulk_upload"].environment_variables), "AUDIT_BUCKET") &&
      length([for s in jsondecode(module.function["bulk_upload"].policy_json).Statement : s if strcontains(jsonencode(s.Resource), "acogida-test-audit-")]) == 0
    )
    error_message = "Only the export (which acts on a person's record) writes audit events; bulk_upload has no access."
  }

  assert {
    condition = (
      one([for s in jsondecode(module.function["bulk_upload"].policy_json).Statement : s if s.Sid == "ReadAndDeleteUploads"]).Resource == "arn:aws:s3:::acogida-test-raw-123456789012/uploads/*" &&
      toset(one([for s in jsondecode(module.function["bulk_upload"].policy_json).Statement : s if s.Sid == "WriteSubmissionsAndReports"]).Resource) == toset(["arn:aws:s3:::acogida-test-raw-123456789012/submissions/*", "arn:aws:s3:::acogida-test-raw-123456789012/rejected/*"])
    )
    error_message = "bulk_upload reads and deletes only uploads/, writes only submissions/ and rejected/."
  }

  assert {
    condition = alltrue(flatten([for name in ["export_submissions", "bulk_upload"] : [
      for s in jsondecode(module.function[name].policy_json).Statement : s.Resource != "*" || s.Sid == "UploadTraces"
    ]]))
    error_message = "No function statement but X-Ray's names Resource \"*\"."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.glue.policy).Statement : s.Resource != "*" || (s.Sid == "PublishGlueMetrics" && try(s.Condition.StringEquals["cloudwatch:namespace"], "") == "Glue")])
    error_message = "The Glue role's only Resource \"*\" is PutMetricData, limited to the Glue namespace."
  }

  assert {
    condition     = jsondecode(aws_iam_role.glue.assume_role_policy).Statement[0].Principal.Service == "glue.amazonaws.com" && jsondecode(aws_iam_role.glue.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Only Glue of this account assumes the Glue role."
  }
}

run "uploads_notify_a_queue_that_feeds_bulk_upload" {
  command = apply

  assert {
    condition = (
      one(aws_s3_bucket_notification.raw.queue).filter_prefix == "uploads/" &&
      one(aws_s3_bucket_notification.raw.queue).queue_arn == module.bulk_uploads_queue.queue_arn &&
      aws_lambda_event_source_mapping.bulk_uploads.event_source_arn == module.bulk_uploads_queue.queue_arn &&
      aws_lambda_event_source_mapping.bulk_uploads.batch_size == 1
    )
    error_message = "Objects created under raw/uploads/ notify the bulk-uploads queue, one upload per invocation."
  }

  assert {
    condition = (
      one([for s in jsondecode(module.bulk_uploads_queue.queue_policy_json).Statement : s if s.Sid == "RawBucketNotifiesUploads"]).Condition.ArnEquals["aws:SourceArn"] == "arn:aws:s3:::acogida-test-raw-123456789012" &&
      one([for s in jsondecode(module.bulk_uploads_queue.queue_policy_json).Statement : s if s.Sid == "RawBucketNotifiesUploads"]).Principal == { Service = "s3.amazonaws.com" } &&
      module.bulk_uploads_queue.queue_name == "acogida-test-bulk-uploads" && module.bulk_uploads_queue.dlq_name == "acogida-test-bulk-uploads-dlq" &&
      module.bulk_uploads_queue.max_receive_count == 5 &&
      module.bulk_uploads_queue.visibility_timeout_seconds == 1800 &&
      module.bulk_uploads_queue.kms_key_arn == var.messaging_kms_key_arn
    )
    error_message = "Only the raw bucket sends; five receives then the DLQ; visibility six times the timeout; encrypted."
  }

  assert {
    condition     = module.function["bulk_upload"].environment_variables.OFFICE_TIMEZONE == "Europe/Madrid" && module.function["bulk_upload"].environment_variables.UPLOADS_TOPIC_ARN == module.uploads_topic.topic_arn
    error_message = "bulk_upload reads naive times in the offices' zone and announces outcomes on the uploads topic."
  }

  assert {
    condition = (module.uploads_topic.topic_name == "acogida-test-bulk-uploads" && module.uploads_topic.kms_key_arn == var.messaging_kms_key_arn &&
      [for s in jsondecode(module.uploads_topic.policy_json).Statement : s.Sid] == ["AccountManagesTheTopic", "DenyRequestsWithoutTls"] &&
    output.bulk_uploads_topic_arn == module.uploads_topic.topic_arn)
    error_message = "The uploads topic is encrypted with the messaging key; only this account uses it, never over plain HTTP."
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.dlq_depth)) == toset(["export_submissions", "bulk_uploads"]) && aws_cloudwatch_metric_alarm.dlq_depth["bulk_uploads"].dimensions.QueueName == "acogida-test-bulk-uploads-dlq"
    error_message = "Each DLQ (the export's and the uploads queue's) has a depth alarm."
  }
}

run "glue_encrypts_everything_and_keeps_bookmarks" {
  command = apply

  assert {
    condition = (
      one(one(aws_glue_security_configuration.lake.encryption_configuration).s3_encryption).s3_encryption_mode == "SSE-KMS" &&
      one(one(aws_glue_security_configuration.lake.encryption_configuration).cloudwatch_encryption).cloudwatch_encryption_mode == "SSE-KMS" &&
      one(one(aws_glue_security_configuration.lake.encryption_configuration).job_bookmarks_encryption).job_bookmarks_encryption_mode == "CSE-KMS"
    )
    error_message = "The security configuration encrypts S3 output, logs and job bookmarks with KMS."
  }

  assert {
    condition = (
      aws_glue_job.workforce_demand.glue_version == "5.0" &&
      aws_glue_job.workforce_demand.default_arguments["--job-bookmark-option"] == "job-bookmark-enable" &&
      aws_glue_job.workforce_demand.default_arguments["--raw_path"] == "s3://acogida-test-raw-123456789012/submissions/" &&
      aws_glue_job.workforce_demand.default_arguments["--extra-py-files"] == "s3://acogida-test-artifacts-123456789012/glue/code/acogida-glue.zip" &&
      aws_glue_job.workforce_demand.security_configuration == aws_glue_security_configuration.lake.name &&
      one(aws_glue_job.workforce_demand.execution_property).max_concurrent_runs == 1
    )
    error_message = "The Spark job runs Glue 5.0 with bookmarks, the packaged transformation and the security configuration, one run at a time."
  }

  assert {
    condition = (
      one(aws_glue_crawler.submissions.s3_target).path == "s3://acogida-test-raw-123456789012/submissions/" &&
      aws_glue_crawler.submissions.schedule == "cron(30 1 * * ? *)" &&
      aws_glue_crawler.submissions.security_configuration == aws_glue_security_configuration.lake.name
    )
    error_message = "The crawler catalogues raw/submissions/ on a schedule, encrypted."
  }

  assert {
    condition     = [for column in one(aws_glue_catalog_table.workforce_demand.storage_descriptor).columns : column.name] == ["timestamp", "workforce_type", "workforce_demand", "location"]
    error_message = "The demand table has the Forecast WORK_FORCE target schema, in order."
  }
}

run "athena_results_encrypted_and_configuration_enforced" {
  command = apply

  assert {
    condition = (
      one(aws_athena_workgroup.analytics.configuration).enforce_workgroup_configuration &&
      one(one(one(aws_athena_workgroup.analytics.configuration).result_configuration).encryption_configuration).encryption_option == "SSE_KMS" &&
      one(one(one(aws_athena_workgroup.analytics.configuration).result_configuration).encryption_configuration).kms_key_arn == var.analytics_kms_key_arn
    )
    error_message = "Results are SSE-KMS under the analytics key and clients cannot override the workgroup."
  }

  assert {
    condition     = toset(keys(aws_athena_named_query.analyst)) == toset(["intakes_per_week_and_need", "intakes_per_office", "intakes_per_nationality", "demand_per_week"])
    error_message = "The analyst starts from intakes per week and need, per office, per nationality, and demand per week."
  }
}

run "quicksight_off_by_default" {
  command = plan

  assert {
    condition     = length(aws_quicksight_data_source.athena) == 0 && length(aws_quicksight_data_set.lake) == 0 && length(aws_quicksight_dashboard.coordinator) == 0
    error_message = "Without quicksight_enabled nothing of QuickSight is created."
  }
}

run "quicksight_dashboard_for_the_analysts_group" {
  command = apply

  variables {
    quicksight_enabled = true
  }

  assert {
    condition     = toset(keys(aws_quicksight_data_set.lake)) == toset(["submissions", "demand", "forecasts"])
    error_message = "Datasets over submissions, demand and published forecasts."
  }

  assert {
    condition     = alltrue([for data_set in aws_quicksight_data_set.lake : one(data_set.permissions).principal == aws_quicksight_group.analysts[0].arn])
    error_message = "The analysts group reads every dataset."
  }

  assert {
    condition     = length(one(one(aws_quicksight_dashboard.coordinator[0].definition).sheets).visuals) == 3
    error_message = "The coordinator dashboard shows demand, intakes per office and the forecast band."
  }
}

run "names_are_validated" {
  command = plan

  variables {
    name_prefix = "Acogida_Test"
  }

  expect_failures = [var.name_prefix]
}

run "each_function_runs_its_image_by_digest" {
  command = apply

  assert {
    condition = (module.function["export_submissions"].image_tag == "intake-0123456789abcdef0123" && module.function["bulk_upload"].image_tag == "analytics-0123456789abcdef0123" &&
    alltrue([for name, uri in output.function_image_uris : uri == "${module.function[name].repository_url}@sha256:abababababababababababababababababababababababababababababababab"]))
    error_message = "export_submissions runs the intake image, bulk_upload the analytics image, each by the digest its tag has in its own repository."
  }
}

run "rejects_a_function_without_image_tag" {
  command = plan

  variables {
    image_tags = { export_submissions = "intake-0123456789abcdef0123" }
  }

  expect_failures = [var.image_tags]
}

run "audit_events_are_an_athena_table_over_events" {
  command = apply

  assert {
    condition     = aws_glue_catalog_table.audit_events.storage_descriptor[0].location == "s3://acogida-test-audit-123456789012/events/"
    error_message = "The audit_events table reads every object under the audit bucket's events/."
  }

  assert {
    condition     = aws_glue_catalog_table.audit_events.storage_descriptor[0].ser_de_info[0].serialization_library == "org.openx.data.jsonserde.JsonSerDe"
    error_message = "Events are JSON lines (the OpenX JSON SerDe)."
  }

  assert {
    condition = [for column in aws_glue_catalog_table.audit_events.storage_descriptor[0].columns : column.name] == [
      "event_id", "at", "action", "outcome", "actor", "actor_groups", "actor_office", "intake_id", "office", "source", "request_id", "details",
    ]
    error_message = "The table's columns are the fields of AuditEvent.to_json."
  }

  assert {
    condition     = alltrue([for query in aws_athena_named_query.audit : query.workgroup == aws_athena_workgroup.analytics.id && strcontains(query.query, "audit_events")])
    error_message = "The audit named queries run in the analytics workgroup over audit_events."
  }
}
