# --- Names ------------------------------------------------------------------------------------------

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

# --- Landing zone, lake and API outputs ---------------------------------------------------------------

variable "artifacts_bucket_name" {
  description = "The artifacts bucket (versioned): the pipeline's artifact store (under the pipeline's own prefix) and, with source_provider S3, the source archive."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "artifacts_bucket_name must be a valid S3 bucket name."
  }
}

variable "curated_bucket_name" {
  description = "The curated bucket: the train stage reads the demand series the Glue job writes there (CURATED_BUCKET)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.curated_bucket_name))
    error_message = "curated_bucket_name must be a valid S3 bucket name."
  }
}

variable "curated_demand_key" {
  description = "Where the Glue job writes the demand CSV in the curated bucket (CURATED_DEMAND_KEY). Spark names the one part file it writes (part-00000-<uuid>.csv), so this is the folder, ending in /: the train stage reads the one CSV under it."
  type        = string

  validation {
    condition     = can(regex("^([A-Za-z0-9_.=-]+/)+$", var.curated_demand_key))
    error_message = "curated_demand_key must be a key prefix of the curated bucket ending in / (e.g. demand/forecast_import/)."
  }
}

variable "reports_bucket_name" {
  description = "The reports bucket: published CSV and PNG reports under reports/ (REPORTS_BUCKET)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.reports_bucket_name))
    error_message = "reports_bucket_name must be a valid S3 bucket name."
  }
}

variable "glue_job_name" {
  description = "The workforce_demand Glue job the prepare stage starts (module bi output glue_job_name)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,255}$", var.glue_job_name))
    error_message = "glue_job_name must be a Glue job name (letters, digits, _ . -)."
  }
}

variable "s3_kms_key_arn" {
  description = "The landing zone's s3 key: reports and artifacts objects (S3_KMS_KEY_ARN), the pipeline's artifact store, the build projects' output."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.s3_kms_key_arn))
    error_message = "s3_kms_key_arn must be a KMS key ARN."
  }
}

variable "dynamodb_kms_key_arn" {
  description = "The landing zone's dynamodb key: the forecasts table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.dynamodb_kms_key_arn))
    error_message = "dynamodb_kms_key_arn must be a KMS key ARN."
  }
}

variable "messaging_kms_key_arn" {
  description = "The landing zone's messaging key: the forecast-published topic."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.messaging_kms_key_arn))
    error_message = "messaging_kms_key_arn must be a KMS key ARN."
  }
}

variable "lambda_kms_key_arn" {
  description = "The landing zone's lambda key (the function's environment)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "The landing zone's logs key (the function's and the build projects' log groups)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "ecr_kms_key_arn" {
  description = "The landing zone's ecr key (the function's image repository)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.ecr_kms_key_arn))
    error_message = "ecr_kms_key_arn must be a KMS key ARN."
  }
}

variable "alerts_topic_arn" {
  description = "The landing zone's alerts topic: function errors and failed pipeline executions."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.alerts_topic_arn))
    error_message = "alerts_topic_arn must be an SNS topic ARN."
  }
}

variable "api_id" {
  description = "Id of the intake HTTP API (module app) the forecast routes are added to."
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
  description = "Id of the API's Cognito JWT authorizer: every forecast route requires it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{1,32}$", var.authorizer_id))
    error_message = "authorizer_id must be an API Gateway authorizer id (lowercase letters and digits)."
  }
}

# --- Function ----------------------------------------------------------------------------------------

variable "image_tags" {
  description = "The image tag of each function of this module (forecast_api): the content-hash tag scripts/push.sh pushed (acogida.infra.images); each function runs the digest its tag has in its repository. The repositories are IMMUTABLE, so a tag always means the same image; `latest` is refused."
  type        = map(string)

  validation {
    condition     = toset(keys(var.image_tags)) == toset(["forecast_api"])
    error_message = "image_tags must name exactly this module's functions: forecast_api."
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
    condition     = var.ecr_images_to_keep >= 1 && var.ecr_images_to_keep <= 1000
    error_message = "ecr_images_to_keep must be between 1 and 1000."
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
  description = "Retention of the function's and the build projects' log groups (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)."
  }
}

variable "report_link_ttl_seconds" {
  description = "Lifetime of the pre-signed report links the API lists and the e-mail carries (REPORT_LINK_TTL_SECONDS). A link signed with temporary credentials also ends when they do, whatever this says (see README)."
  type        = number
  default     = 3600

  validation {
    condition     = var.report_link_ttl_seconds >= 60 && var.report_link_ttl_seconds <= 604800 && floor(var.report_link_ttl_seconds) == var.report_link_ttl_seconds
    error_message = "report_link_ttl_seconds must be a whole number between 60 and 604800 (SigV4's 7-day limit)."
  }
}

# --- Forecast store and notices ----------------------------------------------------------------------

variable "deletion_protection" {
  description = "Deletion protection of the forecasts table (off only in throw-away environments)."
  type        = bool
  default     = true
}

variable "forecast_horizon_days" {
  description = "Days ahead the train stage forecasts (FORECAST_HORIZON_DAYS); the API answers at most 90 days (MAX_FORECAST_DAYS)."
  type        = number
  default     = 28

  validation {
    condition     = var.forecast_horizon_days >= 7 && var.forecast_horizon_days <= 90 && floor(var.forecast_horizon_days) == var.forecast_horizon_days
    error_message = "forecast_horizon_days must be a whole number between 7 and 90."
  }
}

