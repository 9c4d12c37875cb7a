variable "name" {
  description = "Name of the SNS topic (standard, not FIFO)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.name))
    error_message = "name must be 1 to 256 letters, digits, hyphens or underscores."
  }
}

variable "display_name" {
  description = "Display name of the topic: the sender name of its e-mails."
  type        = string

  validation {
    condition     = length(var.display_name) >= 1 && length(var.display_name) <= 100
    error_message = "display_name must be 1 to 100 characters."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the topic (its policy must let SNS, and every publisher service, use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "publishers" {
  description = "Services that may publish besides this account's principals, one policy statement each: sid, the service principals (e.g. [\"cloudwatch.amazonaws.com\"]) and optionally the one source ARN they publish for. Always limited to this account (aws:SourceAccount)."
  type = list(object({
    sid        = string
    services   = list(string)
    source_arn = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for publisher in var.publishers : can(regex("^[A-Za-z0-9]{1,100}$", publisher.sid))])
    error_message = "Each publisher's sid must be 1 to 100 letters or digits."
  }

  validation {
    condition = (length(distinct([for publisher in var.publishers : publisher.sid])) == length(var.publishers) &&
    !anytrue([for publisher in var.publishers : contains(["AccountManagesTheTopic", "DenyRequestsWithoutTls"], publisher.sid)]))
    error_message = "publishers' sids must be unique and not AccountManagesTheTopic or DenyRequestsWithoutTls (the module's own statements)."
  }

  validation {
    condition = alltrue([for publisher in var.publishers :
      length(publisher.services) > 0 && alltrue([for service in publisher.services : can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+)+$", service))])
    ])
    error_message = "Each publisher names at least one service principal (e.g. events.amazonaws.com)."
  }

  validation {
    condition     = alltrue([for publisher in var.publishers : startswith(coalesce(publisher.source_arn, "arn:"), "arn:")])
    error_message = "A publisher's source_arn must be an ARN or null."
  }
}

variable "email_addresses" {
  description = "E-mail addresses subscribed to the topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "Every entry of email_addresses must be an e-mail address."
  }
}
