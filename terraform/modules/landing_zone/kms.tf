locals {
  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"

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
          Action = [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:DescribeKey",
            "kms:CreateGrant",
          ]
          Resource = "*"
          Condition = {
            StringEquals = {
              "kms:ViaService"    = [for service in key.via_services : "${service}.${local.region}.${local.dns_suffix}"]
              "kms:CallerAccount" = local.account_id
            }
          }
        }],
        length(key.service_principals) == 0 ? [] : [{
          Sid       = "ServicesOfThisAccountEncryptOnTheirOwnBehalf"
          Effect    = "Allow"
          Principal = { Service = key.service_principals }
          Action = [
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:DescribeKey",
          ]
          Resource  = "*"
          Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
        }],
        !key.log_groups ? [] : [{
          Sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
          Effect    = "Allow"
          Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
          Action = [
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Describe*",
          ]
          Resource = "*"
          Condition = {
            ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*" }
          }
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
