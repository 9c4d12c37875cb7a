# Plan-and-apply against a mock AWS provider: checks what the module asks AWS for, offline.
# The provider stands for the root's aws.language configuration (eu-west-1); the intake data it
# reaches is in the home region (eu-south-2). The real apply against moto is
# tests/integration/test_local_apply.py.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  # The image scripts/push.sh pushed at each tag.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:123456789012:key/5eec0000-0000-4000-8000-000000000001"
      key_id = "5eec0000-0000-4000-8000-000000000001"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock-group" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:eu-west-1:123456789012:repository/mock"
      repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:mock"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:mock/invocations"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:123456789012:mock-queue"
      id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/mock-queue"
      url = "https://sqs.eu-west-1.amazonaws.com/123456789012/mock-queue"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:acogida-test-language-alerts" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/mock-rule" }
  }
  mock_resource "aws_comprehend_entity_recognizer" {
    defaults = { arn = "arn:aws:comprehend:eu-west-1:123456789012:entity-recognizer/acogida-test-dni" }
  }
}

variables {
  submitted_intake_retention_days   = 1826
  name_prefix                       = "acogida-test"
  environment                       = "test"
  data_region                       = "eu-south-2"
  intakes_table_name                = "acogida-test-intakes"
  intakes_table_arn                 = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-intakes"
  intakes_office_index_name         = "by_office_created_at"
  idempotency_table_name            = "acogida-test-idempotency"
  idempotency_table_arn             = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-idempotency"
  dynamodb_kms_key_arn              = "arn:aws:kms:eu-south-2:123456789012:key/0000000e-0000-4000-8000-00000000000e"
  transcripts_bucket_name           = "acogida-test-transcripts-123456789012"
  transcripts_kms_key_arn           = "arn:aws:kms:eu-south-2:123456789012:key/0000000f-0000-4000-8000-00000000000f"
  image_tags                        = { transcription_start = "intake-0123456789abcdef0123", transcription_done = "intake-0123456789abcdef0123" }
  audio_retention_days              = 7
  noncurrent_version_retention_days = 14
}

# --- Key -----------------------------------------------------------------------------------------

