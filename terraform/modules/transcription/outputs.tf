output "region" {
  description = "The language region: where every resource of this module lives (the region of the provider it was given)."
  value       = local.region
}

output "speech_bucket_name" {
  description = "Name of the speech bucket: recorded audio under audio/ (each upload notifies the uploads queue), Transcribe output under transcribe/, Comprehend training data under comprehend/."
  value       = aws_s3_bucket.speech.bucket
}

output "speech_bucket_arn" {
  description = "ARN of the speech bucket."
  value       = aws_s3_bucket.speech.arn
}

output "speech_access_logs_bucket_name" {
  description = "Name of the speech bucket's access-log bucket (SSE-S3)."
  value       = aws_s3_bucket.speech_logs.bucket
}

output "speech_kms_key_arn" {
  description = "ARN of the speech key (writers of audio/ name it in SSE-KMS requests; AUDIO_KMS_KEY_ARN)."
  value       = aws_kms_key.speech.arn
}

output "speech_kms_alias_name" {
  description = "Alias of the speech key, alias/<name_prefix>-speech."
  value       = aws_kms_alias.speech.name
}

output "alerts_topic_arn" {
  description = "ARN of the language region's alerts topic (the alarms of this module notify it)."
  value       = module.alerts_topic.topic_arn
}

output "function_names" {
  description = "Lambda function name by function key (transcription_start, transcription_done)."
  value       = { for name, function in module.function : name => function.function_name }
}

output "function_arns" {
  description = "Lambda function ARN by function key."
  value       = { for name, function in module.function : name => function.function_arn }
}

output "function_image_uris" {
  description = "Image each function runs, by digest (<repository url>@sha256:...), by function key."
  value       = { for name, function in module.function : name => function.image_uri }
}

output "function_environments" {
  description = "Environment variables of each function by key, as Lambda gets them (the local runtime hands the same to the handlers it runs in-process). No secrets."
  value       = { for name, variables in local.function_environment : name => tomap(variables) }
}

output "function_role_arns" {
  description = "Execution role ARN by function key."
  value       = { for name, function in module.function : name => function.role_arn }
}

output "ecr_repository_urls" {
  description = "Image repository URL by function key, in the language region (scripts/push.sh pushes <url>:<content-hash tag> there)."
  value       = { for name, function in module.function : name => function.repository_url }
}

output "audio_uploads_queue_url" {
  description = "URL of the queue S3 notifies for each object created under the speech bucket's audio/ prefix."
  value       = module.audio_uploads_queue.queue_url
}

output "audio_uploads_queue_arn" {
  description = "ARN of the audio-uploads queue."
  value       = module.audio_uploads_queue.queue_arn
}

output "dead_letter_queue_urls" {
  description = "DLQ URL by source: audio_uploads (messages transcription_start failed five times), transcription_done (events EventBridge or the async retries could not deliver)."
  value       = { for name, queue in local.dead_letter_queues : name => queue.url }
}

output "transcription_job_prefix" {
  description = "Prefix every Transcribe job name of this environment must start with."
  value       = local.transcription_job_prefix
}

output "log_group_names" {
  description = "Log group name by function key."
  value       = { for name, function in module.function : name => function.log_group_name }
}

output "comprehend_dni_recognizer_arn" {
  description = "ARN of the custom DNI entity recogniser, or null when comprehend_dni_recognizer_enabled is false."
  value       = one(aws_comprehend_entity_recognizer.dni[*].arn)
}

output "comprehend_dni_training_data_s3_uri" {
  description = "Where the recogniser's training data goes: s3://<speech bucket>/comprehend/dni/ (documents.txt, entity_list.csv)."
  value       = local.dni_training_data_uri
}
