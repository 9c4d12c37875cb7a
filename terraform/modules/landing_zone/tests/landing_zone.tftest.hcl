# Plan-and-apply against a mock AWS provider: checks what the module asks AWS for, offline.

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
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-south-2:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-south-2:123456789012:mock-topic" }
  }
}

variables {
  name_prefix                       = "acogida-test"
  transcript_retention_days         = 7
  submitted_intake_retention_days   = 1826
  lake_retention_days               = 730
  noncurrent_version_retention_days = 14
  athena_results_retention_days     = 30
}

run "keys_one_per_service_rotated_and_scoped" {
  command = apply

  assert {
    condition     = toset(keys(aws_kms_key.this)) == toset(["s3", "dynamodb", "logs", "lambda", "ecr", "messaging", "analytics", "language", "secrets"])
    error_message = "There must be one customer-managed key per service."
  }

  assert {
    condition     = alltrue([for key in aws_kms_key.this : key.enable_key_rotation])
    error_message = "Every key must rotate."
  }

  assert {
    condition     = alltrue([for name, alias in aws_kms_alias.this : alias.name == "alias/acogida-test-${name}"])
    error_message = "Aliases are alias/<name_prefix>-<service>."
  }

  assert {
    condition = contains(
      one([for statement in jsondecode(aws_kms_key.this["dynamodb"].policy).Statement : statement if statement.Sid == "UseOnlyThroughTheNamedServices"]).Condition.StringEquals["kms:ViaService"],
      "dynamodb.eu-south-2.amazonaws.com",
    )
    error_message = "The DynamoDB key is usable only through DynamoDB."
  }

  assert {
    condition     = one([for statement in jsondecode(aws_kms_key.this["logs"].policy).Statement : statement if statement.Sid == "CloudWatchLogsEncryptsThisEnvironmentsLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:eu-south-2:123456789012:log-group:*/acogida-test-*"
    error_message = "CloudWatch Logs of the region may use the logs key only for this environment's log groups."
  }

  assert {
    condition     = one([for statement in jsondecode(aws_kms_key.this["language"].policy).Statement : statement if statement.Sid == "UseOnlyThroughTheNamedServices"]).Condition.StringEquals["kms:ViaService"] == ["s3.eu-south-2.amazonaws.com"]
    error_message = "The language key serves the transcripts bucket only: Transcribe and Comprehend are not offered in the home region."
  }

  assert {
    condition = (
      { for statement in jsondecode(aws_kms_key.this["messaging"].policy).Statement : statement.Sid => [statement.Principal.Service, statement.Condition.StringLike] if can(statement.Principal.Service) } == {
        AlarmsPublishToTheAlertsTopic                = ["cloudwatch.amazonaws.com", { "kms:EncryptionContext:aws:sns:topicArn" = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts" }]
        FailureRulesPublishToTheAlertsTopic          = ["events.amazonaws.com", { "kms:EncryptionContext:aws:sns:topicArn" = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts" }]
        BucketNotificationsIntoTheEnvironmentsQueues = ["s3.amazonaws.com", { "kms:EncryptionContext:aws:sqs:arn" = "arn:aws:sqs:eu-south-2:123456789012:acogida-test-*" }]
      }
    )
    error_message = "Alarms and failure rules may use the messaging key for the alerts topic only, S3 notifications for this environment's queues only."
  }

  assert {
    condition = alltrue([for name, key in aws_kms_key.this : alltrue([
      for statement in jsondecode(key.policy).Statement : statement.Condition.Bool["kms:GrantIsForAWSResource"] == "true"
      if contains(flatten([statement.Action]), "kms:CreateGrant")
    ])])
    error_message = "Grants on a key are only for AWS resources (tables, functions, repositories)."
  }

  assert {
    condition = alltrue([for name, key in aws_kms_key.this : alltrue([
      for statement in jsondecode(key.policy).Statement : !anytrue([for action in flatten([statement.Action]) : strcontains(action, "*")])
      if statement.Sid != "AccountAdministersTheKeyThroughIam"
    ])])
    error_message = "Only the account's administration statement has a wildcard action."
  }

  assert {
    condition     = alltrue([for key in aws_kms_key.this : !strcontains(key.policy, "\"Principal\":\"*\"")])
    error_message = "No key policy may allow a wildcard principal."
  }
}

run "buckets_encrypted_versioned_private_and_logged" {
  command = apply

  assert {
    condition     = toset(keys(output.s3_bucket_names)) == toset(["raw", "curated", "artifacts", "transcripts", "athena-results", "reports", "access-logs"])
    error_message = "The landing zone has exactly the seven buckets of the design."
  }

  assert {
    condition     = alltrue([for role, name in output.s3_bucket_names : name == "acogida-test-${role}-123456789012"])
    error_message = "Bucket names are <name_prefix>-<role>-<account id>."
  }

  assert {
    condition = alltrue([for sse in aws_s3_bucket_server_side_encryption_configuration.this :
    one(sse.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" && one(sse.rule).bucket_key_enabled])
    error_message = "Every data bucket uses SSE-KMS with a bucket key."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this["transcripts"].rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.this["language"].arn
    error_message = "Transcripts are encrypted with the Transcribe/Comprehend key."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.access_logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "The access-log bucket uses SSE-S3, the only encryption S3 log delivery supports."
  }

  assert {
    condition     = alltrue([for versioning in concat(values(aws_s3_bucket_versioning.this), [aws_s3_bucket_versioning.access_logs]) : versioning.versioning_configuration[0].status == "Enabled"])
    error_message = "Every bucket is versioned."
  }

  assert {
    condition = alltrue([for block in concat(values(aws_s3_bucket_public_access_block.this), [aws_s3_bucket_public_access_block.access_logs]) :
    block.block_public_acls && block.block_public_policy && block.ignore_public_acls && block.restrict_public_buckets])
    error_message = "Every bucket blocks all public access."
  }

  assert {
    condition     = alltrue([for name, logging in aws_s3_bucket_logging.this : logging.target_bucket == aws_s3_bucket.access_logs.id && logging.target_prefix == "${name}/"])
    error_message = "Every data bucket logs into access-logs under its own prefix."
  }
}

run "every_bucket_policy_denies_plain_http" {
  command = apply

  assert {
    condition = alltrue([for policy in concat(values(aws_s3_bucket_policy.this), [aws_s3_bucket_policy.access_logs]) :
      anytrue([for statement in jsondecode(policy.policy).Statement :
        statement.Effect == "Deny" && statement.Principal == "*" && statement.Action == "s3:*" &&
    try(statement.Condition.Bool["aws:SecureTransport"], "") == "false"])])
    error_message = "Every bucket policy denies requests without TLS."
  }

  assert {
    condition = anytrue([for statement in jsondecode(module.alerts_topic.policy_json).Statement :
    statement.Effect == "Deny" && try(statement.Condition.Bool["aws:SecureTransport"], "") == "false"])
    error_message = "The alerts topic denies publishing without TLS."
  }
}

run "access_log_bucket_admits_no_load_balancer_by_default" {
  command = apply

  assert {
    condition     = [for statement in jsondecode(output.access_logs_bucket_policy).Statement : statement.Sid] == ["S3LogDeliveryFromThisAccountsBuckets", "DenyRequestsWithoutTls"]
    error_message = "Without load_balancer_log_prefix the access-log bucket admits S3 log delivery only."
  }
}

run "access_log_bucket_admits_the_front_load_balancer_under_its_prefix" {
  command = apply

  variables {
    load_balancer_log_prefix = "alb/acogida-test-front"
  }

  assert {
    condition = [for statement in jsondecode(output.access_logs_bucket_policy).Statement : {
      effect = statement.Effect, principal = statement.Principal, action = statement.Action, resource = statement.Resource
      } if statement.Sid == "LoadBalancerLogDelivery"] == [{
      effect   = "Allow", principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }, action = "s3:PutObject"
      resource = "arn:aws:s3:::mock-bucket/alb/acogida-test-front/AWSLogs/123456789012/*"
    }]
    error_message = "ELB log delivery may only put objects under <prefix>/AWSLogs/<this account>/."
  }

  assert {
    condition     = [for statement in jsondecode(output.access_logs_bucket_policy).Statement : statement.Sid] == ["S3LogDeliveryFromThisAccountsBuckets", "LoadBalancerLogDelivery", "DenyRequestsWithoutTls"]
    error_message = "The TLS-only deny stays with the load balancer's statement."
  }
}

run "rejects_a_log_prefix_with_slashes_at_the_ends" {
  command = plan

  variables {
    load_balancer_log_prefix = "/alb/"
  }

  expect_failures = [var.load_balancer_log_prefix]
}

run "lifecycle_expires_transcripts_and_old_versions" {
  command = apply

  assert {
    condition = (one([for rule in aws_s3_bucket_lifecycle_configuration.this["transcripts"].rule : rule if rule.id == "expire-draft-transcripts"]).expiration[0].days == 7 &&
    one([for rule in aws_s3_bucket_lifecycle_configuration.this["transcripts"].rule : rule if rule.id == "expire-draft-transcripts"]).filter[0].prefix == "drafts/")
    error_message = "Draft transcripts expire after transcript_retention_days."
  }

  assert {
    condition = (one([for rule in aws_s3_bucket_lifecycle_configuration.this["transcripts"].rule : rule if rule.id == "expire-redacted-transcripts"]).expiration[0].days == 1826 &&
    one([for rule in aws_s3_bucket_lifecycle_configuration.this["transcripts"].rule : rule if rule.id == "expire-redacted-transcripts"]).filter[0].prefix == "redacted/")
    error_message = "Redacted transcripts expire with the submitted intake (submitted_intake_retention_days)."
  }

  assert {
    # (The rule's filter has no prefix: the mock provider fills that unset attribute at random.)
    condition = alltrue([for bucket in ["raw", "curated"] :
    one([for rule in aws_s3_bucket_lifecycle_configuration.this[bucket].rule : rule if rule.id == "expire-lake-objects"]).expiration[0].days == 730])
    error_message = "The whole pseudonymised lake (raw and curated buckets) expires after lake_retention_days."
  }

  assert {
    condition     = one([for rule in aws_s3_bucket_lifecycle_configuration.this["athena-results"].rule : rule if rule.id == "expire-current-objects"]).expiration[0].days == 30
    error_message = "Athena results expire after athena_results_retention_days."
  }

  assert {
    condition     = alltrue([for bucket in ["artifacts", "reports"] : length(aws_s3_bucket_lifecycle_configuration.this[bucket].rule) == 1])
    error_message = "Artifacts and reports keep their current objects (only old versions expire)."
  }

  assert {
    condition = alltrue([for lifecycle in aws_s3_bucket_lifecycle_configuration.this :
    one([for rule in lifecycle.rule : rule if rule.id == "expire-noncurrent-versions"]).noncurrent_version_expiration[0].noncurrent_days == 14])
    error_message = "Noncurrent versions expire after noncurrent_version_retention_days in every data bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.access_logs.rule).expiration[0].days == 365
    error_message = "Access logs expire after access_log_retention_days."
  }
}

run "alerts_topic_encrypted_with_messaging_key" {
  command = apply

  variables {
    alert_email_addresses = ["guardia@example.org"]
  }

  assert {
    condition     = module.alerts_topic.kms_key_arn == aws_kms_key.this["messaging"].arn && output.sns_alerts_topic_name == "acogida-test-alerts" && output.sns_alerts_topic_arn == module.alerts_topic.topic_arn
    error_message = "The alerts topic is acogida-<env>-alerts, encrypted with the messaging key."
  }

  assert {
    condition = one([for statement in jsondecode(module.alerts_topic.policy_json).Statement : statement if statement.Sid == "AlarmsAndEventsOfThisAccountPublish"]).Principal == {
      Service = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }
    error_message = "CloudWatch alarms and EventBridge (of this account) may publish alerts."
  }

  assert {
    condition     = module.alerts_topic.email_endpoints == tolist(["guardia@example.org"])
    error_message = "Alert addresses are subscribed by e-mail."
  }
}

run "rejects_a_lake_retention_of_no_days" {
  command = plan

  variables {
    lake_retention_days = 0
  }

  expect_failures = [var.lake_retention_days]
}

run "rejects_a_submitted_intake_retention_over_ten_years" {
  command = plan

  variables {
    submitted_intake_retention_days = 3654
  }

  expect_failures = [var.submitted_intake_retention_days]
}

run "rejects_zero_day_transcript_retention" {
  command = plan

  variables {
    transcript_retention_days = 0
  }

  expect_failures = [var.transcript_retention_days]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "Acogida_Prod"
  }

  expect_failures = [var.name_prefix]
}
