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
  description = "Days transcripts and recorded audio are kept before they expire."
  type        = number
  default     = 30

  validation {
    condition     = var.transcript_retention_days >= 1 && var.transcript_retention_days <= 365 && floor(var.transcript_retention_days) == var.transcript_retention_days
    error_message = "transcript_retention_days must be a whole number between 1 and 365."
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
  description = "Days S3 server access logs are kept."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 30 && var.access_log_retention_days <= 3650 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number between 30 and 3650."
  }
}

variable "alert_email_addresses" {
  description = "E-mail addresses subscribed to the operational alerts topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "Every entry of alert_email_addresses must be an e-mail address."
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
