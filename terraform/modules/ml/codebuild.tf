# One CodeBuild project per stage: ARM64 Amazon Linux standard image, the stage's buildspec from
# the source artifact (src/mlops/buildspec-<stage>.yml), the stage's environment (main.tf,
# stage_environment), its own role (iam.tf), its output encrypted with the s3 key, its logs in an
# encrypted log group with a retention. Only with pipeline_enabled.

resource "aws_cloudwatch_log_group" "stage" {
  for_each = var.pipeline_enabled ? local.stages : {}

  name              = local.stage_log_group_names[each.key]
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_codebuild_project" "stage" {
  for_each = var.pipeline_enabled ? local.stages : {}

  name           = local.stage_project_names[each.key]
  description    = each.value.description
  service_role   = aws_iam_role.stage[each.key].arn
  build_timeout  = each.value.timeout
  queued_timeout = 60
  encryption_key = var.s3_kms_key_arn
  # One build per stage at a time: the pipeline runs one execution at a time (QUEUED).
  concurrent_build_limit = 1

  source {
    type      = "CODEPIPELINE"
    buildspec = "src/mlops/buildspec-${each.key}.yml"
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  environment {
    type                        = "ARM_CONTAINER"
    image                       = "aws/codebuild/amazonlinux-aarch64-standard:3.0"
    compute_type                = each.value.compute_type
    image_pull_credentials_type = "CODEBUILD"
    privileged_mode             = false

    dynamic "environment_variable" {
      for_each = try(local.stage_environment[each.key], {})

      content {
        name  = environment_variable.key
        value = environment_variable.value
        type  = "PLAINTEXT"
      }
    }
  }

  logs_config {
    cloudwatch_logs {
      status     = "ENABLED"
      group_name = aws_cloudwatch_log_group.stage[each.key].name
    }

    s3_logs {
      status = "DISABLED"
    }
  }

  # The role's policy must be in place before the first build.
  depends_on = [aws_iam_role_policy.stage]
}