run "speech_key_rotated_aliased_and_scoped_to_the_language_region" {
  command = apply

  assert {
    condition     = aws_kms_key.speech.enable_key_rotation && aws_kms_key.speech.deletion_window_in_days == 30 && aws_kms_alias.speech.name == "alias/acogida-test-speech"
    error_message = "The speech key rotates and is aliased alias/<name_prefix>-speech."
  }

  assert {
    condition = toset(one([for statement in jsondecode(aws_kms_key.speech.policy).Statement : statement if statement.Sid == "UseOnlyThroughTheNamedServices"]).Condition.StringEquals["kms:ViaService"]) == toset([
      "s3.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com", "sns.eu-west-1.amazonaws.com", "transcribe.eu-west-1.amazonaws.com",
      "lambda.eu-west-1.amazonaws.com", "ecr.eu-west-1.amazonaws.com",
    ])
    error_message = "Principals of the account use the key only through the language region's S3, SQS, SNS, Transcribe, Lambda and ECR (Comprehend only with the recogniser)."
  }

  assert {
    condition = (
      toset(one([for statement in jsondecode(aws_kms_key.speech.policy).Statement : statement if statement.Sid == "GrantsOnlyForTheNamedServicesResources"]).Condition.StringEquals["kms:ViaService"]) == toset(["lambda.eu-west-1.amazonaws.com", "ecr.eu-west-1.amazonaws.com"]) &&
      one([for statement in jsondecode(aws_kms_key.speech.policy).Statement : statement if statement.Sid == "GrantsOnlyForTheNamedServicesResources"]).Condition.Bool["kms:GrantIsForAWSResource"] == "true"
    )
    error_message = "Only Lambda and ECR create grants on the key, and only for their resources."
  }

  assert {
    condition = (
      { for statement in jsondecode(aws_kms_key.speech.policy).Statement : statement.Sid => [statement.Principal.Service, statement.Condition.StringEquals] if can(statement.Condition.StringEquals) && can(statement.Principal.Service) } == {
        SpeechBucketNotifiesTheUploadsQueue = ["s3.amazonaws.com", { "kms:EncryptionContext:aws:sqs:arn" = "arn:aws:sqs:eu-west-1:123456789012:acogida-test-audio-uploads" }]
        TranscriptionRuleDeadLetters        = ["events.amazonaws.com", { "kms:EncryptionContext:aws:sqs:arn" = "arn:aws:sqs:eu-west-1:123456789012:acogida-test-transcription-done-dlq" }]
        AlarmsPublishToTheAlertsTopic       = ["cloudwatch.amazonaws.com", { "kms:EncryptionContext:aws:sns:topicArn" = "arn:aws:sns:eu-west-1:123456789012:acogida-test-language-alerts" }]
      }
    )
    error_message = "S3 notifications, EventBridge dead letters and alarms may use the key only for the queue or topic each delivers into."
  }

  assert {
    condition     = one([for statement in jsondecode(aws_kms_key.speech.policy).Statement : statement if statement.Sid == "CloudWatchLogsEncryptsThisEnvironmentsLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:eu-west-1:123456789012:log-group:*/acogida-test-*"
    error_message = "CloudWatch Logs of the region may use the key only for this environment's log groups."
  }

  assert {
    condition = alltrue([for statement in jsondecode(aws_kms_key.speech.policy).Statement :
    !anytrue([for action in flatten([statement.Action]) : strcontains(action, "*")]) if statement.Sid != "AccountAdministersTheKeyThroughIam"])
    error_message = "Only the account's administration statement has a wildcard action."
  }

  assert {
    condition     = !strcontains(aws_kms_key.speech.policy, "\"Principal\":\"*\"")
    error_message = "The key policy allows no wildcard principal."
  }
}

# --- Speech bucket -------------------------------------------------------------------------------

run "speech_bucket_encrypted_versioned_private_logged_and_tls_only" {
  command = apply

  assert {
    condition     = aws_s3_bucket.speech.bucket == "acogida-test-speech-123456789012" && output.speech_bucket_name == "acogida-test-speech-123456789012"
    error_message = "The speech bucket is <name_prefix>-speech-<account>."
  }

  assert {
    condition = (one(aws_s3_bucket_server_side_encryption_configuration.speech.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(aws_s3_bucket_server_side_encryption_configuration.speech.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.speech.arn &&
    one(aws_s3_bucket_server_side_encryption_configuration.speech.rule).bucket_key_enabled)
    error_message = "The speech bucket is SSE-KMS under the speech key, with a bucket key."
  }

  assert {
    condition = (aws_s3_bucket_versioning.speech.versioning_configuration[0].status == "Enabled" &&
      aws_s3_bucket_public_access_block.speech.block_public_acls && aws_s3_bucket_public_access_block.speech.block_public_policy &&
      aws_s3_bucket_public_access_block.speech.ignore_public_acls && aws_s3_bucket_public_access_block.speech.restrict_public_buckets &&
    one(aws_s3_bucket_ownership_controls.speech.rule).object_ownership == "BucketOwnerEnforced")
    error_message = "The speech bucket is versioned, blocks all public access and disables ACLs."
  }

  assert {
    condition = anytrue([for statement in jsondecode(aws_s3_bucket_policy.speech.policy).Statement :
      statement.Effect == "Deny" && statement.Principal == "*" && statement.Action == "s3:*" &&
      statement.Condition.Bool["aws:SecureTransport"] == "false" &&
    toset(statement.Resource) == toset(["arn:aws:s3:::acogida-test-speech-123456789012", "arn:aws:s3:::acogida-test-speech-123456789012/*"])])
    error_message = "The speech bucket denies every request without TLS, on the bucket and its objects."
  }

  assert {
    condition     = aws_s3_bucket_logging.speech.target_bucket == aws_s3_bucket.speech_logs.id && aws_s3_bucket_logging.speech.target_prefix == "speech/"
    error_message = "The speech bucket logs access into its log bucket of the same region."
  }

  assert {
    condition = (aws_s3_bucket.speech_logs.bucket == "acogida-test-speech-logs-123456789012" &&
      one(aws_s3_bucket_server_side_encryption_configuration.speech_logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256" &&
      aws_s3_bucket_public_access_block.speech_logs.restrict_public_buckets && aws_s3_bucket_versioning.speech_logs.versioning_configuration[0].status == "Enabled" &&
    one(aws_s3_bucket_ownership_controls.speech_logs.rule).object_ownership == "BucketOwnerEnforced")
    error_message = "The access-log bucket is SSE-S3 (what log delivery supports), versioned and private."
  }

  assert {
    condition = (
      one([for statement in jsondecode(aws_s3_bucket_policy.speech_logs.policy).Statement : statement if statement.Sid == "S3LogDeliveryFromTheSpeechBucket"]).Principal == { Service = "logging.s3.amazonaws.com" } &&
      one([for statement in jsondecode(aws_s3_bucket_policy.speech_logs.policy).Statement : statement if statement.Sid == "S3LogDeliveryFromTheSpeechBucket"]).Condition.ArnLike["aws:SourceArn"] == "arn:aws:s3:::acogida-test-speech-123456789012" &&
      anytrue([for statement in jsondecode(aws_s3_bucket_policy.speech_logs.policy).Statement : statement.Sid == "DenyRequestsWithoutTls" && statement.Effect == "Deny"])
    )
    error_message = "Only log delivery for the speech bucket of this account may write the logs; plain HTTP is denied."
  }
}

run "lifecycle_expires_audio_and_transcribe_output_keeps_training_data" {
  command = apply

  assert {
    condition = (
      one([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : rule if rule.id == "expire-audio"]).filter[0].prefix == "audio/" &&
      one([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : rule if rule.id == "expire-audio"]).expiration[0].days == 7
    )
    error_message = "Recorded audio expires after audio_retention_days."
  }

  assert {
    condition = (
      one([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : rule if rule.id == "expire-transcribe-output"]).filter[0].prefix == "transcribe/" &&
      one([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : rule if rule.id == "expire-transcribe-output"]).expiration[0].days == 1
    )
    error_message = "Transcribe output that was never consumed expires after a day."
  }

  assert {
    condition     = alltrue([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : length(rule.expiration) == 0 || contains(["audio/", "transcribe/"], try(rule.filter[0].prefix, ""))])
    error_message = "Only audio/ and transcribe/ expire: comprehend/ (training data) is kept."
  }

  assert {
    condition = (
      one([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : rule if rule.id == "expire-noncurrent-versions"]).noncurrent_version_expiration[0].noncurrent_days == 14 &&
      one([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : rule if rule.id == "expire-noncurrent-versions"]).abort_incomplete_multipart_upload[0].days_after_initiation == 7
    )
    error_message = "Noncurrent versions expire after noncurrent_version_retention_days; incomplete multipart uploads are aborted."
  }

  assert {
    condition     = alltrue([for rule in aws_s3_bucket_lifecycle_configuration.speech.rule : rule.status == "Enabled"])
    error_message = "Every lifecycle rule is enabled."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.speech_logs.rule).expiration[0].days == 365
    error_message = "Access logs expire after access_log_retention_days."
  }
}

# --- Functions -----------------------------------------------------------------------------------

run "functions_are_traced_arm64_images_with_the_split_region_environment" {
  command = apply

  assert {
    condition     = toset(keys(module.function)) == toset(["transcription_start", "transcription_done"])
    error_message = "The module has exactly the two transcription functions."
  }

  assert {
    condition = alltrue([for name, function in module.function :
      function.function_name == "acogida-test-${replace(name, "_", "-")}" &&
      function.image_command == tolist(["acogida.handlers.${name}.handler"]) &&
    function.image_uri == "${function.repository_url}@sha256:abababababababababababababababababababababababababababababababab" && function.image_tag == var.image_tags[name]])
    error_message = "Every function (an ARM64 traced image: module lambda_function) runs, by digest, the image its image_tags entry names in its own repository, named <name_prefix>-<function>."
  }

  assert {
    condition = alltrue([for name, function in module.function :
    function.log_group_name == "/aws/lambda/acogida-test-${replace(name, "_", "-")}" && function.application_log_level == "INFO"])
    error_message = "Every function logs into its own log group (JSON, encrypted with the key given, with a retention: module lambda_function)."
  }

  assert {
    condition = alltrue([for name, function in module.function :
      toset(keys(function.environment_variables)) == toset([
        "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL", "LOG_LEVEL",
        "ACOGIDA_ENVIRONMENT", "ACOGIDA_DATA_REGION", "ACOGIDA_LANGUAGE_REGION", "INTAKES_TABLE", "INTAKES_OFFICE_INDEX",
        "IDEMPOTENCY_TABLE", "TRANSCRIPTS_BUCKET", "TRANSCRIPTS_KMS_KEY_ARN", "AUDIO_BUCKET", "AUDIO_KMS_KEY_ARN",
        "COMPREHEND_ENABLED", "TRANSCRIPTION_JOB_PREFIX", "DRAFT_TTL_DAYS", "SUBMITTED_INTAKE_RETENTION_DAYS",
    ]) && function.environment_variables["POWERTOOLS_SERVICE_NAME"] == name])
    error_message = "Both functions get exactly the environment contract of src/acogida/handlers/runtime.py, with their own service name."
  }

  assert {
    condition = alltrue([for function in module.function :
      function.environment_variables["ACOGIDA_DATA_REGION"] == "eu-south-2" &&
      function.environment_variables["ACOGIDA_LANGUAGE_REGION"] == "eu-west-1" &&
      function.environment_variables["AUDIO_BUCKET"] == "acogida-test-speech-123456789012" &&
      function.environment_variables["AUDIO_KMS_KEY_ARN"] == aws_kms_key.speech.arn &&
      function.environment_variables["TRANSCRIPTS_BUCKET"] == var.transcripts_bucket_name &&
      function.environment_variables["TRANSCRIPTS_KMS_KEY_ARN"] == var.transcripts_kms_key_arn &&
      function.environment_variables["INTAKES_TABLE"] == "acogida-test-intakes" &&
      function.environment_variables["TRANSCRIPTION_JOB_PREFIX"] == "acogida-test-" &&
    function.environment_variables["COMPREHEND_ENABLED"] == "true"])
    error_message = "Data in the home region (tables, transcripts), audio and Transcribe/Comprehend in the language region (the speech bucket and key)."
  }

  assert {
    condition     = alltrue([for name, function in module.function : output.function_environments[name] == function.environment_variables])
    error_message = "function_environments is exactly what each function gets (the local runtime uses it)."
  }

  assert {
    condition     = alltrue([for name, function in module.function : function.repository_name == "acogida-test-${replace(name, "_", "-")}"])
    error_message = "One repository per function in the language region (immutable, scanned, encrypted, pruned: module lambda_function)."
  }
}

run "each_function_reads_its_own_image_tag" {
  command = plan

  variables {
    image_tags = { transcription_start = "intake-0123456789abcdef0123", transcription_done = "intake-fedcba9876543210fedc" }
    log_level  = "WARNING"
  }

  assert {
    condition     = module.function["transcription_done"].image_tag == "intake-fedcba9876543210fedc" && module.function["transcription_start"].image_tag == "intake-0123456789abcdef0123"
    error_message = "Each function reads the digest of its own image_tags entry."
  }

  assert {
    condition     = module.function["transcription_start"].application_log_level == "WARN"
    error_message = "Lambda's application log level follows log_level (WARNING is WARN there)."
  }
}

# --- Permissions ---------------------------------------------------------------------------------

run "roles_trusted_by_lambda_only_with_named_actions" {
  command = apply

  assert {
    condition     = alltrue([for name, function in module.function : function.role_name == "acogida-test-${replace(name, "_", "-")}-fn"])
    error_message = "Each role keeps the name it had in module app (trusted by Lambda of this account only: module lambda_function)."
  }

  assert {
    condition = alltrue(flatten([for policy in module.function : [
      for statement in jsondecode(policy.policy_json).Statement : [for action in flatten([statement.Action]) : !strcontains(action, "*")]
    ]]))
    error_message = "No policy uses a wildcard action."
  }

  assert {
    condition = alltrue(flatten([for policy in module.function : [
      for statement in jsondecode(policy.policy_json).Statement :
      !contains(flatten([statement.Resource]), "*") || alltrue([for action in flatten([statement.Action]) : contains(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "comprehend:DetectEntities", "comprehend:DetectPiiEntities"], action)])
    ]]))
    error_message = "\"Resource\": \"*\" appears only for actions without a resource ARN (X-Ray upload, Comprehend Detect*)."
  }

  assert {
    condition = alltrue(flatten([for policy in module.function : [
      for statement in jsondecode(policy.policy_json).Statement :
      [for resource in flatten([statement.Resource]) : resource == "arn:aws:transcribe:eu-west-1:123456789012:transcription-job/acogida-test-*"]
      if anytrue([for action in flatten([statement.Action]) : startswith(action, "transcribe:")])
    ]]))
    error_message = "Transcribe actions are scoped to this environment's job names in the language region."
  }

  assert {
    condition = alltrue([for name, expected in {
      transcription_start = ["arn:aws:s3:::acogida-test-speech-123456789012/audio/*", "arn:aws:s3:::acogida-test-speech-123456789012/transcribe/*"]
      transcription_done  = ["arn:aws:s3:::acogida-test-speech-123456789012", "arn:aws:s3:::acogida-test-speech-123456789012/transcribe/*"]
      } : toset(flatten([
        for statement in jsondecode(module.function[name].policy_json).Statement : [for resource in flatten([statement.Resource]) : resource if startswith(resource, "arn:aws:s3:::acogida-test-speech-")]
    ])) == toset(expected)])
    error_message = "In the speech bucket transcription_start reads audio/ and lets Transcribe write transcribe/; transcription_done only consumes transcribe/."
  }

  assert {
    condition = alltrue([for statement in jsondecode(module.function["transcription_done"].policy_json).Statement :
      try(statement.Condition.StringLike["s3:prefix"], "") == "transcribe/*" || try(statement.Condition.StringLike["s3:prefix"], "") == "drafts/*"
    if contains(flatten([statement.Action]), "s3:ListBucketVersions")])
    error_message = "Listing versions is limited to the prefixes the function erases (transcribe/, drafts/)."
  }

  assert {
    condition = (
      toset(flatten([for statement in jsondecode(module.function["transcription_done"].policy_json).Statement : statement.Action if contains(flatten([statement.Resource]), "arn:aws:s3:::acogida-test-transcripts-123456789012/drafts/*")])) ==
      toset(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]) &&
      !anytrue(flatten([for statement in jsondecode(module.function["transcription_start"].policy_json).Statement : [for resource in flatten([statement.Resource]) : strcontains(resource, "transcripts")]]))
    )
    error_message = "Across regions, transcription_done replaces drafts/ snapshots in the home transcripts bucket; transcription_start never touches it."
  }

  assert {
    condition = (
      toset(flatten([for statement in jsondecode(module.function["transcription_done"].policy_json).Statement : statement.Action if statement.Resource == var.intakes_table_arn])) == toset(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]) &&
      toset(flatten([for statement in jsondecode(module.function["transcription_start"].policy_json).Statement : statement.Action if statement.Resource == var.intakes_table_arn])) == toset(["dynamodb:GetItem", "dynamodb:UpdateItem"]) &&
      alltrue([for policy in module.function : anytrue([for statement in jsondecode(policy.policy_json).Statement : statement.Resource == var.idempotency_table_arn])])
    )
    error_message = "Across regions, the functions read and update the home intakes table (done also puts the draft) and use the idempotency table."
  }

  assert {
    condition = (
      toset(flatten([for statement in jsondecode(module.function["transcription_done"].policy_json).Statement : flatten([statement.Resource]) if anytrue([for action in flatten([statement.Action]) : startswith(action, "kms:")])])) ==
      toset([aws_kms_key.speech.arn, var.dynamodb_kms_key_arn, var.transcripts_kms_key_arn]) &&
      toset(flatten([for statement in jsondecode(module.function["transcription_start"].policy_json).Statement : flatten([statement.Resource]) if anytrue([for action in flatten([statement.Action]) : startswith(action, "kms:")])])) ==
      toset([aws_kms_key.speech.arn, var.dynamodb_kms_key_arn])
    )
    error_message = "Each role uses the speech key and exactly the home keys of the data it touches."
  }

  assert {
    condition = anytrue([for statement in jsondecode(module.function["transcription_start"].policy_json).Statement :
    contains(flatten([statement.Action]), "sqs:ReceiveMessage") && statement.Resource == module.audio_uploads_queue.queue_arn])
    error_message = "transcription_start consumes the audio-uploads queue."
  }

  assert {
    condition = anytrue([for statement in jsondecode(module.function["transcription_done"].policy_json).Statement :
    contains(flatten([statement.Action]), "sqs:SendMessage") && statement.Resource == aws_sqs_queue.transcription_done_dlq.arn])
    error_message = "transcription_done may send to its on-failure DLQ."
  }

  assert {
    condition = {
      for name, policy in module.function : name =>
      anytrue([for statement in jsondecode(policy.policy_json).Statement : contains(flatten([statement.Action]), "comprehend:DetectPiiEntities")])
    } == { transcription_start = false, transcription_done = true }
    error_message = "With comprehend_enabled transcription_done (which extracts fields) may call Comprehend Detect*; transcription_start may not."
  }
}

run "comprehend_off_removes_its_permission_and_flag" {
  command = plan

  variables {
    comprehend_enabled = false
  }

  assert {
    condition = !anytrue(flatten([for policy in module.function : [
    for statement in jsondecode(policy.policy_json).Statement : [for action in flatten([statement.Action]) : startswith(action, "comprehend:")]]]))
    error_message = "Without comprehend_enabled no role may call Comprehend."
  }

  assert {
    condition     = alltrue([for function in module.function : function.environment_variables["COMPREHEND_ENABLED"] == "false"])
    error_message = "COMPREHEND_ENABLED is \"false\" when Comprehend is off."
  }

  assert {
    condition     = length(aws_comprehend_entity_recognizer.dni) == 0 && length(aws_iam_role.comprehend_dni) == 0
    error_message = "The DNI recogniser is off by default."
  }
}

# --- Queues, notification, trigger, events --------------------------------------------------------

run "queues_encrypted_redriven_and_wired" {
  command = apply

  assert {
    condition     = module.audio_uploads_queue.kms_key_arn == aws_kms_key.speech.arn && aws_sqs_queue.transcription_done_dlq.kms_master_key_id == aws_kms_key.speech.arn
    error_message = "Every queue is encrypted with the speech key (the uploads queue and its DLQ: module queue_with_dlq)."
  }

  assert {
    condition     = module.audio_uploads_queue.max_receive_count == 5 && module.audio_uploads_queue.dlq_name == "acogida-test-audio-uploads-dlq" && module.audio_uploads_queue.queue_name == "acogida-test-audio-uploads"
    error_message = "Uploads move to their DLQ, acogida-<env>-audio-uploads-dlq, after five receives."
  }

  assert {
    condition     = module.audio_uploads_queue.visibility_timeout_seconds >= 6 * module.function["transcription_start"].timeout
    error_message = "The queue's visibility timeout is at least six times the consumer's timeout."
  }

  assert {
    condition     = aws_sqs_queue.transcription_done_dlq.message_retention_seconds == 1209600
    error_message = "The events DLQ keeps messages for 14 days (the uploads DLQ: module queue_with_dlq's default)."
  }

  assert {
    condition = anytrue([for statement in jsondecode(module.audio_uploads_queue.queue_policy_json).Statement :
      statement.Effect == "Allow" && statement.Principal == { Service = "s3.amazonaws.com" } &&
      try(statement.Condition.ArnEquals["aws:SourceArn"], "") == "arn:aws:s3:::acogida-test-speech-123456789012" &&
    try(statement.Condition.StringEquals["aws:SourceAccount"], "") == "123456789012"])
    error_message = "Only the speech bucket of this account may send to the uploads queue."
  }

  assert {
    condition = alltrue([for policy in [module.audio_uploads_queue.queue_policy_json, aws_sqs_queue.transcription_done_dlq.policy] :
    anytrue([for statement in jsondecode(policy).Statement : statement.Effect == "Deny" && try(statement.Condition.Bool["aws:SecureTransport"], "") == "false"])])
    error_message = "Plain-HTTP requests to the queues are denied."
  }

  assert {
    condition = anytrue([for statement in jsondecode(aws_sqs_queue.transcription_done_dlq.policy).Statement :
    statement.Principal == { Service = "events.amazonaws.com" } && try(statement.Condition.ArnEquals["aws:SourceArn"], "") == aws_cloudwatch_event_rule.transcription_state_change.arn])
    error_message = "Only the transcription rule may dead-letter into the events DLQ."
  }

  assert {
    condition = (aws_s3_bucket_notification.speech.bucket == aws_s3_bucket.speech.id &&
      one(aws_s3_bucket_notification.speech.queue).filter_prefix == "audio/" &&
      one(aws_s3_bucket_notification.speech.queue).events == toset(["s3:ObjectCreated:*"]) &&
    one(aws_s3_bucket_notification.speech.queue).queue_arn == module.audio_uploads_queue.queue_arn)
    error_message = "Objects created under the speech bucket's audio/ notify the uploads queue."
  }

  assert {
    condition = (aws_lambda_event_source_mapping.audio_uploads.batch_size == 10 &&
      aws_lambda_event_source_mapping.audio_uploads.function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.audio_uploads.event_source_arn == module.audio_uploads_queue.queue_arn &&
    aws_lambda_event_source_mapping.audio_uploads.enabled)
    error_message = "transcription_start reads the uploads queue in batches of 10, reports partial failures, and is enabled unless turned off."
  }
}

run "uploads_trigger_can_be_paused_for_the_emulator" {
  command = plan

  variables {
    audio_uploads_trigger_enabled = false
  }

  assert {
    condition     = !aws_lambda_event_source_mapping.audio_uploads.enabled && aws_lambda_event_source_mapping.audio_uploads.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "Turning the trigger off keeps the mapping, disabled."
  }
}

run "transcribe_state_changes_reach_transcription_done" {
  command = apply

  assert {
    condition = (jsondecode(aws_cloudwatch_event_rule.transcription_state_change.event_pattern).source == ["aws.transcribe"] &&
      jsondecode(aws_cloudwatch_event_rule.transcription_state_change.event_pattern)["detail-type"] == ["Transcribe Job State Change"] &&
      toset(jsondecode(aws_cloudwatch_event_rule.transcription_state_change.event_pattern).detail.TranscriptionJobStatus) == toset(["COMPLETED", "FAILED"]) &&
    jsondecode(aws_cloudwatch_event_rule.transcription_state_change.event_pattern).detail.TranscriptionJobName == [{ prefix = "acogida-test-" }])
    error_message = "The rule matches this environment's finished (completed or failed) Transcribe jobs only."
  }

  assert {
    condition = (aws_cloudwatch_event_target.transcription_done.arn == module.function["transcription_done"].function_arn &&
      aws_cloudwatch_event_target.transcription_done.dead_letter_config[0].arn == aws_sqs_queue.transcription_done_dlq.arn &&
    aws_cloudwatch_event_target.transcription_done.retry_policy[0].maximum_retry_attempts > 0)
    error_message = "The rule invokes transcription_done, retries, then dead-letters into the events DLQ."
  }

  assert {
    condition     = aws_lambda_permission.events.principal == "events.amazonaws.com" && aws_lambda_permission.events.source_arn == aws_cloudwatch_event_rule.transcription_state_change.arn
    error_message = "Only the rule may invoke transcription_done."
  }

  assert {
    condition = (aws_lambda_function_event_invoke_config.transcription_done.destination_config[0].on_failure[0].destination == aws_sqs_queue.transcription_done_dlq.arn &&
      aws_lambda_function_event_invoke_config.transcription_done.maximum_retry_attempts == 2 &&
    aws_lambda_function_event_invoke_config.transcription_done.maximum_event_age_in_seconds == 3600)
    error_message = "Asynchronous failures of transcription_done land in its DLQ after bounded retries."
  }
}

# --- Alerts --------------------------------------------------------------------------------------

run "alarms_notify_the_language_region_topic" {
  command = apply

  variables {
    alert_email_addresses = ["guardia@acogida.example.org"]
  }

  assert {
    condition     = toset([for function in module.function : function.errors_alarm_name]) == toset(["acogida-test-transcription-start-errors", "acogida-test-transcription-done-errors"]) && length(aws_cloudwatch_metric_alarm.dlq_depth) == 2
    error_message = "One error alarm per function and one depth alarm per DLQ."
  }

  assert {
    condition = alltrue([for alarm in values(aws_cloudwatch_metric_alarm.dlq_depth) :
    alarm.alarm_actions == toset([module.alerts_topic.topic_arn]) && alarm.ok_actions == toset([module.alerts_topic.topic_arn]) && alarm.threshold == 0 && alarm.comparison_operator == "GreaterThanThreshold"])
    error_message = "Every DLQ alarm fires on any occurrence and notifies the topic of its own region, on alarm and on recovery (the function alarms: module lambda_function, given the same topic)."
  }

  assert {
    condition     = module.alerts_topic.topic_name == "acogida-test-language-alerts" && module.alerts_topic.kms_key_arn == aws_kms_key.speech.arn
    error_message = "The language region's alerts topic is encrypted with the speech key."
  }

  assert {
    condition = (
      one([for statement in jsondecode(module.alerts_topic.policy_json).Statement : statement if statement.Sid == "AlarmsOfThisAccountPublish"]).Condition.StringEquals["aws:SourceAccount"] == "123456789012" &&
      one([for statement in jsondecode(module.alerts_topic.policy_json).Statement : statement if statement.Sid == "AlarmsOfThisAccountPublish"]).Principal == { Service = ["cloudwatch.amazonaws.com"] } &&
      one([for statement in jsondecode(module.alerts_topic.policy_json).Statement : statement if statement.Sid == "DenyRequestsWithoutTls"]).Effect == "Deny"
    )
    error_message = "Alarms of this account may publish (no EventBridge rule of the region targets the topic); plain HTTP is denied."
  }

  assert {
    condition     = module.alerts_topic.email_endpoints == tolist(["guardia@acogida.example.org"]) && output.alerts_topic_arn == module.alerts_topic.topic_arn
    error_message = "The alert e-mail addresses subscribe to the topic."
  }
}

# --- Optional recogniser -------------------------------------------------------------------------

run "dni_recognizer_trains_from_the_speech_bucket" {
  command = apply

  variables {
    comprehend_dni_recognizer_enabled = true
  }

  assert {
    condition = (aws_comprehend_entity_recognizer.dni[0].name == "acogida-test-dni" && aws_comprehend_entity_recognizer.dni[0].language_code == "es" &&
      aws_comprehend_entity_recognizer.dni[0].model_kms_key_id == aws_kms_key.speech.arn && aws_comprehend_entity_recognizer.dni[0].volume_kms_key_id == aws_kms_key.speech.arn &&
      aws_comprehend_entity_recognizer.dni[0].input_data_config[0].entity_list[0].s3_uri == "s3://acogida-test-speech-123456789012/comprehend/dni/entity_list.csv" &&
    aws_comprehend_entity_recognizer.dni[0].input_data_config[0].documents[0].s3_uri == "s3://acogida-test-speech-123456789012/comprehend/dni/documents.txt")
    error_message = "The recogniser trains on the speech bucket's comprehend/dni/ and encrypts its model and volume with the speech key."
  }

  assert {
    condition = (jsondecode(aws_iam_role.comprehend_dni[0].assume_role_policy).Statement[0].Principal == { Service = "comprehend.amazonaws.com" } &&
    jsondecode(aws_iam_role.comprehend_dni[0].assume_role_policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == "arn:aws:comprehend:eu-west-1:123456789012:entity-recognizer/acogida-test-dni*")
    error_message = "Only Comprehend of the language region, for this recogniser, assumes the data access role."
  }

  assert {
    condition = one([for statement in jsondecode(aws_iam_role_policy.comprehend_dni[0].policy).Statement : statement.Resource if statement.Sid == "ReadTrainingData"]) == (
    "arn:aws:s3:::acogida-test-speech-123456789012/comprehend/dni/*")
    error_message = "The data access role reads the training prefix only."
  }

  assert {
    condition = (
      contains(one([for statement in jsondecode(aws_kms_key.speech.policy).Statement : statement if statement.Sid == "UseOnlyThroughTheNamedServices"]).Condition.StringEquals["kms:ViaService"], "comprehend.eu-west-1.amazonaws.com") &&
      contains(one([for statement in jsondecode(aws_kms_key.speech.policy).Statement : statement if statement.Sid == "GrantsOnlyForTheNamedServicesResources"]).Condition.StringEquals["kms:ViaService"], "comprehend.eu-west-1.amazonaws.com")
    )
    error_message = "With the recogniser, Comprehend may use the speech key (and grant on it) for the model and the training volume."
  }

  assert {
    condition     = output.comprehend_dni_recognizer_arn == aws_comprehend_entity_recognizer.dni[0].arn && output.comprehend_dni_training_data_s3_uri == "s3://acogida-test-speech-123456789012/comprehend/dni/"
    error_message = "The outputs name the recogniser and where its training data goes."
  }
}

run "disposable_buckets_repositories_and_short_key_window" {
  command = plan

  variables {
    force_destroy_buckets     = true
    force_delete_repositories = true
    kms_deletion_window_days  = 7
  }

  assert {
    condition = (aws_s3_bucket.speech.force_destroy && aws_s3_bucket.speech_logs.force_destroy &&
    aws_kms_key.speech.deletion_window_in_days == 7)
    error_message = "Throw-away environments can be destroyed with their objects and images."
  }

  assert {
    condition     = alltrue([for name in ["transcription_start", "transcription_done"] : module.function[name].repository_force_delete])
    error_message = "force_delete_repositories reaches both functions' repositories."
  }
}

run "functions_encrypted_with_the_speech_key" {
  command = apply

  assert {
    condition = alltrue([for name in ["transcription_start", "transcription_done"] :
    alltrue([for part in ["environment", "logs", "images"] : module.function[name].encryption_key_arns[part] == aws_kms_key.speech.arn])])
    error_message = "Keys are regional: the functions' environment, log groups and repositories use the speech key of the language region."
  }
}

# --- Rejected inputs ----------------------------------------------------------------------------

run "rejects_malformed_data_region" {
  command = plan

  variables {
    data_region = "Spain"
  }

  expect_failures = [var.data_region]
}

run "rejects_image_tag_of_another_module" {
  command = plan

  variables {
    image_tags = { transcription_start = "intake-0123456789abcdef0123", transcription_done = "intake-0123456789abcdef0123", intake_api = "intake-0123456789abcdef0123" }
  }

  expect_failures = [var.image_tags]
}

run "rejects_a_function_without_image_tag" {
  command = plan

  variables {
    image_tags = { transcription_start = "intake-0123456789abcdef0123" }
  }

  expect_failures = [var.image_tags]
}

run "rejects_latest_image_tag" {
  command = plan

  variables {
    image_tags = { transcription_start = "intake-0123456789abcdef0123", transcription_done = "latest" }
  }

  expect_failures = [var.image_tags]
}

run "rejects_audio_kept_longer_than_a_year" {
  command = plan

  variables {
    audio_retention_days = 400
  }

  expect_failures = [var.audio_retention_days]
}

run "rejects_log_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_key_alias_instead_of_arn" {
  command = plan

  variables {
    transcripts_kms_key_arn = "alias/acogida-test-language"
  }

  expect_failures = [var.transcripts_kms_key_arn]
}

run "rejects_table_name_instead_of_arn" {
  command = plan

  variables {
    intakes_table_arn = "acogida-test-intakes"
  }

  expect_failures = [var.intakes_table_arn]
}

run "rejects_malformed_alert_address" {
  command = plan

  variables {
    alert_email_addresses = ["guardia"]
  }

  expect_failures = [var.alert_email_addresses]
}

run "rejects_key_deletion_window_aws_refuses" {
  command = plan

  variables {
    kms_deletion_window_days = 3
  }

  expect_failures = [var.kms_deletion_window_days]
}
