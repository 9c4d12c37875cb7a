# --- Names ------------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name, `acogida-<environment>` (Glue and Athena names use it with underscores)."
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

# --- Landing zone and database outputs --------------------------------------------------------------

variable "raw_bucket_name" {
  description = "The raw bucket: submissions/ (pseudonymised rows), uploads/ (coordinators' CSV, deleted once processed), rejected/ (upload reports)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.raw_bucket_name))
    error_message = "raw_bucket_name must be a valid S3 bucket name."
  }
}

variable "curated_bucket_name" {
  description = "The curated bucket: demand/ (the Glue job's output), intake_workload/, forecasts/."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.curated_bucket_name))
    error_message = "curated_bucket_name must be a valid S3 bucket name."
  }
}

variable "artifacts_bucket_name" {
  description = "The artifacts bucket: the Glue job's code under glue/code/ and its temporary files under glue/temp/."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "artifacts_bucket_name must be a valid S3 bucket name."
  }
}

variable "athena_results_bucket_name" {
  description = "The Athena results bucket (results/ of the analytics workgroup)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.athena_results_bucket_name))
    error_message = "athena_results_bucket_name must be a valid S3 bucket name."
  }
}

variable "audit_bucket_name" {
  description = "The landing zone's audit bucket (S3 Object Lock, governance mode): export_submissions writes one event per exported intake under events/ (AUDIT_BUCKET), and may only put objects there."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.audit_bucket_name))
    error_message = "audit_bucket_name must be a valid S3 bucket name."
  }
}

variable "audit_kms_key_arn" {
  description = "The landing zone's audit key: audit events are written with SSE-KMS under it (AUDIT_KMS_KEY_ARN)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.audit_kms_key_arn))
    error_message = "audit_kms_key_arn must be a KMS key ARN."
  }
}

variable "intakes_stream_arn" {
  description = "ARN of the intakes table's stream (new and old images): the export's event source."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/stream/.+$", var.intakes_stream_arn))
    error_message = "intakes_stream_arn must be a DynamoDB stream ARN."
  }
}

variable "s3_kms_key_arn" {
  description = "The landing zone's s3 key: raw, curated and artifacts objects (RAW_KMS_KEY_ARN), Glue's S3 encryption."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.s3_kms_key_arn))
    error_message = "s3_kms_key_arn must be a KMS key ARN."
  }
}

variable "analytics_kms_key_arn" {
  description = "The landing zone's analytics key: Athena results, Glue logs and job bookmarks."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.analytics_kms_key_arn))
    error_message = "analytics_kms_key_arn must be a KMS key ARN."
  }
}

variable "secrets_kms_key_arn" {
  description = "The landing zone's secrets key: the pseudonymisation secret."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN."
  }
}

variable "messaging_kms_key_arn" {
  description = "The landing zone's messaging key: the queues and the uploads topic."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.messaging_kms_key_arn))
    error_message = "messaging_kms_key_arn must be a KMS key ARN."
  }
}

variable "dynamodb_kms_key_arn" {
  description = "The landing zone's dynamodb key (the intakes stream's records are encrypted with it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.dynamodb_kms_key_arn))
    error_message = "dynamodb_kms_key_arn must be a KMS key ARN."
  }
}

variable "lambda_kms_key_arn" {
  description = "The landing zone's lambda key (function environments)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "The landing zone's logs key (function log groups)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "ecr_kms_key_arn" {
  description = "The landing zone's ecr key (image repositories)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.ecr_kms_key_arn))
    error_message = "ecr_kms_key_arn must be a KMS key ARN."
  }
}

variable "alerts_topic_arn" {
  description = "The landing zone's alerts topic: function errors, DLQ depth, Glue failures."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.alerts_topic_arn))
    error_message = "alerts_topic_arn must be an SNS topic ARN."
  }
}

# --- Functions -------------------------------------------------------------------------------------

variable "image_tags" {
  description = "The image tag of each function of this module (export_submissions, bulk_upload): the content-hash tag scripts/push.sh pushed (acogida.infra.images); each function runs the digest its tag has in its repository. The repositories are IMMUTABLE, so a tag always means the same image; `latest` is refused."
  type        = map(string)

  validation {
    condition     = toset(keys(var.image_tags)) == toset(["export_submissions", "bulk_upload"])
    error_message = "image_tags must name exactly this module's functions: export_submissions, bulk_upload."
  }

  validation {
    condition     = alltrue([for tag in values(var.image_tags) : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", tag)) && tag != "latest"])
    error_message = "Every image_tags value must be a valid image tag and not \"latest\"."
  }
}

variable "ecr_images_to_keep" {
  description = "Images each repository keeps (older ones expire)."
  type        = number
  default     = 10

  validation {
    condition     = var.ecr_images_to_keep >= 1 && var.ecr_images_to_keep <= 1000
    error_message = "ecr_images_to_keep must be between 1 and 1000."
  }
}

variable "force_delete_repositories" {
  description = "Let destroy delete the image repositories with their images (throw-away environments only)."
  type        = bool
  default     = false
}

variable "log_level" {
  description = "Powertools log level of the functions."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)."
  }
}

