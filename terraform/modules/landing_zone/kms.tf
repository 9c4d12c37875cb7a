locals {
  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"

  # The cryptographic operations a service performs with a symmetric key on a caller's behalf (the
  # AWS-documented kms:ReEncrypt* and kms:GenerateDataKey*, spelled out: no wildcard actions).
  kms_use_actions = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
  ]

  kms_key_policies = {
    for name, key in local.kms_keys : name => jsonencode({
      Version = "2012-10-17"
      Statement = concat(
        [{
          # The AWS default: the account administers the key, IAM policies grant its use.
          # In a key policy "Resource": "*" means this key and nothing else.
          Sid       = "AccountAdministersTheKeyThroughIam"
          Effect    = "Allow"
          Principal = { AWS = local.account_root_arn }
          Action    = "kms:*"
          Resource  = "*"
        }],
        length(key.via_services) == 0 ? [] : [{
          Sid       = "UseOnlyThroughTheNamedServices"
          Effect    = "Allow"
          Principal = { AWS = local.account_root_arn }
          Action    = local.kms_use_actions
          Resource  = "*"
          Condition = {
            StringEquals = {
              "kms:ViaService"    = [for service in key.via_services : "${service}.${local.region}.${local.dns_suffix}"]
              "kms:CallerAccount" = local.account_id
            }
          }
        }],
        length(key.grant_services) == 0 ? [] : [{
          # Tables, functions and repositories keep their access to the key through grants the
          # service creates for the resource, never grants for a person or role.
          Sid       = "GrantsOnlyForTheNamedServicesResources"
          Effect    = "Allow"
          Principal = { AWS = local.account_root_arn }
          Action    = "kms:CreateGrant"
          Resource  = "*"
          Condition = {
            StringEquals = {
              "kms:ViaService"    = [for service in key.grant_services : "${service}.${local.region}.${local.dns_suffix}"]
              "kms:CallerAccount" = local.account_id
            }
            Bool = { "kms:GrantIsForAWSResource" = "true" }
          }
        }],
        [for delivery in key.deliveries : {
          # SNS and SQS name the topic or queue in the encryption context of every call, whoever
          # the caller: the service may use the key for those resources only.
          Sid       = delivery.sid
          Effect    = "Allow"
          Principal = { Service = "${delivery.service}.${local.dns_suffix}" }
          Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource  = "*"
          Condition = { StringLike = { "kms:EncryptionContext:${delivery.context}" = delivery.resources } }
        }],
        key.log_groups == null ? [] : [{
          Sid       = "CloudWatchLogsEncryptsThisEnvironmentsLogGroups"
          Effect    = "Allow"
          Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
          Action    = local.kms_use_actions
          Resource  = "*"
          Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = key.log_groups } }
        }],
      )
    })
  }
}

resource "aws_kms_key" "this" {
  for_each = local.kms_keys

  description             = "${var.name_prefix}: ${each.value.description}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = local.kms_key_policies[each.key]
}

resource "aws_kms_alias" "this" {
  for_each = local.kms_keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}
