# One repository per function (<name_prefix>-<function with hyphens>), in the language region:
# Lambda only runs images from a repository of its own region. Tags are immutable, so an
# image_uri always names the same image; the lifecycle policy keeps the last ecr_images_to_keep.

resource "aws_ecr_repository" "function" {
  for_each = local.functions

  name                 = local.function_names[each.key]
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete_repositories

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.speech.arn
  }
}

resource "aws_ecr_lifecycle_policy" "function" {
  for_each = local.functions

  repository = aws_ecr_repository.function[each.key].name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last ${var.ecr_images_to_keep} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_images_to_keep
      }
      action = { type = "expire" }
    }]
  })
}
