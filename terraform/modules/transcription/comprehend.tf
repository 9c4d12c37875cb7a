# Optional: the seed's custom Comprehend entity recogniser for DNI numbers, trained from an
# entity list. Off by default: the extractor's rules validate DNI/NIE (check letter) and the
# functions do not call a custom recogniser (that would also need a paid real-time endpoint).
# The emulator cannot train one, so local mode always leaves it off.
#
# It lives here because Comprehend is not offered in the home region and a recogniser reads its
# training data from a bucket of its own region: s3://<speech bucket>/comprehend/dni/
# (documents.txt, one document per line; entity_list.csv, columns Text,Type).

locals {
  dni_recognizer_name   = "${var.name_prefix}-dni"
  dni_training_prefix   = "comprehend/dni/"
  dni_training_data_uri = "s3://${local.speech_bucket_name}/${local.dni_training_prefix}"
}

# IAM is global: this role was module.app's before the split (moved block in the root).
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
        Resource = "${local.speech_bucket_arn}/${local.dni_training_prefix}*"
      },
      {
        Sid       = "ListTrainingPrefix"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.speech_bucket_arn
        Condition = { StringLike = { "s3:prefix" = "${local.dni_training_prefix}*" } }
      },
      {
        # The training data is decrypted, and the model and training volume are encrypted, with
        # the speech key.
        Sid      = "UseSpeechKey"
        Effect   = "Allow"
        Action   = ["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.speech.arn
      },
    ]
  })
}

resource "aws_comprehend_entity_recognizer" "dni" {
  count = var.comprehend_dni_recognizer_enabled ? 1 : 0

  name                 = local.dni_recognizer_name
  language_code        = "es"
  data_access_role_arn = aws_iam_role.comprehend_dni[0].arn
  model_kms_key_id     = aws_kms_key.speech.arn
  volume_kms_key_id    = aws_kms_key.speech.arn

  input_data_config {
    data_format = "COMPREHEND_CSV"

    entity_types {
      type = "DNI"
    }

    documents {
      s3_uri       = "${local.dni_training_data_uri}documents.txt"
      input_format = "ONE_DOC_PER_LINE"
    }

    entity_list {
      s3_uri = "${local.dni_training_data_uri}entity_list.csv"
    }
  }

  # Training a recogniser takes from tens of minutes to hours.
  timeouts {
    create = "4h"
    update = "4h"
  }

  depends_on = [aws_iam_role_policy.comprehend_dni]
}