variable "export_trigger_enabled" {
  description = "Whether the intakes stream invokes export_submissions. Off in local mode: the emulator cannot run images, the local runtime reads the stream and invokes the handler."
  type        = bool
  default     = true
}

variable "bulk_upload_trigger_enabled" {
  description = "Whether the bulk-uploads queue invokes bulk_upload. Off in local mode (messages wait in the queue for the local runtime)."
  type        = bool
  default     = true
}

variable "office_timezone" {
  description = "Time zone of the offices: an upload's times without an offset are read in it (OFFICE_TIMEZONE)."
  type        = string
  default     = "Europe/Madrid"

  validation {
    condition     = can(regex("^[A-Za-z]+(/[A-Za-z_+-]+)+$", var.office_timezone))
    error_message = "office_timezone must be an IANA time zone such as Europe/Madrid or Atlantic/Canary."
  }
}

variable "upload_notification_emails" {
  description = "E-mail addresses told about each processed bulk upload (counts and report key, no personal data)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.upload_notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "upload_notification_emails must be e-mail addresses."
  }
}

# --- Pseudonymisation secret -------------------------------------------------------------------------

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can be restored (0 deletes at once: throw-away environments only)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

# --- Glue ------------------------------------------------------------------------------------------

variable "glue_job_script_path" {
  description = "Path of the job's entry point on this machine (src/glue-jobs/workforce_demand/job.py)."
  type        = string

  validation {
    condition     = endswith(var.glue_job_script_path, ".py")
    error_message = "glue_job_script_path must be a .py file."
  }
}

variable "glue_package_path" {
  description = "Path of the zip of the acogida transformation code (built by acogida.infra.glue_package before plan)."
  type        = string

  validation {
    condition     = endswith(var.glue_package_path, ".zip")
    error_message = "glue_package_path must be a .zip file."
  }
}

variable "glue_worker_type" {
  description = "Worker type of the Spark job (G.1X: 4 vCPU, 16 GB; G.2X for more rows per worker)."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X"], var.glue_worker_type)
    error_message = "glue_worker_type must be G.1X, G.2X, G.4X or G.8X."
  }
}

variable "glue_number_of_workers" {
  description = "Workers of the Spark job (2 is Glue's minimum; see the module README for sizing)."
  type        = number
  default     = 2

  validation {
    condition     = var.glue_number_of_workers >= 2 && var.glue_number_of_workers <= 100
    error_message = "glue_number_of_workers must be between 2 and 100."
  }
}

variable "crawler_schedule" {
  description = "Schedule of the submissions crawler (a cron() expression, UTC); it also runs on demand."
  type        = string
  default     = "cron(30 1 * * ? *)"

  validation {
    condition     = can(regex("^cron\\(.+\\)$", var.crawler_schedule))
    error_message = "crawler_schedule must be a cron() expression."
  }
}

variable "etl_schedule" {
  description = "Schedule of the workforce_demand job (cron(), UTC), after the crawler; the pipeline also starts it."
  type        = string
  default     = "cron(0 2 * * ? *)"

  validation {
    condition     = can(regex("^cron\\(.+\\)$", var.etl_schedule))
    error_message = "etl_schedule must be a cron() expression."
  }
}

variable "etl_schedule_enabled" {
  description = "Whether the daily trigger of the workforce_demand job is on."
  type        = bool
  default     = true
}

# --- Athena and QuickSight --------------------------------------------------------------------------

variable "athena_bytes_scanned_cutoff" {
  description = "Bytes one query of the analytics workgroup may scan before Athena cancels it (at least 10 MB)."
  type        = number
  default     = 10737418240 # 10 GiB

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10485760 (10 MB), Athena's minimum."
  }
}

variable "force_destroy_workgroup" {
  description = "Let destroy delete the workgroup with its named queries and history (throw-away environments only)."
  type        = bool
  default     = false
}

variable "quicksight_enabled" {
  description = "Create the QuickSight data source, datasets, analysts group and dashboard (needs a QuickSight subscription in the account)."
  type        = bool
  default     = false
}
