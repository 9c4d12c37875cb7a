variable "environment" {
  description = "Environment these values belong to: local (moto on 127.0.0.1), dev, test, pre or prod. Must equal the selected Terraform workspace."
  type        = string

  validation {
    condition     = contains(["local", "dev", "test", "pre", "prod"], var.environment)
    error_message = "environment must be one of local, dev, test, pre, prod."
  }

  # The workspace guard: config/dev.tfvars can never be planned or applied in the prod workspace.
  validation {
    condition     = var.environment == terraform.workspace
    error_message = "Workspace guard: the selected workspace is \"${terraform.workspace}\" but these variables are for environment \"${var.environment}\". Select the matching workspace (terraform workspace select ${var.environment}) or pass config/${terraform.workspace}.tfvars."
  }
}

variable "aws_region" {
  description = "AWS region of the environment (the Spanish region eu-south-2 by default in config/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like eu-south-2."
  }
}

variable "language_region" {
  description = "Region of the batch transcription path (module transcription: speech bucket, uploads queue, the two transcription functions, Transcribe jobs, the DNI recogniser) and of every Comprehend call. Amazon Transcribe and Amazon Comprehend are not offered in eu-south-2, so it differs from aws_region; eu-west-1 by default."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.language_region))
    error_message = "language_region must look like eu-west-1."
  }

  # botocore's endpoint data (botocore 1.44) lists both services in these European regions only;
  # recorded speech stays in Europe. Extend the list when AWS offers both somewhere else in Europe.
  validation {
    condition     = contains(["eu-central-1", "eu-west-1", "eu-west-2"], var.language_region)
    error_message = "language_region must be a European region offering both Amazon Transcribe and Amazon Comprehend: eu-central-1, eu-west-1 or eu-west-2 (eu-south-2 offers neither)."
  }
}

variable "aws_account_id" {
  description = "The only AWS account this environment may be applied to (the provider refuses any other)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "owner" {
  description = "Team or person accountable for the environment (default tag Owner)."
  type        = string

  validation {
    condition     = length(trimspace(var.owner)) > 0 && length(var.owner) <= 128
    error_message = "owner must be a non-empty string of at most 128 characters."
  }
}

variable "cost_centre" {
  description = "Cost centre billed for the environment (default tag CostCentre)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.cost_centre))
    error_message = "cost_centre must be 1-64 letters, digits, dots, underscores or hyphens."
  }
}

variable "transcript_retention_days" {
  description = "Days draft transcripts (transcripts bucket drafts/, home region) and recorded audio (speech bucket audio/, language region) are kept before they expire. Redacted transcripts of submitted intakes follow submitted_intake_retention_days."
  type        = number
  default     = 30

  validation {
    condition     = var.transcript_retention_days >= 1 && var.transcript_retention_days <= 365 && floor(var.transcript_retention_days) == var.transcript_retention_days
    error_message = "transcript_retention_days must be a whole number between 1 and 365."
  }
}

variable "submitted_intake_retention_days" {
  description = "Days a submitted intake is kept after its submission: the intakes table's TTL (expires_at, set by intake_api from SUBMITTED_INTAKE_RETENTION_DAYS) and the transcripts bucket's redacted/ lifecycle rule remove the record and its redacted transcript together. In years for real environments (e.g. 1826 = 5 years); the data-protection officer confirms the value (docs/data-protection.md)."
  type        = number
  default     = 1826

  validation {
    condition     = var.submitted_intake_retention_days >= 1 && var.submitted_intake_retention_days <= 3653 && floor(var.submitted_intake_retention_days) == var.submitted_intake_retention_days
    error_message = "submitted_intake_retention_days must be a whole number of days between 1 and 3653 (10 years)."
  }
}

variable "lake_retention_days" {
  description = "Days the pseudonymised lake keeps an object: the raw bucket (submissions/, uploads/, rejected/) and the curated bucket expire current objects this many days after they were written."
  type        = number
  default     = 1826

  validation {
    condition     = var.lake_retention_days >= 1 && var.lake_retention_days <= 3653 && floor(var.lake_retention_days) == var.lake_retention_days
    error_message = "lake_retention_days must be a whole number of days between 1 and 3653 (10 years)."
  }
}

