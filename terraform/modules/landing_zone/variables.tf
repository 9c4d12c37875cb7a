variable "name_prefix" {
  description = "Prefix of every resource name, `acogida-<environment>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-32 lowercase letters, digits or hyphens, starting with a letter (e.g. acogida-dev)."
  }
}

variable "transcript_retention_days" {
  description = "Days after which draft transcripts (the transcripts bucket's drafts/) expire. Short on purpose: they hold the full conversation. (Redacted transcripts follow submitted_intake_retention_days; recorded audio is in the speech bucket of module transcription.)"
  type        = number

  validation {
    condition     = var.transcript_retention_days >= 1 && var.transcript_retention_days <= 365 && floor(var.transcript_retention_days) == var.transcript_retention_days
    error_message = "transcript_retention_days must be a whole number between 1 and 365."
  }
}

variable "submitted_intake_retention_days" {
  description = "Days after which a submitted intake's redacted transcript (the transcripts bucket's redacted/, written at submission) expires: the same retention as the intake record's TTL."
  type        = number

  validation {
    condition     = var.submitted_intake_retention_days >= 1 && var.submitted_intake_retention_days <= 3653 && floor(var.submitted_intake_retention_days) == var.submitted_intake_retention_days
    error_message = "submitted_intake_retention_days must be a whole number of days between 1 and 3653 (10 years)."
  }
}

variable "lake_retention_days" {
  description = "Days after which the pseudonymised lake's objects expire: every current object of the raw bucket (submissions/, uploads/, rejected/) and of the curated bucket, counted from when it was written."
  type        = number

  validation {
    condition     = var.lake_retention_days >= 1 && var.lake_retention_days <= 3653 && floor(var.lake_retention_days) == var.lake_retention_days
    error_message = "lake_retention_days must be a whole number of days between 1 and 3653 (10 years)."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a noncurrent (overwritten or deleted) object version is kept in any bucket before it expires. Bounds how long an erased record survives in versions."
  type        = number

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number between 1 and 3650."
  }
}

variable "athena_results_retention_days" {
  description = "Days after which Athena query results expire."
  type        = number
  default     = 30

  validation {
    condition     = var.athena_results_retention_days >= 1 && var.athena_results_retention_days <= 3650 && floor(var.athena_results_retention_days) == var.athena_results_retention_days
    error_message = "athena_results_retention_days must be a whole number between 1 and 3650."
  }
}

variable "access_log_retention_days" {
  description = "Days S3 server access logs are kept."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 30 && var.access_log_retention_days <= 3650 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number between 30 and 3650."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled KMS key deletion takes effect."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number between 7 and 30 (the range AWS accepts)."
  }
}

variable "force_destroy_buckets" {
  description = "Let `terraform destroy` delete buckets that still hold objects. Only for throw-away environments (local, dev)."
  type        = bool
  default     = false
}

variable "alert_email_addresses" {
  description = "E-mail addresses subscribed to the operational alerts topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "Every entry of alert_email_addresses must be an e-mail address."
  }
}

variable "load_balancer_log_prefix" {
  description = "Prefix under which the front's load balancer (module app) writes access logs into the access-logs bucket; the bucket policy then admits ELB log delivery to <prefix>/AWSLogs/<account>/ only. null: no load balancer logs here (front hosting off)."
  type        = string
  default     = null

  validation {
    condition     = var.load_balancer_log_prefix == null || can(regex("^[a-z0-9][a-z0-9/_.-]*[a-z0-9]$", var.load_balancer_log_prefix))
    error_message = "load_balancer_log_prefix must be lowercase letters, digits, / _ . - without leading or trailing slash (ELB appends AWSLogs/ itself)."
  }
}
