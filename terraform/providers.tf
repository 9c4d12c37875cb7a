# Two configurations of hashicorp/aws, identical but for the region:
#   default            aws_region (eu-south-2): the landing zone, the database, the intake API
#   aws.language       language_region (eu-west-1): the batch transcription path (module
#                      transcription); Transcribe and Comprehend are not offered in eu-south-2
# Keep the two blocks alike: a setting added to one belongs in the other. Both route the same
# services to the emulator in local mode (local.emulator_endpoints, main.tf); moto serves every
# region on its one endpoint and tells regions apart by the request's signature.

provider "aws" {
  region = var.aws_region
  # A plan with one account's credentials and another environment's tfvars stops here.
  allowed_account_ids = [var.aws_account_id]

  # Local mode only (environment = local): moto on 127.0.0.1 stands in for AWS. On AWS every one
  # of these settings is at its provider default.
  skip_credentials_validation = local.emulated
  skip_metadata_api_check     = local.emulated
  s3_use_path_style           = local.emulated
  # Calls the emulator does not implement fail fast instead of retrying for minutes.
  max_retries = local.emulated ? 3 : null

  dynamic "endpoints" {
    for_each = local.emulated ? [local.emulator_endpoints] : []

    content {
      apigatewayv2    = endpoints.value["apigatewayv2"]
      athena          = endpoints.value["athena"]
      cloudwatch      = endpoints.value["cloudwatch"]
      cognitoidentity = endpoints.value["cognitoidentity"]
      cognitoidp      = endpoints.value["cognitoidp"]
      dynamodb        = endpoints.value["dynamodb"]
      ec2             = endpoints.value["ec2"]
      ecr             = endpoints.value["ecr"]
      ecs             = endpoints.value["ecs"]
      elbv2           = endpoints.value["elbv2"]
      events          = endpoints.value["events"]
      glue            = endpoints.value["glue"]
      iam             = endpoints.value["iam"]
      kms             = endpoints.value["kms"]
      lambda          = endpoints.value["lambda"]
      logs            = endpoints.value["logs"]
      s3              = endpoints.value["s3"]
      scheduler       = endpoints.value["scheduler"]
      secretsmanager  = endpoints.value["secretsmanager"]
      ses             = endpoints.value["ses"]
      sns             = endpoints.value["sns"]
      sqs             = endpoints.value["sqs"]
      ssm             = endpoints.value["ssm"]
      sts             = endpoints.value["sts"]
    }
  }

  default_tags {
    tags = local.default_tags
  }
}

provider "aws" {
  alias  = "language"
  region = var.language_region
  # Same account guard, emulator switches and endpoints as the default configuration above.
  allowed_account_ids = [var.aws_account_id]

  skip_credentials_validation = local.emulated
  skip_metadata_api_check     = local.emulated
  s3_use_path_style           = local.emulated
  max_retries                 = local.emulated ? 3 : null

  dynamic "endpoints" {
    for_each = local.emulated ? [local.emulator_endpoints] : []

    content {
      apigatewayv2    = endpoints.value["apigatewayv2"]
      athena          = endpoints.value["athena"]
      cloudwatch      = endpoints.value["cloudwatch"]
      cognitoidentity = endpoints.value["cognitoidentity"]
      cognitoidp      = endpoints.value["cognitoidp"]
      dynamodb        = endpoints.value["dynamodb"]
      ec2             = endpoints.value["ec2"]
      ecr             = endpoints.value["ecr"]
      ecs             = endpoints.value["ecs"]
      elbv2           = endpoints.value["elbv2"]
      events          = endpoints.value["events"]
      glue            = endpoints.value["glue"]
      iam             = endpoints.value["iam"]
      kms             = endpoints.value["kms"]
      lambda          = endpoints.value["lambda"]
      logs            = endpoints.value["logs"]
      s3              = endpoints.value["s3"]
      scheduler       = endpoints.value["scheduler"]
      secretsmanager  = endpoints.value["secretsmanager"]
      ses             = endpoints.value["ses"]
      sns             = endpoints.value["sns"]
      sqs             = endpoints.value["sqs"]
      ssm             = endpoints.value["ssm"]
      sts             = endpoints.value["sts"]
    }
  }

  default_tags {
    tags = local.default_tags
  }
}