variable "audit_retention_days" {
  description = "Days each audit event (who did what to which intake, docs/audit.md) is locked in the audit bucket (S3 Object Lock, governance mode) and kept; it expires afterwards. Years in production (2190 = 6 years), a few days in throw-away environments. No default: every config/<env>.tfvars states it."
  type        = number

  validation {
    condition     = var.audit_retention_days >= 1 && var.audit_retention_days <= 3650 && floor(var.audit_retention_days) == var.audit_retention_days
    error_message = "audit_retention_days must be a whole number of days between 1 and 3650."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days an overwritten or deleted object version survives in any bucket."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number between 1 and 3650."
  }
}

variable "athena_results_retention_days" {
  description = "Days Athena query results are kept."
  type        = number
  default     = 30

  validation {
    condition     = var.athena_results_retention_days >= 1 && var.athena_results_retention_days <= 3650 && floor(var.athena_results_retention_days) == var.athena_results_retention_days
    error_message = "athena_results_retention_days must be a whole number between 1 and 3650."
  }
}

variable "access_log_retention_days" {
  description = "Days S3 server access logs are kept (landing zone and speech bucket)."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 30 && var.access_log_retention_days <= 3650 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number between 30 and 3650."
  }
}

variable "alert_email_addresses" {
  description = "E-mail addresses subscribed to the operational alerts topics (the landing zone's in aws_region and the transcription path's in language_region: alarm actions are same-region)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "Every entry of alert_email_addresses must be an e-mail address."
  }
}

variable "image_tags" {
  description = "The content-hash tag of each function's image (keys intake_api, transcription_start, transcription_done, export_submissions, bulk_upload, forecast_api, privacy_api) and of the front's nginx image (key front): <image>-<20 hex digits> of what the image ships. Not set by hand: the tooling (acogida.infra.terraform, make plan/apply/demo) computes it from the checkout and passes a generated var file; each function runs the digest its tag has in its repository (scripts/push.sh pushes it)."
  type        = map(string)

  validation {
    condition     = toset(keys(var.image_tags)) == toset(["intake_api", "transcription_start", "transcription_done", "export_submissions", "bulk_upload", "forecast_api", "privacy_api", "front"])
    error_message = "image_tags must name every function (intake_api, transcription_start, transcription_done, export_submissions, bulk_upload, forecast_api, privacy_api) and front, and nothing else."
  }

  validation {
    condition     = alltrue([for tag in values(var.image_tags) : can(regex("^[a-z][a-z0-9]*-[0-9a-f]{20}$", tag))])
    error_message = "Every image_tags value must be a content-hash tag <image>-<20 lower-case hex digits> (scripts/hash.sh), never a moving tag such as latest."
  }
}

variable "log_level" {
  description = "Log level of the functions: DEBUG, INFO, WARNING or ERROR."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Days the function and API access log groups keep events, in both regions (a CloudWatch Logs retention value)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "draft_ttl_days" {
  description = "Days an unsubmitted draft intake lives before DynamoDB TTL removes it."
  type        = number
  default     = 7

  validation {
    condition     = var.draft_ttl_days >= 1 && var.draft_ttl_days <= 90 && floor(var.draft_ttl_days) == var.draft_ttl_days
    error_message = "draft_ttl_days must be a whole number between 1 and 90."
  }
}

variable "comprehend_enabled" {
  description = "Whether the functions call Amazon Comprehend, in language_region (and their roles may). false in local mode: the emulator has no Comprehend endpoint."
  type        = bool
  default     = true
}

variable "comprehend_dni_recognizer_enabled" {
  description = "Train the optional custom Comprehend DNI recogniser in language_region from s3://<speech bucket>/comprehend/dni/ (documents.txt, entity_list.csv). Never in local mode."
  type        = bool
  default     = false

  validation {
    condition     = !(var.environment == "local" && var.comprehend_dni_recognizer_enabled)
    error_message = "The emulator cannot train a Comprehend recogniser (its waiter never ends): comprehend_dni_recognizer_enabled must be false in local mode."
  }
}

variable "audio_uploads_trigger_enabled" {
  description = "Whether Lambda polls the audio-uploads queue. Only local mode turns it off: the emulator cannot run container images, and its enabled mapping would take each message as S3 sends it."
  type        = bool
  default     = true

  validation {
    condition     = var.audio_uploads_trigger_enabled || var.environment == "local"
    error_message = "audio_uploads_trigger_enabled may only be false in local mode: on AWS the batch transcription path needs the trigger."
  }
}

variable "export_trigger_enabled" {
  description = "Whether the intakes stream invokes export_submissions (off in local mode: the local runtime delivers the stream)."
  type        = bool
  default     = true
}

variable "bulk_upload_trigger_enabled" {
  description = "Whether the bulk-uploads queue invokes bulk_upload (off in local mode: the local runtime delivers the messages)."
  type        = bool
  default     = true
}

variable "upload_notification_emails" {
  description = "Coordinators' e-mail addresses told about each processed bulk upload."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.upload_notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "upload_notification_emails must be e-mail addresses."
  }
}

