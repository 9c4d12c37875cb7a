# The front's hosting (only with front_hosting_enabled; the local runtime serves the front on
# 127.0.0.1:8080 instead): the nginx image from its own repository, run on ECS Fargate (ARM64) in
# the private subnets of network.tf behind a public Application Load Balancer. HTTPS on 443 with
# certificate_arn and a TLS 1.3/1.2 forward-secrecy policy, 80 only redirects to 443. The ALB
# drops invalid headers, adds HSTS, nosniff and frame denial to every response, and writes access
# logs to the landing zone's access-log bucket. The container gets its runtime configuration
# (API URL, Cognito ids, regions) as environment variables that its entrypoint renders at start
# (front_runtime_environment: a contract with src/front).

locals {
  front_name = "${var.name_prefix}-front"

  # The environment the container's entrypoint reads. The names are a contract with src/front.
  front_runtime_environment = {
    API_URL                  = trimsuffix(aws_apigatewayv2_stage.default.invoke_url, "/")
    COGNITO_USER_POOL_ID     = aws_cognito_user_pool.this.id
    COGNITO_CLIENT_ID        = aws_cognito_user_pool_client.web.id
    COGNITO_IDENTITY_POOL_ID = aws_cognito_identity_pool.this.id
    AWS_REGION               = local.region
    TRANSCRIBE_REGION        = var.language_region
  }

  # The root filesystem is read-only: nginx writes its cache, temporary files and pid under
  # these paths, each an empty task-scoped volume (Fargate has no tmpfs mounts).
  front_writable_paths = {
    nginx-cache = "/var/cache/nginx"
    nginx-run   = "/run"
    tmp         = "/tmp"
  }

  # The response headers the load balancer sets on every HTTPS response (CSP is nginx's: it
  # depends on the app's own sources).
  front_hsts = "max-age=63072000; includeSubDomains"
}

# --- Image repository ----------------------------------------------------------------------------
# As module lambda_function's: immutable tags, scanned on push, encrypted with the ecr key, pruned.

resource "aws_ecr_repository" "front" {
  count = local.front_count

  name                 = local.front_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete_repositories

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.ecr_kms_key_arn
  }
}

# The image the task runs: the digest of front_image_tag in the repository above (scripts/push.sh
# puts it there), so the task definition changes exactly when the image's content does. As for
# the functions (module lambda_function), the first apply creates the repository, then the image
# is pushed, then the rest is applied (acogida.infra.deploy).
data "aws_ecr_image" "front" {
  count = local.front_count

  repository_name = aws_ecr_repository.front[0].name
  image_tag       = var.front_image_tag
}

resource "aws_ecr_lifecycle_policy" "front" {
  count = local.front_count

  repository = aws_ecr_repository.front[0].name
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

# --- Logs and roles ------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "front" {
  count = local.front_count

  name              = "/ecs/${local.front_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

# The execution role ECS uses to pull the image and ship the container's logs. The container
# itself calls no AWS API (the browser does, with identity-pool credentials), so the task has no
# task role.
resource "aws_iam_role" "front_execution" {
  count = local.front_count

  name        = "${local.front_name}-execution"
  description = "ECS task execution role of ${local.front_name}: pull its image, write its log group"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksOfThisAccountAssume"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.${local.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "front_execution" {
  count = local.front_count

  name = "pull-image-write-logs"
  role = aws_iam_role.front_execution[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # GetAuthorizationToken has no resource type: "*" is the only resource IAM accepts.
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        Sid      = "PullFrontImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = aws_ecr_repository.front[0].arn
      },
      {
        Sid      = "WriteFrontLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.front[0].arn}:*"
      },
    ]
  })
}

# --- Cluster, task definition, service -----------------------------------------------------------

resource "aws_ecs_cluster" "front" {
  count = local.front_count

  name = local.front_name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_task_definition" "front" {
  count = local.front_count

  family                   = local.front_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.front_task_cpu
  memory                   = var.front_task_memory
  execution_role_arn       = aws_iam_role.front_execution[0].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  dynamic "volume" {
    for_each = local.front_writable_paths

    content {
      name = volume.key
    }
  }

  container_definitions = jsonencode([{
    name                   = "nginx"
    image                  = "${aws_ecr_repository.front[0].repository_url}@${data.aws_ecr_image.front[0].image_digest}"
    essential              = true
    user                   = var.front_container_user
    readonlyRootFilesystem = true
    privileged             = false
    portMappings           = [{ containerPort = var.front_container_port, protocol = "tcp" }]
    environment            = [for name in sort(keys(local.front_runtime_environment)) : { name = name, value = local.front_runtime_environment[name] }]
    mountPoints            = [for name in sort(keys(local.front_writable_paths)) : { sourceVolume = name, containerPath = local.front_writable_paths[name], readOnly = false }]
    linuxParameters        = { initProcessEnabled = true, capabilities = { drop = ["ALL"] } }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.front[0].name
        awslogs-region        = local.region
        awslogs-stream-prefix = "nginx"
      }
    }
  }])
}

resource "aws_ecs_service" "front" {
  count = local.front_count

  name                              = local.front_name
  cluster                           = aws_ecs_cluster.front[0].id
  task_definition                   = aws_ecs_task_definition.front[0].arn
  desired_count                     = var.front_desired_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = 30
  enable_ecs_managed_tags           = true
  propagate_tags                    = "SERVICE"
  availability_zone_rebalancing     = "ENABLED"

  network_configuration {
    subnets          = [for subnet in aws_subnet.private : subnet.id]
    security_groups  = [aws_security_group.tasks[0].id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.front[0].arn
    container_name   = "nginx"
    container_port   = var.front_container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # The image and the endpoints must be in place before the first task starts.
  depends_on = [aws_lb_listener.https, aws_vpc_endpoint.interface, aws_vpc_endpoint.s3, aws_iam_role_policy.front_execution]
}

# --- Load balancer -------------------------------------------------------------------------------

resource "aws_lb" "front" {
  #checkov:skip=CKV2_AWS_28:No WAF web ACL yet: the ALB serves only the static front (no forms, no API: the API is API Gateway behind Cognito JWT); a web ACL and its rules are a separate, priced decision.
  count = local.front_count

  name                       = local.front_name
  internal                   = false
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.alb[0].id]
  subnets                    = [for subnet in aws_subnet.public : subnet.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.front_deletion_protection
  desync_mitigation_mode     = "strictest"

  access_logs {
    enabled = true
    bucket  = var.access_logs_bucket_name
    prefix  = var.access_logs_prefix
  }
}

resource "aws_lb_target_group" "front" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the hop to nginx stays inside the VPC, from the ALB's security group to the tasks' private addresses only.
  count = local.front_count

  name                 = local.front_name
  target_type          = "ip"
  protocol             = "HTTP"
  port                 = var.front_container_port
  vpc_id               = aws_vpc.front[0].id
  deregistration_delay = 30

  health_check {
    enabled             = true
    path                = "/healthz"
    protocol            = "HTTP"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "https" {
  count = local.front_count

  load_balancer_arn = aws_lb.front[0].arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.front_ssl_policy
  certificate_arn   = var.certificate_arn

  routing_http_response_strict_transport_security_header_value = local.front_hsts
  routing_http_response_x_content_type_options_header_value    = "nosniff"
  routing_http_response_x_frame_options_header_value           = "DENY"
  routing_http_response_server_enabled                         = false

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.front[0].arn
  }
}

resource "aws_lb_listener" "http_redirect" {
  count = local.front_count

  load_balancer_arn = aws_lb.front[0].arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}
