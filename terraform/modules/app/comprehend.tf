# Optional: the seed's custom Comprehend entity recogniser for DNI numbers, trained from an
# entity list. Off by default: the extractor's rules validate DNI/NIE (check letter) and the
# functions do not call a custom recogniser (that would also need a paid real-time endpoint).
# The emulator cannot train one, so local mode always leaves it off.

locals {
  dni_recognizer_name = "${var.name_prefix}-dni"
  dni_training = var.comprehend_dni_recognizer_enabled ? {
    uri    = var.comprehend_dni_training_data_s3_uri
    bucket = regex("^s3://([^/]+)/", var.comprehend_dni_training_data_s3_uri)[0]
    prefix = regex("^s3://[^/]+/(.*)$", var.comprehend_dni_training_data_s3_uri)[0]
  } : null
}

resource "aws_iam_role" "comprehend_dni" {
  count = var.comprehend_dni_recognizer_enabled ? 1 : 0

  name        = "${local.dni_recognizer_name}-comprehend"
  description = "Data access role of the DNI entity recogniser (reads its training data)"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ComprehendTrainsThisAccountsRecognizer"
      Effect    = "Allow"
      Principal = { Service = "comprehend.${local.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:comprehend:${local.region}:${local.account_id}:entity-recognizer/${local.dni_recognizer_name}*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "comprehend_dni" {
  count = var.comprehend_dni_recognizer_enabled ? 1 : 0

  name = "read-training-data"
  role = aws_iam_role.comprehend_dni[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadTrainingData"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "arn:${local.partition}:s3:::${local.dni_training.bucket}/${local.dni_training.prefix}*"
      },
      {
        Sid       = "ListTrainingPrefix"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = "arn:${local.partition}:s3:::${local.dni_training.bucket}"
        Condition = { StringLike = { "s3:prefix" = "${local.dni_training.prefix}*" } }
      },
      {
        Sid      = "DecryptTrainingData"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.comprehend_dni_training_data_kms_key_arn
      },
      {
        # The model and the training volume are encrypted with the Transcribe/Comprehend key.
        Sid      = "EncryptModelAndVolume"
        Effect   = "Allow"
        Action   = ["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.transcripts_kms_key_arn
      },
    ]
  })
}

resource "aws_comprehend_entity_recognizer" "dni" {
  count = var.comprehend_dni_recognizer_enabled ? 1 : 0

  name                 = local.dni_recognizer_name
  language_code        = "es"
  data_access_role_arn = aws_iam_role.comprehend_dni[0].arn
  model_kms_key_id     = var.transcripts_kms_key_arn
  volume_kms_key_id    = var.transcripts_kms_key_arn

  input_data_config {
    data_format = "COMPREHEND_CSV"

    entity_types {
      type = "DNI"
    }

    documents {
      s3_uri       = "${local.dni_training.uri}documents.txt"
      input_format = "ONE_DOC_PER_LINE"
    }

    entity_list {
      s3_uri = "${local.dni_training.uri}entity_list.csv"
    }
  }

  # Training a recogniser takes from tens of minutes to hours.
  timeouts {
    create = "4h"
    update = "4h"
  }

  depends_on = [aws_iam_role_policy.comprehend_dni]
}
