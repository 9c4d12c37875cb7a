# --- Names and regions --------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name, `acogida-<environment>`. Transcribe job names start with `<name_prefix>-` too (the IAM scope and the EventBridge rule rely on it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-32 lowercase letters, digits or hyphens, starting with a letter (e.g. acogida-dev)."
  }
}

variable "environment" {
  description = "Environment name the functions report in ACOGIDA_ENVIRONMENT: local, dev, test, pre or prod."
  type        = string

  validation {
    condition     = contains(["local", "dev", "test", "pre", "prod"], var.environment)
    error_message = "environment must be one of local, dev, test, pre, prod."
  }
}

variable "data_region" {
  description = "The home region, where the intake data lives (the tables and the transcripts bucket below): the functions' ACOGIDA_DATA_REGION. The module's own resources are in the region of the provider it is given (the language region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.data_region))
    error_message = "data_region must look like eu-south-2."
  }
}

# --- Intake data in the home region (landing zone and database outputs) ------------------------

variable "intakes_table_name" {
  description = "Name of the intakes table (database module, home region)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.intakes_table_name))
    error_message = "intakes_table_name must be a valid DynamoDB table name."
  }
}

variable "intakes_table_arn" {
  description = "ARN of the intakes table (home region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.intakes_table_arn))
    error_message = "intakes_table_arn must be a DynamoDB table ARN."
  }
}

variable "intakes_office_index_name" {
  description = "Name of the intakes table's GSI by office and created_at (INTAKES_OFFICE_INDEX; part of the shared environment contract)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.intakes_office_index_name))
    error_message = "intakes_office_index_name must be a valid DynamoDB index name."
  }
}

variable "idempotency_table_name" {
  description = "Name of the Powertools idempotency table (database module, home region)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.idempotency_table_name))
    error_message = "idempotency_table_name must be a valid DynamoDB table name."
  }
}

variable "idempotency_table_arn" {
  description = "ARN of the Powertools idempotency table (home region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.idempotency_table_arn))
    error_message = "idempotency_table_arn must be a DynamoDB table ARN."
  }
}

variable "dynamodb_kms_key_arn" {
  description = "ARN of the key that encrypts the intakes and idempotency tables (the landing zone's `dynamodb` key, home region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.dynamodb_kms_key_arn))
    error_message = "dynamodb_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "transcripts_bucket_name" {
  description = "Name of the transcripts bucket (landing zone role `transcripts`, home region): transcription_done writes the draft snapshots under drafts/ (TRANSCRIPTS_BUCKET)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.transcripts_bucket_name))
    error_message = "transcripts_bucket_name must be a valid S3 bucket name."
  }
}

variable "transcripts_kms_key_arn" {
  description = "ARN of the key the transcripts bucket encrypts with (the landing zone's `language` key, home region): TRANSCRIPTS_KMS_KEY_ARN."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.transcripts_kms_key_arn))
    error_message = "transcripts_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

# --- Images -------------------------------------------------------------------------------------

