# The front's network (only with front_hosting_enabled): a VPC of its own across two availability
# zones. The load balancer sits in two public subnets (the only ones routed to the internet
# gateway, nothing there gets a public IP by default); the Fargate tasks sit in two private
# subnets without public IPs. The tasks need only two things outside the VPC, pulling their image
# and writing their logs, and reach both through VPC endpoints (ECR api and dkr, CloudWatch Logs,
# and the S3 gateway endpoint that serves the image layers), so no NAT gateway is needed. A NAT
# gateway (one, in the first public subnet) and an HTTPS egress to the internet are added only when
# nat_gateway_enabled asks for them. VPC flow logs go to a KMS-encrypted log group.

locals {
  front_count = var.front_hosting_enabled ? 1 : 0
  nat_count   = var.front_hosting_enabled && var.nat_gateway_enabled ? 1 : 0

  # Two availability zones; /20 subnets: public 0-1, private 2-3.
  front_azs = var.front_hosting_enabled ? slice(data.aws_availability_zones.available[0].names, 0, 2) : []
  public_subnets = { for index, zone in local.front_azs : zone => {
    cidr = cidrsubnet(var.front_vpc_cidr, 4, index)
  } }
  private_subnets = { for index, zone in local.front_azs : zone => {
    cidr = cidrsubnet(var.front_vpc_cidr, 4, index + 2)
  } }

  # Interface endpoints the tasks use: image manifests (ecr.api), image pulls (ecr.dkr), logs.
  interface_endpoints = var.front_hosting_enabled ? toset(["ecr.api", "ecr.dkr", "logs"]) : toset([])
}

data "aws_availability_zones" "available" {
  count = local.front_count

  state = "available"
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

resource "aws_vpc" "front" {
  count = local.front_count

  cidr_block           = var.front_vpc_cidr
  enable_dns_support   = true # interface endpoints need private DNS
  enable_dns_hostnames = true

  tags = { Name = "${var.name_prefix}-front" }
}

# The default security group admits nothing: every resource here names its own group.
resource "aws_default_security_group" "front" {
  count = local.front_count

  vpc_id = aws_vpc.front[0].id
}

resource "aws_internet_gateway" "front" {
  count = local.front_count

  vpc_id = aws_vpc.front[0].id
  tags   = { Name = "${var.name_prefix}-front" }
}

resource "aws_subnet" "public" {
  for_each = local.public_subnets

  vpc_id                  = aws_vpc.front[0].id
  availability_zone       = each.key
  cidr_block              = each.value.cidr
  map_public_ip_on_launch = false # the load balancer has its own addresses; nothing else lives here

  tags = { Name = "${var.name_prefix}-front-public-${each.key}", Tier = "public" }
}

resource "aws_subnet" "private" {
  for_each = local.private_subnets

  vpc_id                  = aws_vpc.front[0].id
  availability_zone       = each.key
  cidr_block              = each.value.cidr
  map_public_ip_on_launch = false

  tags = { Name = "${var.name_prefix}-front-private-${each.key}", Tier = "private" }
}

resource "aws_route_table" "public" {
  count = local.front_count

  vpc_id = aws_vpc.front[0].id
  tags   = { Name = "${var.name_prefix}-front-public" }
}

resource "aws_route" "public_internet" {
  count = local.front_count

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.front[0].id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public[0].id
}

# Private subnets: local routes, the S3 gateway endpoint's prefix list, and the NAT gateway only
# when asked for.
resource "aws_route_table" "private" {
  count = local.front_count

  vpc_id = aws_vpc.front[0].id
  tags   = { Name = "${var.name_prefix}-front-private" }
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[0].id
}

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"
  tags   = { Name = "${var.name_prefix}-front-nat" }
}

resource "aws_nat_gateway" "front" {
  count = local.nat_count

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[local.front_azs[0]].id
  tags          = { Name = "${var.name_prefix}-front" }

  depends_on = [aws_internet_gateway.front]
}

resource "aws_route" "private_nat" {
  count = local.nat_count

  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.front[0].id
}

# --- VPC endpoints -------------------------------------------------------------------------------
# Each endpoint admits only what the front's tasks do through it (an endpoint without a policy
# passes any request of any principal to any resource of its service). IAM still decides who may
# act: the policies are a second fence, so they name every principal ("*") but this account's.

