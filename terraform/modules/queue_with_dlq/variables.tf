variable "name" {
  description = "Name of the queue (standard, not FIFO); its dead-letter queue is <name>-dlq."
  type        = string

  validation {
    # 80 for SQS, minus the DLQ's "-dlq" suffix.
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1 to 76 letters, digits, hyphens or underscores (the DLQ adds -dlq within SQS's 80)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts both queues (its policy must let SQS, and every sender service, use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "Seconds SQS reuses a data key before asking KMS again (both queues)."
  type        = number
  default     = 300

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400 && floor(var.kms_data_key_reuse_period_seconds) == var.kms_data_key_reuse_period_seconds
    error_message = "kms_data_key_reuse_period_seconds must be a whole number from 60 to 86400."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue. For a Lambda consumer, at least six times the function's timeout (Lambda's guidance for SQS event sources)."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number from 0 to 43200."
  }
}

variable "message_retention_seconds" {
  description = "Seconds the queue keeps a message (default four days)."
  type        = number
  default     = 4 * 24 * 3600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600 (14 days)."
  }
}

variable "dlq_message_retention_seconds" {
  description = "Seconds the dead-letter queue keeps a message (default 14 days, the most SQS allows). A message keeps its original enqueue time when it moves, so this must not be shorter than the queue's retention."
  type        = number
  default     = 14 * 24 * 3600

  validation {
    condition     = var.dlq_message_retention_seconds >= var.message_retention_seconds && var.dlq_message_retention_seconds <= 1209600 && floor(var.dlq_message_retention_seconds) == var.dlq_message_retention_seconds
    error_message = "dlq_message_retention_seconds must be a whole number from message_retention_seconds to 1209600 (14 days)."
  }
}

variable "max_receive_count" {
  description = "Receives after which a message moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "senders" {
  description = "Services that may send to the queue (not the DLQ), one policy statement each: sid, the service principal (e.g. s3.amazonaws.com) and the source ARN it sends for (e.g. the bucket). Always limited to this account (aws:SourceAccount). The account's own roles need no statement here: their IAM policies grant them."
  type = list(object({
    sid        = string
    service    = string
    source_arn = string
  }))
  default = []

  validation {
    condition = (alltrue([for sender in var.senders : can(regex("^[A-Za-z0-9]{1,100}$", sender.sid)) && sender.sid != "DenyRequestsWithoutTls"]) &&
    length(distinct([for sender in var.senders : sender.sid])) == length(var.senders))
    error_message = "Each sender's sid must be 1 to 100 letters or digits, unique, and not DenyRequestsWithoutTls (the module's own statement)."
  }

  validation {
    condition = alltrue([for sender in var.senders :
    can(regex("^[a-z0-9-]+(\\.[a-z0-9-]+)+$", sender.service)) && startswith(sender.source_arn, "arn:")])
    error_message = "Each sender names a service principal (e.g. s3.amazonaws.com) and a source ARN."
  }
}
