# --- Identity -----------------------------------------------------------------------------------

variable "function_key" {
  description = "The caller's key for the function (e.g. intake_api): the handler module and Powertools service name, used in the role's and the alarm's descriptions."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,63}$", var.function_key))
    error_message = "function_key must be lower case letters, digits and underscores, starting with a letter (at most 64)."
  }
}

variable "function_name" {
  description = "Name of the Lambda function; also names its log group (/aws/lambda/<name>), its role (<name>-fn) and its alarm (<name>-errors)."
  type        = string

  validation {
    # 64 for Lambda, minus the role's "-fn" suffix.
    condition     = can(regex("^[a-zA-Z0-9-_]{1,61}$", var.function_name))
    error_message = "function_name must be 1 to 61 letters, digits, hyphens or underscores (the role adds -fn within IAM's 64)."
  }
}

variable "description" {
  description = "Description of the Lambda function."
  type        = string

  validation {
    condition     = length(var.description) <= 256
    error_message = "description must be at most 256 characters."
  }
}

# --- Image --------------------------------------------------------------------------------------

variable "repository_name" {
  description = "Name of the function's ECR repository (created here)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.repository_name)) && length(var.repository_name) >= 2 && length(var.repository_name) <= 256
    error_message = "repository_name must be a valid ECR repository name (lower case, digits, . _ - /, 2 to 256 characters)."
  }
}

variable "image_tag" {
  description = "Tag of the image the function runs (the content-hash tag scripts/push.sh pushes); the function is deployed by the digest this tag has in the repository. The repository is IMMUTABLE, so a tag always means the same image; `latest` is refused."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a valid image tag (letters, digits, _ . -, at most 128) and not \"latest\"."
  }
}

variable "image_command" {
  description = "The image's command: the handler, e.g. [\"acogida.handlers.intake_api.handler\"]."
  type        = list(string)

  validation {
    condition     = length(var.image_command) >= 1 && alltrue([for part in var.image_command : length(part) > 0])
    error_message = "image_command must name at least one non-empty element (the handler)."
  }
}

variable "images_to_keep" {
  description = "Images the repository keeps; older ones expire (the lifecycle policy counts all tags)."
  type        = number
  default     = 10

  validation {
    condition     = var.images_to_keep >= 1 && var.images_to_keep <= 1000 && floor(var.images_to_keep) == var.images_to_keep
    error_message = "images_to_keep must be a whole number between 1 and 1000."
  }
}

variable "force_delete_repository" {
  description = "Let `terraform destroy` delete the repository while it still holds images. Only for throw-away environments (local, dev)."
  type        = bool
  default     = false

  validation {
    condition     = var.force_delete_repository != null
    error_message = "force_delete_repository must be true or false."
  }
}

# --- Function behaviour -------------------------------------------------------------------------

variable "memory_size" {
  description = "Memory of the function in MB (Lambda allows 128 to 10240)."
  type        = number

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Timeout of the function in seconds (Lambda allows 1 to 900)."
  type        = number

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 1 and 900."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function (encrypted with lambda_kms_key_arn). No secrets."
  type        = map(string)

  validation {
    condition     = alltrue([for name, _ in var.environment_variables : can(regex("^[a-zA-Z][a-zA-Z0-9_]*$", name)) && !startswith(name, "AWS_")])
    error_message = "Environment variable names must be letters, digits and underscores starting with a letter, and not AWS_ (reserved by Lambda)."
  }
}

variable "application_log_level" {
  description = "Lambda's application log level (advanced logging controls): TRACE, DEBUG, INFO, WARN, ERROR or FATAL. The system log level is WARN."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL (Lambda's names: WARN, not WARNING)."
  }
}

variable "log_retention_days" {
  description = "Days the function's log group keeps events. Must be a value CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

# --- Keys ---------------------------------------------------------------------------------------

variable "lambda_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the function's environment variables (must be in the function's region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the function's log group (its policy must let CloudWatch Logs of this region use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "ecr_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the repository's images."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.ecr_kms_key_arn))
    error_message = "ecr_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

# --- Permissions and alarm ----------------------------------------------------------------------

variable "policy_json" {
  description = "IAM policy document (JSON: Version and Statement) of the function's own permissions, the role's inline policy. The module puts two statements of its own first (WriteOwnLogGroup on its log group, UploadTraces for X-Ray), so the caller leaves those Sids out."
  type        = string

  validation {
    condition = (
      can(jsondecode(var.policy_json).Version) && can(length(jsondecode(var.policy_json).Statement)) &&
      !anytrue([for statement in try(jsondecode(var.policy_json).Statement, []) : contains(["WriteOwnLogGroup", "UploadTraces"], try(statement.Sid, ""))])
    )
    error_message = "policy_json must be a policy document with Version and a Statement list, without the Sids the module adds (WriteOwnLogGroup, UploadTraces)."
  }
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic the errors alarm notifies on alarm and on recovery (must be in the function's region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}
