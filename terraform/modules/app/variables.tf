# --- Names --------------------------------------------------------------------------------------

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

variable "language_region" {
  description = "Region where intake_api calls Amazon Comprehend (ACOGIDA_LANGUAGE_REGION): Comprehend is not offered in the home region eu-south-2. Everything this module creates stays in its provider's (home) region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.language_region))
    error_message = "language_region must look like eu-west-1."
  }
}

# --- Keys (the landing zone's customer-managed keys, by ARN) -----------------------------------

variable "lambda_kms_key_arn" {
  description = "ARN of the landing zone's `lambda` key: encrypts the functions' environment variables."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "ecr_kms_key_arn" {
  description = "ARN of the landing zone's `ecr` key: encrypts the container images."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.ecr_kms_key_arn))
    error_message = "ecr_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the landing zone's `logs` key: encrypts the function and API access log groups."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "dynamodb_kms_key_arn" {
  description = "ARN of the key that encrypts the intakes and idempotency tables (the landing zone's `dynamodb` key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.dynamodb_kms_key_arn))
    error_message = "dynamodb_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "transcripts_kms_key_arn" {
  description = "ARN of the key that encrypts the transcripts bucket by default (the landing zone's `language` key). The function names it in SSE-KMS requests (TRANSCRIPTS_KMS_KEY_ARN)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.transcripts_kms_key_arn))
    error_message = "transcripts_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

# --- Stores the functions use (landing zone and database outputs) ------------------------------

variable "transcripts_bucket_name" {
  description = "Name of the transcripts bucket (landing zone role `transcripts`): the API keeps draft snapshots under drafts/ and submitted, redacted transcripts under redacted/."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.transcripts_bucket_name))
    error_message = "transcripts_bucket_name must be a valid S3 bucket name."
  }
}

variable "intakes_table_name" {
  description = "Name of the intakes table (database module)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.intakes_table_name))
    error_message = "intakes_table_name must be a valid DynamoDB table name."
  }
}

variable "intakes_table_arn" {
  description = "ARN of the intakes table; the policies also cover its indexes (`<arn>/index/*`)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.intakes_table_arn))
    error_message = "intakes_table_arn must be a DynamoDB table ARN."
  }
}

variable "intakes_office_index_name" {
  description = "Name of the intakes table's GSI by office and created_at (INTAKES_OFFICE_INDEX)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.intakes_office_index_name))
    error_message = "intakes_office_index_name must be a valid DynamoDB index name."
  }
}

variable "idempotency_table_name" {
  description = "Name of the Powertools idempotency table (database module)."
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

variable "alerts_topic_arn" {
  description = "ARN of the landing zone's alerts topic (home region); every alarm of the module notifies it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alerts_topic_arn))
    error_message = "alerts_topic_arn must be an SNS topic ARN."
  }
}

# --- Images -------------------------------------------------------------------------------------

variable "image_tags" {
  description = "The image tag of each function of this module (intake_api): the content-hash tag scripts/push.sh pushed (acogida.infra.images); each function runs the digest its tag has in its repository. The repositories are IMMUTABLE, so a tag always means the same image; `latest` is refused."
  type        = map(string)

  validation {
    condition     = toset(keys(var.image_tags)) == toset(["intake_api"])
    error_message = "image_tags must name exactly this module's functions: intake_api."
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
  description = "Days the function and API access log groups keep events. Must be a value CloudWatch Logs accepts."
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
  description = "Whether intake_api calls Amazon Comprehend DetectEntities/DetectPiiEntities in the language region (COMPREHEND_ENABLED) and its role may. false where Comprehend is not available (local mode)."
  type        = bool
  default     = true
}

# --- API ----------------------------------------------------------------------------------------

variable "cors_allowed_origins" {
  description = "Origins (scheme://host[:port]) the browser may call the API from: the front's origin. Empty means no CORS configuration (no browser origin is allowed)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", origin))])
    error_message = "Every cors_allowed_origins entry must be an origin such as https://acogida.example.org (no path, no trailing slash, no wildcard)."
  }

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : startswith(origin, "https://") || can(regex("^http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?$", origin))])
    error_message = "cors_allowed_origins must use https, except http://localhost or http://127.0.0.1 for local development."
  }
}

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second the API's default route settings allow."
  type        = number
  default     = 50

  validation {
    condition     = var.api_throttling_rate_limit >= 1 && var.api_throttling_rate_limit <= 10000
    error_message = "api_throttling_rate_limit must be between 1 and 10000 requests per second."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst of requests the API's default route settings allow."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 5000 && floor(var.api_throttling_burst_limit) == var.api_throttling_burst_limit
    error_message = "api_throttling_burst_limit must be a whole number between 1 and 5000."
  }
}

# --- Cognito ------------------------------------------------------------------------------------

variable "user_pool_deletion_protection" {
  description = "Protect the Cognito user pool from deletion. The root turns it on everywhere but local and dev."
  type        = bool
}

# --- Identity pool (identity.tf) ----------------------------------------------------------------

variable "identity_pool_roles_enabled" {
  description = "Attach the streaming-transcription role to the identity pool's authenticated identities (SetIdentityPoolRoles). false only in local mode: the emulator does not implement that call, so the pool and the role exist there but are not attached."
  type        = bool
  default     = true
}

# --- Front hosting (network.tf, front.tf) -------------------------------------------------------