locals {
  endpoint_policies = var.front_hosting_enabled ? {
    # The image layers ECR serves from its own bucket (pre-signed by ECR, hence no principal
    # condition).
    s3 = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "EcrImageLayersOnly"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:${local.partition}:s3:::prod-${local.region}-starport-layer-bucket/*"
      }]
    })
    # Pulling the front's image, with credentials of this account.
    ecr = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          # GetAuthorizationToken has no resource type: "*" is the only resource IAM accepts.
          Sid       = "EcrLogin"
          Effect    = "Allow"
          Principal = "*"
          Action    = "ecr:GetAuthorizationToken"
          Resource  = "*"
          Condition = { StringEquals = { "aws:PrincipalAccount" = local.account_id } }
        },
        {
          Sid       = "PullTheFrontImage"
          Effect    = "Allow"
          Principal = "*"
          Action    = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
          Resource  = aws_ecr_repository.front[0].arn
          Condition = { StringEquals = { "aws:PrincipalAccount" = local.account_id } }
        },
      ]
    })
    # Writing the front's log group, with credentials of this account.
    logs = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "WriteTheFrontLogGroup"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource  = "${aws_cloudwatch_log_group.front[0].arn}:*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = local.account_id } }
      }]
    })
  } : {}
}

resource "aws_vpc_endpoint" "s3" {
  count = local.front_count

  vpc_id            = aws_vpc.front[0].id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private[0].id]
  policy            = local.endpoint_policies["s3"]

  tags = { Name = "${var.name_prefix}-front-s3" }
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = aws_vpc.front[0].id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for subnet in aws_subnet.private : subnet.id]
  security_group_ids  = [aws_security_group.endpoints[0].id]
  policy              = local.endpoint_policies[each.key == "logs" ? "logs" : "ecr"]

  tags = { Name = "${var.name_prefix}-front-${replace(each.key, ".", "-")}" }
}

# --- Flow logs -----------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow_logs" {
  count = local.front_count

  name              = "/aws/vpc/${var.name_prefix}-front/flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_iam_role" "flow_logs" {
  count = local.front_count

  name        = "${var.name_prefix}-front-flow-logs"
  description = "VPC flow logs of the ${var.name_prefix} front network"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "FlowLogsOfThisAccountAssume"
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.${local.dns_suffix}" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "flow_logs" {
  count = local.front_count

  name = "write-flow-log-group"
  role = aws_iam_role.flow_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteFlowLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = ["${aws_cloudwatch_log_group.flow_logs[0].arn}:*"]
    }]
  })
}

resource "aws_flow_log" "front" {
  count = local.front_count

  vpc_id               = aws_vpc.front[0].id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs[0].arn
  iam_role_arn         = aws_iam_role.flow_logs[0].arn
}

# --- Security groups -----------------------------------------------------------------------------
# Internet → ALB on 443 (and 80, which only redirects to 443); ALB → tasks on the container port;
# tasks → the interface endpoints on 443 and the S3 gateway endpoint's prefix list on 443.

resource "aws_security_group" "alb" {
  count = local.front_count

  name        = "${var.name_prefix}-front-alb"
  description = "Front load balancer: HTTPS and the HTTP redirect from the internet"
  vpc_id      = aws_vpc.front[0].id
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  count = local.front_count

  security_group_id = aws_security_group.alb[0].id
  description       = "HTTPS from the internet"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:Port 80 only answers with a 301 redirect to HTTPS (listener http_redirect); no content is served over HTTP.
  count = local.front_count

  security_group_id = aws_security_group.alb[0].id
  description       = "HTTP from the internet, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  count = local.front_count

  security_group_id            = aws_security_group.alb[0].id
  description                  = "To the front tasks on the container port"
  ip_protocol                  = "tcp"
  from_port                    = var.front_container_port
  to_port                      = var.front_container_port
  referenced_security_group_id = aws_security_group.tasks[0].id
}

resource "aws_security_group" "tasks" {
  count = local.front_count

  name        = "${var.name_prefix}-front-tasks"
  description = "Front tasks: the container port from the load balancer only"
  vpc_id      = aws_vpc.front[0].id
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  count = local.front_count

  security_group_id            = aws_security_group.tasks[0].id
  description                  = "Container port from the front load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.front_container_port
  to_port                      = var.front_container_port
  referenced_security_group_id = aws_security_group.alb[0].id
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_endpoints" {
  count = local.front_count

  security_group_id            = aws_security_group.tasks[0].id
  description                  = "HTTPS to the ECR and CloudWatch Logs interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints[0].id
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_s3" {
  count = local.front_count

  security_group_id = aws_security_group.tasks[0].id
  description       = "HTTPS to S3 through the gateway endpoint (image layers)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3[0].prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_internet" {
  count = local.nat_count

  security_group_id = aws_security_group.tasks[0].id
  description       = "HTTPS to the internet through the NAT gateway (nat_gateway_enabled)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "endpoints" {
  count = local.front_count

  name        = "${var.name_prefix}-front-endpoints"
  description = "Interface endpoints of the front network: HTTPS from the front tasks only"
  vpc_id      = aws_vpc.front[0].id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_tasks" {
  count = local.front_count

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the front tasks"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.tasks[0].id
}
