output "kms_key_arns" {
  description = "ARN of each customer-managed key, by service: s3, dynamodb, logs, lambda, ecr, messaging, analytics, language, audit, secrets."
  value       = { for name, key in aws_kms_key.this : name => key.arn }
}

output "kms_key_ids" {
  description = "Key id of each customer-managed key, by service."
  value       = { for name, key in aws_kms_key.this : name => key.key_id }
}

output "kms_alias_names" {
  description = "Alias of each customer-managed key, by service (alias/<name_prefix>-<service>)."
  value       = { for name, alias in aws_kms_alias.this : name => alias.name }
}

output "s3_bucket_names" {
  description = "Name of each bucket, by role: raw, curated, artifacts, transcripts, athena-results, reports, access-logs."
  value       = merge({ for name, bucket in aws_s3_bucket.this : name => bucket.bucket }, { access-logs = aws_s3_bucket.access_logs.bucket })
}

output "s3_bucket_arns" {
  description = "ARN of each bucket, by role."
  value       = merge({ for name, bucket in aws_s3_bucket.this : name => bucket.arn }, { access-logs = aws_s3_bucket.access_logs.arn })
}

output "s3_bucket_kms_key_arns" {
  description = "ARN of the key that encrypts each data bucket by default (writers name it in SSE-KMS requests)."
  value       = { for name, bucket in local.data_buckets : name => aws_kms_key.this[bucket.kms_key].arn }
}

output "sns_alerts_topic_arn" {
  description = "ARN of the operational alerts topic."
  value       = module.alerts_topic.topic_arn
}

output "sns_alerts_topic_name" {
  description = "Name of the operational alerts topic."
  value       = module.alerts_topic.topic_name
}

output "access_logs_bucket_policy" {
  description = "Policy (JSON) of the access-logs bucket: S3 server access log delivery from this account's buckets, the front load balancer's log delivery under load_balancer_log_prefix when set, TLS only."
  value       = aws_s3_bucket_policy.access_logs.policy
}

output "audit_bucket_name" {
  description = "The audit bucket (Object Lock, governance mode): events/intake_id=<id|none>/<at>_<event_id>.json."
  value       = aws_s3_bucket.audit.bucket
}

output "audit_bucket_arn" {
  description = "ARN of the audit bucket."
  value       = aws_s3_bucket.audit.arn
}

output "audit_kms_key_arn" {
  description = "The audit key: every event is written with SSE-KMS under it (the bucket policy refuses any other)."
  value       = aws_kms_key.this["audit"].arn
}

output "audit_bucket_policy" {
  description = "Policy (JSON) of the audit bucket: TLS only, events under the audit key only."
  value       = aws_s3_bucket_policy.audit.policy
}

output "audit_retention_days" {
  description = "Days each audit event is locked (governance mode) and then kept before it expires."
  value       = aws_s3_bucket_object_lock_configuration.audit.rule[0].default_retention[0].days
}