variable "glue_number_of_workers" {
  description = "Workers of the workforce_demand Glue job (G.1X; see terraform/modules/bi/README.md for sizing)."
  type        = number
  default     = 2

  validation {
    condition     = var.glue_number_of_workers >= 2 && var.glue_number_of_workers <= 100
    error_message = "glue_number_of_workers must be between 2 and 100."
  }
}

variable "etl_schedule_enabled" {
  description = "Whether the workforce_demand job runs daily by itself (the pipeline also starts it)."
  type        = bool
  default     = true
}

variable "quicksight_enabled" {
  description = "Create the QuickSight data source, datasets, analysts group and dashboard (needs a QuickSight subscription)."
  type        = bool
  default     = false
}

# --- Forecast and MLOps pipeline (module ml) ------------------------------------------------------

variable "mlops_pipeline_enabled" {
  description = "Create the forecast pipeline (CodePipeline, a CodeBuild project per stage, their roles and log groups). false only in local mode: the emulator holds no CodePipeline, CodeBuild or CodeStar connection (forecast_api then gets PIPELINE_NAME empty)."
  type        = bool
  default     = true

  validation {
    condition     = !(var.environment == "local" && var.mlops_pipeline_enabled)
    error_message = "The emulator holds no CodePipeline, CodeBuild project or CodeStar connection: mlops_pipeline_enabled must be false in local mode."
  }
}

variable "mlops_source_provider" {
  description = "Where the pipeline takes the repository from: S3 (s3://<artifacts bucket>/<mlops_source_object_key>), CodeStarSourceConnection (GitHub or GitLab) or CodeCommit (legacy: closed to new customers)."
  type        = string
  default     = "S3"

  validation {
    condition     = contains(["S3", "CodeStarSourceConnection", "CodeCommit"], var.mlops_source_provider)
    error_message = "mlops_source_provider must be S3, CodeStarSourceConnection or CodeCommit."
  }
}

variable "mlops_source_object_key" {
  description = "S3 source: key of the repository archive (zip) in the artifacts bucket."
  type        = string
  default     = "mlops/source.zip"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.=/-]+\\.zip$", var.mlops_source_object_key)) && !startswith(var.mlops_source_object_key, "/")
    error_message = "mlops_source_object_key must be a key ending in .zip, without a leading /."
  }
}

variable "mlops_connection_provider_type" {
  description = "CodeStarSourceConnection source: GitHub or GitLab."
  type        = string
  default     = "GitHub"

  validation {
    condition     = contains(["GitHub", "GitLab"], var.mlops_connection_provider_type)
    error_message = "mlops_connection_provider_type must be GitHub or GitLab."
  }
}

variable "mlops_repository_id" {
  description = "CodeStarSourceConnection source: the repository, owner/name. null with the other providers."
  type        = string
  default     = null

  validation {
    condition     = var.mlops_repository_id == null || can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", var.mlops_repository_id))
    error_message = "mlops_repository_id must be owner/name (GitLab groups: group/subgroup/name)."
  }
}

variable "mlops_branch_name" {
  description = "CodeStarSourceConnection and CodeCommit sources: the branch a run takes."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]{1,255}$", var.mlops_branch_name))
    error_message = "mlops_branch_name must be a branch name."
  }
}

