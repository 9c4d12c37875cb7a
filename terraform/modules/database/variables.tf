variable "name_prefix" {
  description = "Prefix of every resource name, `acogida-<environment>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-32 lowercase letters, digits or hyphens, starting with a letter (e.g. acogida-dev)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts both tables (the landing zone's dynamodb key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "deletion_protection" {
  description = "Protect both tables from deletion. The root turns it on everywhere but local and dev."
  type        = bool
}