variable "front_hosting_enabled" {
  description = "Host the front on AWS: its VPC, ECS Fargate service (ARM64 nginx), image repository and public HTTPS load balancer. false in local mode, where the local runtime serves the front on 127.0.0.1:8080."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate (in this module's region) the load balancer's HTTPS listener presents: the front's domain. Required with front_hosting_enabled."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)."
  }

  validation {
    condition     = var.certificate_arn != null || !var.front_hosting_enabled
    error_message = "front_hosting_enabled needs certificate_arn: the load balancer serves HTTPS only."
  }
}

variable "access_logs_bucket_name" {
  description = "Bucket the load balancer writes its access logs to (the landing zone's access-logs bucket, SSE-S3 as ELB log delivery requires), under access_logs_prefix. Required with front_hosting_enabled."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket_name))
    error_message = "access_logs_bucket_name must be a valid S3 bucket name."
  }

  validation {
    condition     = var.access_logs_bucket_name != null || !var.front_hosting_enabled
    error_message = "front_hosting_enabled needs access_logs_bucket_name: the load balancer always writes access logs."
  }
}

variable "access_logs_prefix" {
  description = "Prefix of the load balancer's access logs in access_logs_bucket_name (ELB appends AWSLogs/<account>/...); the landing zone's bucket policy admits ELB log delivery under the same prefix. Required with front_hosting_enabled."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_prefix == null || can(regex("^[a-z0-9][a-z0-9/_.-]*[a-z0-9]$", var.access_logs_prefix))
    error_message = "access_logs_prefix must be lowercase letters, digits, / _ . - without leading or trailing slash (ELB appends AWSLogs/ itself)."
  }

  validation {
    condition     = var.access_logs_prefix != null || !var.front_hosting_enabled
    error_message = "front_hosting_enabled needs access_logs_prefix."
  }
}

variable "front_ssl_policy" {
  description = "Security policy of the HTTPS listener. A TLS 1.3 policy with TLS 1.2 as the floor; the default also limits TLS 1.2 to forward-secrecy AEAD ciphers."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-TLS13-1-[23]-", var.front_ssl_policy))
    error_message = "front_ssl_policy must be an ELBSecurityPolicy-TLS13-1-2-* or -1-3-* policy (TLS 1.2 or newer)."
  }
}

variable "front_vpc_cidr" {
  description = "IPv4 range of the front's VPC (a /16 to /22); split into two public and two private subnets of a sixteenth each."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.front_vpc_cidr, 0)) && can(regex("^(10|172|192)\\.[0-9.]+/(1[6-9]|2[0-2])$", var.front_vpc_cidr))
    error_message = "front_vpc_cidr must be a private IPv4 CIDR block from /16 to /22."
  }
}

variable "nat_gateway_enabled" {
  description = "Add a NAT gateway (one, in the first public subnet) and HTTPS egress to the internet for the front tasks. Off by default: nginx needs only its image and its logs, which it reaches through VPC endpoints."
  type        = bool
  default     = false
}

variable "front_image_tag" {
  description = "Tag of the front image in its repository (<name_prefix>-front, immutable tags): the content-hash tag scripts/push.sh pushed; the task runs the digest it has there. Required with front_hosting_enabled."
  type        = string
  default     = null

  validation {
    condition     = var.front_image_tag == null || (can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.front_image_tag)) && var.front_image_tag != "latest")
    error_message = "front_image_tag must be a valid image tag and not \"latest\"."
  }

  validation {
    condition     = var.front_image_tag != null || !var.front_hosting_enabled
    error_message = "front_hosting_enabled needs front_image_tag: the task runs the image pushed at that tag."
  }
}

variable "front_container_port" {
  description = "Port nginx listens on in the container (unprivileged: the container runs as a non-root user)."
  type        = number
  default     = 8080

  validation {
    condition     = var.front_container_port >= 1024 && var.front_container_port <= 65535 && floor(var.front_container_port) == var.front_container_port
    error_message = "front_container_port must be a whole number between 1024 and 65535 (a non-root process cannot bind below 1024)."
  }
}

variable "front_container_user" {
  description = "User (uid or uid:gid) the nginx container runs as; 101 is nginx in the official unprivileged images. Never root."
  type        = string
  default     = "101"

  validation {
    condition     = can(regex("^[1-9][0-9]*(:[0-9]+)?$", var.front_container_user))
    error_message = "front_container_user must be a non-zero numeric uid, optionally with :gid (never root)."
  }
}

variable "front_task_cpu" {
  description = "CPU units of a front task (Fargate: 256, 512, 1024, 2048 or 4096)."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.front_task_cpu)
    error_message = "front_task_cpu must be 256, 512, 1024, 2048 or 4096."
  }
}

variable "front_task_memory" {
  description = "Memory (MiB) of a front task; must be a size Fargate offers with front_task_cpu (256 CPU: 512-2048)."
  type        = number
  default     = 512

  validation {
    condition     = var.front_task_memory >= 512 && var.front_task_memory <= 30720 && var.front_task_memory % 512 == 0
    error_message = "front_task_memory must be a multiple of 512 MiB between 512 and 30720."
  }
}

variable "front_desired_count" {
  description = "Front tasks the service keeps running (spread over the two availability zones)."
  type        = number
  default     = 2

  validation {
    condition     = var.front_desired_count >= 1 && var.front_desired_count <= 10 && floor(var.front_desired_count) == var.front_desired_count
    error_message = "front_desired_count must be a whole number between 1 and 10."
  }
}

variable "front_deletion_protection" {
  description = "Protect the front's load balancer from deletion. The root turns it on everywhere but local and dev."
  type        = bool
  default     = true
}
