# The inline policy of each function's role. The role, trusted by Lambda of this account only, is
# module lambda_function's (lambda.tf), which adds the statements for its log group and X-Ray;
# IAM is global, so the roles keep the names they had in module app. Each policy names
# its actions and resources; "Resource": "*" appears only for actions that have no resource ARN
# to scope to (X-Ray trace upload, Comprehend's synchronous Detect* calls), each marked below.
#
# The functions run in the language region but keep the intake data in the home region: the
# intakes and idempotency tables, the transcripts bucket's drafts/ and their keys are named by
# ARN (the ARNs carry the home region), so the same statements work across regions.

locals {
  # --- Statements both functions need --------------------------------------------------------

  # Each function also gets WriteOwnLogGroup (its log group) and UploadTraces (X-Ray upload,
  # Resource "*"): module lambda_function puts those first, as it owns the log group and tracing.
  common_statements = [
    {
      # Powertools deletes its record again when the handler fails, so a retry can run.
      Sid      = "PowertoolsIdempotencyRecords"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      Resource = var.idempotency_table_arn
    },
  ]

  # Comprehend DetectEntities/DetectPiiEntities (synchronous, built-in model) have no resource
  # ARN to scope to: "*" is the only resource IAM accepts. Granted only when comprehend_enabled.
  comprehend_statements = var.comprehend_enabled ? [{
    Sid      = "DetectEntitiesWithBuiltInModels"
    Effect   = "Allow"
    Action   = ["comprehend:DetectEntities", "comprehend:DetectPiiEntities"]
    Resource = "*"
  }] : []

  # --- Per function ----------------------------------------------------------------------------

  function_statements = {
    transcription_start = [
      {
        Sid      = "ConsumeAudioUploadsQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
        Resource = module.audio_uploads_queue.queue_arn
      },
      {
        # Transcribe reads the media and writes its output with the caller's permissions.
        Sid      = "ReadUploadedAudio"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${local.speech_bucket_arn}/audio/*"
      },
      {
        Sid      = "TranscribeWritesOutput"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${local.speech_bucket_arn}/transcribe/*"
      },
      {
        # Queue messages and audio are decrypted, Transcribe's output encrypted (OutputEncryptionKMSKeyId).
        Sid      = "UseSpeechKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.speech.arn
      },
      {
        Sid      = "StartOwnTranscriptionJobs"
        Effect   = "Allow"
        Action   = ["transcribe:StartTranscriptionJob", "transcribe:GetTranscriptionJob"]
        Resource = local.transcription_job_arn_all
      },
      {
        # Home region.
        Sid      = "MarkIntakeTranscribing"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
        Resource = var.intakes_table_arn
      },
      {
        # Home region: the tables' key.
        Sid      = "UseTableKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = var.dynamodb_kms_key_arn
      },
    ]

    transcription_done = concat(
      [
        {
          Sid      = "ReadOwnTranscriptionJobs"
          Effect   = "Allow"
          Action   = ["transcribe:GetTranscriptionJob"]
          Resource = local.transcription_job_arn_all
        },
        {
          # Transcribe's raw output is deleted with every version once applied.
          Sid      = "ConsumeTranscribeOutput"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
          Resource = "${local.speech_bucket_arn}/transcribe/*"
        },
        {
          Sid       = "ListTranscribeOutputVersions"
          Effect    = "Allow"
          Action    = ["s3:ListBucketVersions"]
          Resource  = local.speech_bucket_arn
          Condition = { StringLike = { "s3:prefix" = "transcribe/*" } }
        },
        {
          # Transcribe's output is read; the on-failure destination (the DLQ) is encrypted.
          Sid      = "UseSpeechKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = aws_kms_key.speech.arn
        },
        {
          # Home region. Appending the job's turns writes a new draft snapshot and erases the
          # previous one with all its versions, as the API does for a live segment.
          Sid      = "ReplaceDraftTranscripts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
          Resource = "${local.transcripts_bucket_arn}/drafts/*"
        },
        {
          Sid       = "ListDraftVersions"
          Effect    = "Allow"
          Action    = ["s3:ListBucketVersions"]
          Resource  = local.transcripts_bucket_arn
          Condition = { StringLike = { "s3:prefix" = "drafts/*" } }
        },
        {
          # Home region. The draft is saved whole with a version condition (optimistic
          # concurrency: PutItem).
          Sid      = "FillDraftIntake"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
          Resource = var.intakes_table_arn
        },
        {
          # Home region: the tables' key and the transcripts bucket's key.
          Sid      = "UseTableAndTranscriptKeys"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
          Resource = [var.dynamodb_kms_key_arn, var.transcripts_kms_key_arn]
        },
        {
          # The on-failure destination of asynchronous invocations is sent with this role.
          Sid      = "SendFailedEventsToDlq"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = aws_sqs_queue.transcription_done_dlq.arn
        },
      ],
      # The transcript's fields are extracted here, merging Comprehend's entities when enabled.
      local.comprehend_statements,
    )
  }

  function_policies = {
    for name, _ in local.functions : name => jsonencode({
      Version   = "2012-10-17"
      Statement = concat(local.common_statements, local.function_statements[name])
    })
  }
}