variable "image_tags" {
  description = "The image tag of each function of this module (transcription_start, transcription_done): the content-hash tag scripts/push.sh pushed (acogida.infra.images); each function runs the digest its tag has in its repository. The repositories are IMMUTABLE, so a tag always means the same image; `latest` is refused."
  type        = map(string)

  validation {
    condition     = toset(keys(var.image_tags)) == toset(["transcription_start", "transcription_done"])
    error_message = "image_tags must name exactly this module's functions: transcription_start, transcription_done."
  }

  validation {
    condition     = alltrue([for tag in values(var.image_tags) : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", tag)) && tag != "latest"])
    error_message = "Every image_tags value must be a valid image tag and not \"latest\"."
  }
}

variable "ecr_images_to_keep" {
  description = "Images each repository keeps; older ones expire (the lifecycle policy counts all tags)."
  type        = number
  default     = 10

  validation {
    condition     = var.ecr_images_to_keep >= 1 && var.ecr_images_to_keep <= 1000 && floor(var.ecr_images_to_keep) == var.ecr_images_to_keep
    error_message = "ecr_images_to_keep must be a whole number between 1 and 1000."
  }
}

variable "force_delete_repositories" {
  description = "Let `terraform destroy` delete repositories that still hold images. Only for throw-away environments (local, dev)."
  type        = bool
  default     = false
}

# --- Function behaviour -------------------------------------------------------------------------

variable "log_level" {
  description = "Log level of the functions (POWERTOOLS_LOG_LEVEL and LOG_LEVEL; Lambda's application log level follows it)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Days the function log groups keep events. Must be a value CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "draft_ttl_days" {
  description = "Days an unsubmitted draft intake lives before DynamoDB TTL removes it (DRAFT_TTL_DAYS)."
  type        = number
  default     = 7

  validation {
    condition     = var.draft_ttl_days >= 1 && var.draft_ttl_days <= 90 && floor(var.draft_ttl_days) == var.draft_ttl_days
    error_message = "draft_ttl_days must be a whole number between 1 and 90."
  }
}

variable "submitted_intake_retention_days" {
  description = "Days a submitted intake is kept after its submission (SUBMITTED_INTAKE_RETENTION_DAYS: intake_api sets the record's TTL attribute to submitted_at plus this)."
  type        = number

  validation {
    condition     = var.submitted_intake_retention_days >= 1 && var.submitted_intake_retention_days <= 3653 && floor(var.submitted_intake_retention_days) == var.submitted_intake_retention_days
    error_message = "submitted_intake_retention_days must be a whole number of days between 1 and 3653 (10 years)."
  }
}

variable "comprehend_enabled" {
  description = "Whether transcription_done calls Amazon Comprehend DetectEntities/DetectPiiEntities (COMPREHEND_ENABLED) and its role may. false where Comprehend is not available (local mode)."
  type        = bool
  default     = true
}

variable "audio_uploads_trigger_enabled" {
  description = "Whether Lambda polls the audio-uploads queue for transcription_start (the event source mapping exists either way; this is its enabled flag). false in local mode only: the emulator cannot run the image (no Docker) and its mapping would take every message the moment S3 sends it, leaving it in flight; disabled, the messages stay in the queue for the local runtime or a test to hand to the handler in-process."
  type        = bool
  default     = true
}

# --- Speech bucket ------------------------------------------------------------------------------

variable "audio_retention_days" {
  description = "Days after which recorded audio (audio/ in the speech bucket) expires. Short on purpose: it is the whole conversation."
  type        = number

  validation {
    condition     = var.audio_retention_days >= 1 && var.audio_retention_days <= 365 && floor(var.audio_retention_days) == var.audio_retention_days
    error_message = "audio_retention_days must be a whole number between 1 and 365."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a noncurrent (overwritten or deleted) object version is kept in the speech and access-log buckets before it expires. Bounds how long erased audio survives in versions."
  type        = number

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number between 1 and 3650."
  }
}

variable "access_log_retention_days" {
  description = "Days the speech bucket's S3 server access logs are kept."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 30 && var.access_log_retention_days <= 3650 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number between 30 and 3650."
  }
}

variable "force_destroy_buckets" {
  description = "Let `terraform destroy` delete the speech and access-log buckets while they hold objects. Only for throw-away environments (local, dev)."
  type        = bool
  default     = false
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled deletion of the speech key takes effect."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number between 7 and 30 (the range AWS accepts)."
  }
}

# --- Alerts -------------------------------------------------------------------------------------

variable "alert_email_addresses" {
  description = "E-mail addresses subscribed to the language region's alerts topic (the same as the landing zone's; each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "Every entry of alert_email_addresses must be an e-mail address."
  }
}

# --- Optional: custom Comprehend recogniser for DNI numbers -------------------------------------

variable "comprehend_dni_recognizer_enabled" {
  description = "Train a custom Comprehend entity recogniser for DNI numbers from s3://<speech bucket>/comprehend/dni/ (documents.txt, entity_list.csv). The functions do not need it (rules validate DNI/NIE). Off by default and always off in local mode (the emulator cannot train one)."
  type        = bool
  default     = false
}
