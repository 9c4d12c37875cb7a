# --- Names --------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name, `acogida-<environment>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-32 lowercase letters, digits or hyphens, starting with a letter (e.g. acogida-dev)."
  }
}

variable "environment" {
  description = "Environment name the function reports in ACOGIDA_ENVIRONMENT: local, dev, test, pre or prod."
  type        = string

  validation {
    condition     = contains(["local", "dev", "test", "pre", "prod"], var.environment)
    error_message = "environment must be one of local, dev, test, pre, prod."
  }
}

variable "language_region" {
  description = "Region of the audio bucket (ACOGIDA_LANGUAGE_REGION): the function erases recordings and Transcribe output there."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.language_region))
    error_message = "language_region must look like eu-west-1."
  }
}

variable "transcription_job_prefix" {
  description = "Prefix of the environment's Transcribe job names (`<name_prefix>-`): a person's Transcribe output is transcribe/<prefix><intake_id>-<n>.json."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}-$", var.transcription_job_prefix))
    error_message = "transcription_job_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

# --- Stores where a person's data lives ---------------------------------------------------------

variable "intakes_table_name" {
  description = "Name of the intakes table (INTAKES_TABLE)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.intakes_table_name))
    error_message = "intakes_table_name must be a valid DynamoDB table name."
  }
}

variable "intakes_table_arn" {
  description = "ARN of the intakes table: Scan, GetItem and DeleteItem (no index)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.intakes_table_arn))
    error_message = "intakes_table_arn must be a DynamoDB table ARN."
  }
}

variable "idempotency_table_name" {
  description = "Name of the Powertools idempotency table (IDEMPOTENCY_TABLE): its records hold an intake's answer for a day."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.idempotency_table_name))
    error_message = "idempotency_table_name must be a valid DynamoDB table name."
  }
}

variable "idempotency_table_arn" {
  description = "ARN of the Powertools idempotency table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.idempotency_table_arn))
    error_message = "idempotency_table_arn must be a DynamoDB table ARN."
  }
}

variable "dynamodb_kms_key_arn" {
  description = "ARN of the key of both tables (the landing zone's `dynamodb` key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.dynamodb_kms_key_arn))
    error_message = "dynamodb_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "transcripts_bucket_name" {
  description = "Transcripts bucket (drafts/, redacted/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.transcripts_bucket_name))
    error_message = "transcripts_bucket_name must be a valid S3 bucket name."
  }
}

variable "transcripts_kms_key_arn" {
  description = "ARN of the transcripts bucket's key."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.transcripts_kms_key_arn))
    error_message = "transcripts_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "audio_bucket_name" {
  description = "Speech bucket in the language region (audio/, transcribe/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.audio_bucket_name))
    error_message = "audio_bucket_name must be a valid S3 bucket name."
  }
}

variable "audio_kms_key_arn" {
  description = "ARN of the speech bucket's key (language region); named in AUDIO_KMS_KEY_ARN, not granted: the function never reads audio."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.audio_kms_key_arn))
    error_message = "audio_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "raw_bucket_name" {
  description = "Raw bucket of the lake (submissions/, uploads/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.raw_bucket_name))
    error_message = "raw_bucket_name must be a valid S3 bucket name."
  }
}

variable "raw_kms_key_arn" {
  description = "ARN of the raw bucket's key: rewritten lake objects are encrypted with it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.raw_kms_key_arn))
    error_message = "raw_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "pseudonymisation_secret_arn" {
  description = "ARN of the pseudonymisation key ring (module bi): person_key under each key version finds the person's lake rows."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.pseudonymisation_secret_arn))
    error_message = "pseudonymisation_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "secrets_kms_key_arn" {
  description = "ARN of the key that encrypts the key ring secret (the landing zone's `secrets` key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "audit_bucket_name" {
  description = "Audit bucket (AUDIT_BUCKET): access requests and erasures are appended under events/, and a person's export includes their intakes' history."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.audit_bucket_name))
    error_message = "audit_bucket_name must be a valid S3 bucket name."
  }
}

variable "audit_kms_key_arn" {
  description = "ARN of the audit bucket's key (AUDIT_KMS_KEY_ARN)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.audit_kms_key_arn))
    error_message = "audit_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

# --- API and function ---------------------------------------------------------------------------

variable "api_id" {
  description = "Id of the intake HTTP API (module app) the privacy routes are added to."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{1,32}$", var.api_id))
    error_message = "api_id must be an API Gateway id (lowercase letters and digits)."
  }
}

variable "api_execution_arn" {
  description = "Execution ARN of the intake HTTP API: the function's invoke permissions name its routes under it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:[0-9]{12}:[a-z0-9]+$", var.api_execution_arn))
    error_message = "api_execution_arn must be an execute-api ARN (arn:aws:execute-api:<region>:<account>:<api id>)."
  }
}

variable "authorizer_id" {
  description = "Id of the API's Cognito JWT authorizer: both privacy routes require it (the dpo group is checked by the function)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{1,32}$", var.authorizer_id))
    error_message = "authorizer_id must be an API Gateway authorizer id (lowercase letters and digits)."
  }
}

variable "lambda_kms_key_arn" {
  description = "ARN of the landing zone's `lambda` key: encrypts the function's environment variables."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the landing zone's `logs` key: encrypts the function's log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "ecr_kms_key_arn" {
  description = "ARN of the landing zone's `ecr` key: encrypts the image repository."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.ecr_kms_key_arn))
    error_message = "ecr_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "alerts_topic_arn" {
  description = "ARN of the landing zone's alerts topic: the function's errors alarm notifies it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.alerts_topic_arn))
    error_message = "alerts_topic_arn must be an SNS topic ARN."
  }
}

variable "image_tags" {
  description = "The image tag of each function of this module (privacy_api): the content-hash tag scripts/push.sh pushed (acogida.infra.images). The repositories are IMMUTABLE, so a tag always means the same image; `latest` is refused."
  type        = map(string)

  validation {
    condition     = toset(keys(var.image_tags)) == toset(["privacy_api"])
    error_message = "image_tags must name exactly this module's functions: privacy_api."
  }

  validation {
    condition     = alltrue([for tag in values(var.image_tags) : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", tag)) && tag != "latest"])
    error_message = "Every image_tags value must be a valid image tag and not \"latest\"."
  }
}

variable "ecr_images_to_keep" {
  description = "Images the function's repository keeps (older ones expire)."
  type        = number
  default     = 10

  validation {
    condition     = var.ecr_images_to_keep >= 1 && var.ecr_images_to_keep <= 1000 && floor(var.ecr_images_to_keep) == var.ecr_images_to_keep
    error_message = "ecr_images_to_keep must be a whole number between 1 and 1000."
  }
}

variable "force_delete_repositories" {
  description = "Let destroy delete the image repository with its images (throw-away environments only)."
  type        = bool
  default     = false
}

variable "log_level" {
  description = "Powertools log level of the function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group (a value CloudWatch Logs accepts). Its logs hold request ids and counts, never a document number."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)."
  }
}