variable "mlops_codecommit_repository_name" {
  description = "CodeCommit source (legacy): the existing repository. null with the other providers."
  type        = string
  default     = null

  validation {
    condition     = var.mlops_codecommit_repository_name == null || can(regex("^[A-Za-z0-9_.-]{1,100}$", var.mlops_codecommit_repository_name))
    error_message = "mlops_codecommit_repository_name must be a CodeCommit repository name."
  }
}

variable "forecast_horizon_days" {
  description = "Days ahead each run forecasts (the API answers at most 90)."
  type        = number
  default     = 28

  validation {
    condition     = var.forecast_horizon_days >= 7 && var.forecast_horizon_days <= 90 && floor(var.forecast_horizon_days) == var.forecast_horizon_days
    error_message = "forecast_horizon_days must be a whole number between 7 and 90."
  }
}

variable "forecast_ttl_days" {
  description = "Days a published forecast row lives in the forecasts table before its TTL removes it."
  type        = number
  default     = 400

  validation {
    condition     = var.forecast_ttl_days >= 1 && var.forecast_ttl_days <= 3650 && floor(var.forecast_ttl_days) == var.forecast_ttl_days
    error_message = "forecast_ttl_days must be a whole number between 1 and 3650."
  }
}

variable "report_link_ttl_seconds" {
  description = "Lifetime of the pre-signed report links (API and e-mail); links signed with temporary credentials end with them (terraform/modules/ml/README.md)."
  type        = number
  default     = 3600

  validation {
    condition     = var.report_link_ttl_seconds >= 60 && var.report_link_ttl_seconds <= 604800 && floor(var.report_link_ttl_seconds) == var.report_link_ttl_seconds
    error_message = "report_link_ttl_seconds must be a whole number between 60 and 604800."
  }
}

variable "forecast_notification_emails" {
  description = "E-mail addresses subscribed to the forecast-published topic (publications; approval requests in prod)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.forecast_notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "forecast_notification_emails must be e-mail addresses."
  }
}

variable "report_sender_email" {
  description = "Address the report e-mail is sent from (an SES identity is created; follow the link SES mails to it). null: no report e-mail."
  type        = string
  default     = null

  validation {
    condition     = var.report_sender_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.report_sender_email))
    error_message = "report_sender_email must be an e-mail address or null."
  }
}

variable "coordinator_emails" {
  description = "Coordinators who get the report e-mail, by office key (as in the intakes' office). Needs report_sender_email."
  type        = map(list(string))
  default     = {}

  validation {
    condition = alltrue([for office, addresses in var.coordinator_emails :
      can(regex("^[a-z0-9][a-z0-9_-]{0,63}$", office)) && length(addresses) > 0 &&
      alltrue([for address in addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    ])
    error_message = "coordinator_emails maps office keys (lowercase letters, digits, _ or -) to at least one e-mail address each."
  }

  validation {
    condition     = length(var.coordinator_emails) == 0 || var.report_sender_email != null
    error_message = "coordinator_emails needs report_sender_email: without a sender no report e-mail is sent."
  }
}

variable "cors_allowed_origins" {
  description = "Origins the browser front may call the intake API from (https://host[:port]). Empty: no CORS."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", origin)) || can(regex("^http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?$", origin))])
    error_message = "Every cors_allowed_origins entry must be an https origin without path or wildcard (http only for localhost)."
  }
}

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second the intake API allows."
  type        = number
  default     = 50

  validation {
    condition     = var.api_throttling_rate_limit >= 1 && var.api_throttling_rate_limit <= 10000
    error_message = "api_throttling_rate_limit must be between 1 and 10000."
  }
}

variable "api_throttling_burst_limit" {
  description = "Request burst the intake API allows."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 5000 && floor(var.api_throttling_burst_limit) == var.api_throttling_burst_limit
    error_message = "api_throttling_burst_limit must be a whole number between 1 and 5000."
  }
}