variable "forecast_ttl_days" {
  description = "Days a published forecast row lives before DynamoDB's TTL removes it (FORECAST_TTL_DAYS; publish sets expires_at)."
  type        = number
  default     = 400

  validation {
    condition     = var.forecast_ttl_days >= 1 && var.forecast_ttl_days <= 3650 && floor(var.forecast_ttl_days) == var.forecast_ttl_days
    error_message = "forecast_ttl_days must be a whole number between 1 and 3650."
  }
}

variable "notification_emails" {
  description = "E-mail addresses subscribed to the forecast-published topic (each publication, and in prod the approval requests)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "notification_emails must be e-mail addresses."
  }
}

variable "report_sender_email" {
  description = "The address the report e-mail is sent from (an SES e-mail identity is created for it; SES mails it a verification link). null: no e-mail step (REPORT_SENDER_EMAIL empty)."
  type        = string
  default     = null

  validation {
    condition     = var.report_sender_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.report_sender_email))
    error_message = "report_sender_email must be an e-mail address or null."
  }
}

variable "coordinator_emails" {
  description = "Coordinators who get the report e-mail, by office (COORDINATOR_EMAILS_JSON): office key (as in the intakes' office) → addresses."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for office, addresses in var.coordinator_emails : can(regex("^[a-z0-9][a-z0-9_-]{0,63}$", office))])
    error_message = "coordinator_emails keys must be office keys: lowercase letters, digits, _ or -, at most 64."
  }

  validation {
    condition = alltrue([for office, addresses in var.coordinator_emails :
      length(addresses) > 0 && length(addresses) == length(distinct(addresses)) &&
      alltrue([for address in addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    ])
    error_message = "Each office in coordinator_emails needs at least one e-mail address, without repeats."
  }

  validation {
    condition     = length(var.coordinator_emails) == 0 || var.report_sender_email != null
    error_message = "coordinator_emails needs report_sender_email: without a sender no report e-mail is sent."
  }
}

# --- Pipeline --------------------------------------------------------------------------------------

variable "pipeline_enabled" {
  description = "Create the CodePipeline, its four CodeBuild projects, their roles and log groups (and the connection, if any). false only in local mode: the emulator holds none of them; PIPELINE_NAME is then empty."
  type        = bool
  default     = true
}

variable "manual_approval_enabled" {
  description = "Put a manual approval (notified on the forecast topic) between the gate and publish (prod)."
  type        = bool
  default     = false
}

variable "source_provider" {
  description = "Where the pipeline takes the repository from: S3 (an archive in the artifacts bucket, the default), CodeStarSourceConnection (GitHub or GitLab through CodeConnections) or CodeCommit (legacy: closed to new customers)."
  type        = string
  default     = "S3"

  validation {
    condition     = contains(["S3", "CodeStarSourceConnection", "CodeCommit"], var.source_provider)
    error_message = "source_provider must be S3, CodeStarSourceConnection or CodeCommit."
  }
}

variable "source_object_key" {
  description = "S3 source: key of the repository archive (zip) in the artifacts bucket; upload a new version, then start a run."
  type        = string
  default     = "mlops/source.zip"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.=/-]+\\.zip$", var.source_object_key)) && !startswith(var.source_object_key, "/")
    error_message = "source_object_key must be a key ending in .zip, without a leading /."
  }
}

variable "connection_provider_type" {
  description = "CodeStarSourceConnection source: the connection's provider, GitHub or GitLab (the connection must be completed once in the console)."
  type        = string
  default     = "GitHub"

  validation {
    condition     = contains(["GitHub", "GitLab"], var.connection_provider_type)
    error_message = "connection_provider_type must be GitHub or GitLab."
  }
}

variable "repository_id" {
  description = "CodeStarSourceConnection source: the repository, owner/name (FullRepositoryId). Required with that provider."
  type        = string
  default     = null

  validation {
    condition     = var.repository_id == null || can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", var.repository_id))
    error_message = "repository_id must be owner/name (GitLab groups: group/subgroup/name)."
  }

  validation {
    condition     = var.source_provider != "CodeStarSourceConnection" || var.repository_id != null
    error_message = "source_provider CodeStarSourceConnection needs repository_id."
  }
}

variable "branch_name" {
  description = "CodeStarSourceConnection and CodeCommit sources: the branch a run takes."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]{1,255}$", var.branch_name))
    error_message = "branch_name must be a branch name."
  }
}

variable "codecommit_repository_name" {
  description = "CodeCommit source (legacy): the existing repository's name. Required with that provider."
  type        = string
  default     = null

  validation {
    condition     = var.codecommit_repository_name == null || can(regex("^[A-Za-z0-9_.-]{1,100}$", var.codecommit_repository_name))
    error_message = "codecommit_repository_name must be a CodeCommit repository name."
  }

  validation {
    condition     = var.source_provider != "CodeCommit" || var.codecommit_repository_name != null
    error_message = "source_provider CodeCommit needs codecommit_repository_name."
  }
}

variable "train_compute_type" {
  description = "Compute of the train stage (ARM: BUILD_GENERAL1_SMALL 2 vCPU/4 GB or BUILD_GENERAL1_LARGE 8 vCPU/16 GB); the other stages run SMALL."
  type        = string
  default     = "BUILD_GENERAL1_LARGE"

  validation {
    condition     = contains(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_LARGE"], var.train_compute_type)
    error_message = "train_compute_type must be BUILD_GENERAL1_SMALL or BUILD_GENERAL1_LARGE (the ARM sizes)."
  }
}