variable "emulator_endpoint" {
  description = "Local mode only: URL of the AWS emulator (moto) on the loopback interface. null on AWS; required when environment is local."
  type        = string
  default     = null

  validation {
    condition     = var.emulator_endpoint == null || can(regex("^http://(127\\.0\\.0\\.1|localhost):[0-9]{2,5}$", var.emulator_endpoint))
    error_message = "emulator_endpoint must be http://127.0.0.1:<port> (the emulator only listens on loopback)."
  }

  validation {
    condition     = (var.environment == "local") == (var.emulator_endpoint != null)
    error_message = "emulator_endpoint is set exactly when environment is local: a real environment never talks to the emulator and local never talks to AWS."
  }
}

variable "emulator_services" {
  description = "Local mode only: the AWS services (provider endpoint names) routed to the emulator."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for service in var.emulator_services : contains(local.routable_services, service)])
    error_message = "emulator_services may only name services the provider block routes (see providers.tf)."
  }

  validation {
    condition     = var.environment == "local" || length(var.emulator_services) == 0
    error_message = "emulator_services is only for the local environment."
  }
}

# --- The front: hosting and browser credentials (module app) -------------------------------------

variable "front_hosting_enabled" {
  description = "Host the front on AWS (module app): its VPC, ECS Fargate nginx service (ARM64), image repository and public HTTPS load balancer with access logs in the landing zone's access-logs bucket. false in local mode: the local runtime serves the front on 127.0.0.1:8080."
  type        = bool
  default     = false

  validation {
    # Local mode is where emulator_endpoint is set (its own validation ties the two together).
    condition     = !(var.front_hosting_enabled && var.emulator_endpoint != null)
    error_message = "front_hosting_enabled must be false in local mode: the emulator runs no containers and holds no certificate; the local runtime serves the front on 127.0.0.1:8080."
  }
}

variable "front_certificate_arn" {
  description = "ACM certificate (in aws_region) of the front's domain, presented by the load balancer's HTTPS listener. Required with front_hosting_enabled."
  type        = string
  default     = null

  validation {
    condition     = var.front_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", var.front_certificate_arn))
    error_message = "front_certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)."
  }

  validation {
    condition     = var.front_certificate_arn == null || (split(":", coalesce(var.front_certificate_arn, "::::"))[3] == var.aws_region && split(":", coalesce(var.front_certificate_arn, "::::"))[4] == var.aws_account_id)
    error_message = "front_certificate_arn must be a certificate of this environment's account in aws_region (a load balancer cannot use one from another region)."
  }

  validation {
    condition     = var.front_certificate_arn != null || !var.front_hosting_enabled
    error_message = "front_hosting_enabled needs front_certificate_arn: the load balancer serves HTTPS only."
  }
}

variable "front_desired_count" {
  description = "Front tasks the ECS service keeps running, spread over two availability zones."
  type        = number
  default     = 2

  validation {
    condition     = var.front_desired_count >= 1 && var.front_desired_count <= 10 && floor(var.front_desired_count) == var.front_desired_count
    error_message = "front_desired_count must be a whole number between 1 and 10."
  }
}

variable "front_vpc_cidr" {
  description = "IPv4 range of the front's VPC (a private /16 to /22)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.front_vpc_cidr, 0)) && can(regex("^(10|172|192)\\.[0-9.]+/(1[6-9]|2[0-2])$", var.front_vpc_cidr))
    error_message = "front_vpc_cidr must be a private IPv4 CIDR block from /16 to /22."
  }
}

variable "nat_gateway_enabled" {
  description = "Give the front tasks a NAT gateway and HTTPS egress to the internet. Off: nginx reaches only its image and its logs, through VPC endpoints."
  type        = bool
  default     = false
}

variable "identity_pool_roles_enabled" {
  description = "Attach the streaming-transcription role to the identity pool's authenticated identities. false exactly in local mode: the emulator does not implement SetIdentityPoolRoles (the pool and the role are still created there)."
  type        = bool
  default     = true

  validation {
    # Local mode is where emulator_endpoint is set (its own validation ties the two together).
    condition     = var.identity_pool_roles_enabled == (var.emulator_endpoint == null)
    error_message = "identity_pool_roles_enabled must be false in local mode (the emulator lacks SetIdentityPoolRoles) and true elsewhere (without it the browser gets no Transcribe credentials)."
  }
}
