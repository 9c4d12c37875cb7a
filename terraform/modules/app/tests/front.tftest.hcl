# The front's hosting (front_hosting_enabled: network.tf, front.tf) and the identity pool that
# gives the browser Transcribe streaming credentials (identity.tf), against a mock AWS provider.
# The emulator cannot attach identity-pool roles, so the attachment is tested here only.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-south-2" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  # The image scripts/push.sh pushed at each tag.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:abababababababababababababababababababababababababababababababab" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-south-2a", "eu-south-2b", "eu-south-2c"] }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-south-2:123456789012:log-group:mock-group" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:eu-south-2:123456789012:repository/mock"
      repository_url = "123456789012.dkr.ecr.eu-south-2.amazonaws.com/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-south-2:123456789012:function:mock"
      invoke_arn = "arn:aws:apigateway:eu-south-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-south-2:123456789012:function:mock/invocations"
    }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id  = "eu-south-2_MockPool1"
      arn = "arn:aws:cognito-idp:eu-south-2:123456789012:userpool/eu-south-2_MockPool1"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = { id = "mockclientid0123456789abcd" }
  }
  mock_resource "aws_cognito_identity_pool" {
    defaults = { id = "eu-south-2:0000000a-0000-4000-8000-00000000000a" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "mockapi123"
      execution_arn = "arn:aws:execute-api:eu-south-2:123456789012:mockapi123"
      api_endpoint  = "https://mockapi123.execute-api.eu-south-2.amazonaws.com"
    }
  }
  mock_resource "aws_apigatewayv2_stage" {
    defaults = { invoke_url = "https://mockapi123.execute-api.eu-south-2.amazonaws.com/" }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = { prefix_list_id = "pl-0123456789abcdef0" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-south-2:123456789012:loadbalancer/app/acogida-test-front/0123456789abcdef"
      dns_name = "acogida-test-front-123456789.eu-south-2.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-south-2:123456789012:targetgroup/acogida-test-front/0123456789abcdef" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:eu-south-2:123456789012:task-definition/acogida-test-front:1" }
  }
}

variables {
  submitted_intake_retention_days = 1826
  name_prefix                     = "acogida-test"
  environment                     = "test"
  language_region                 = "eu-west-1"
  lambda_kms_key_arn              = "arn:aws:kms:eu-south-2:123456789012:key/0000000a-0000-4000-8000-00000000000a"
  ecr_kms_key_arn                 = "arn:aws:kms:eu-south-2:123456789012:key/0000000b-0000-4000-8000-00000000000b"
  logs_kms_key_arn                = "arn:aws:kms:eu-south-2:123456789012:key/0000000c-0000-4000-8000-00000000000c"
  dynamodb_kms_key_arn            = "arn:aws:kms:eu-south-2:123456789012:key/0000000e-0000-4000-8000-00000000000e"
  transcripts_kms_key_arn         = "arn:aws:kms:eu-south-2:123456789012:key/0000000f-0000-4000-8000-00000000000f"
  transcripts_bucket_name         = "acogida-test-transcripts-123456789012"
  intakes_table_name              = "acogida-test-intakes"
  intakes_table_arn               = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-intakes"
  intakes_office_index_name       = "by_office_created_at"
  idempotency_table_name          = "acogida-test-idempotency"
  idempotency_table_arn           = "arn:aws:dynamodb:eu-south-2:123456789012:table/acogida-test-idempotency"
  alerts_topic_arn                = "arn:aws:sns:eu-south-2:123456789012:acogida-test-alerts"
  image_tags                      = { intake_api = "intake-0123456789abcdef0123" }
  user_pool_deletion_protection   = true

  # Front hosting on in every run unless the run says otherwise.
  front_hosting_enabled   = true
  front_image_tag         = "front-0123456789abcdef0123"
  certificate_arn         = "arn:aws:acm:eu-south-2:123456789012:certificate/0000000d-0000-4000-8000-00000000000d"
  access_logs_bucket_name = "acogida-test-access-logs-123456789012"
  access_logs_prefix      = "alb/acogida-test-front"
}

# --- Identity pool -------------------------------------------------------------------------------

run "identity_pool_trusts_the_web_client_only" {
  command = apply

  assert {
    condition = (!aws_cognito_identity_pool.this.allow_unauthenticated_identities && !aws_cognito_identity_pool.this.allow_classic_flow &&
    aws_cognito_identity_pool.this.identity_pool_name == "acogida-test-transcribe")
    error_message = "The identity pool has no unauthenticated identities and no classic flow."
  }

  assert {
    condition = [for provider in aws_cognito_identity_pool.this.cognito_identity_providers : [provider.client_id, provider.provider_name, provider.server_side_token_check]] == [
      ["mockclientid0123456789abcd", "cognito-idp.eu-south-2.amazonaws.com/eu-south-2_MockPool1", true]
    ]
    error_message = "The only identity provider is the user pool's web client, with server-side token check."
  }

  assert {
    condition     = output.cognito_identity_pool_id == "eu-south-2:0000000a-0000-4000-8000-00000000000a"
    error_message = "The module outputs the identity pool id."
  }
}

run "identity_role_may_only_stream_transcriptions" {
  command = apply

  assert {
    condition = [for statement in jsondecode(aws_iam_role_policy.transcribe_streaming.policy).Statement : {
      effect = statement.Effect, actions = toset(flatten([statement.Action])), resource = statement.Resource, region = statement.Condition.StringEquals["aws:RequestedRegion"]
      }] == [{
      effect = "Allow", actions = toset(["transcribe:StartStreamTranscription", "transcribe:StartStreamTranscriptionWebSocket"]), resource = "*", region = "eu-west-1"
    }]
    error_message = "The role's one statement allows exactly StartStreamTranscription and StartStreamTranscriptionWebSocket, in the language region."
  }

  assert {
    condition = [for statement in jsondecode(aws_iam_role.transcribe_streaming.assume_role_policy).Statement : {
      principal = statement.Principal.Federated, action = statement.Action
      aud       = statement.Condition.StringEquals["cognito-identity.amazonaws.com:aud"]
      amr       = statement.Condition["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"]
      }] == [{
      principal = "cognito-identity.amazonaws.com", action = "sts:AssumeRoleWithWebIdentity",
      aud       = "eu-south-2:0000000a-0000-4000-8000-00000000000a", amr = "authenticated"
    }]
    error_message = "Only authenticated identities of this identity pool may assume the role."
  }

  assert {
    condition     = length(aws_cognito_identity_pool_roles_attachment.this) == 1 && aws_cognito_identity_pool_roles_attachment.this[0].roles == tomap({ authenticated = aws_iam_role.transcribe_streaming.arn })
    error_message = "The role is attached for authenticated identities only (no unauthenticated role)."
  }
}

run "roles_attachment_off_where_not_emulated" {
  command = plan

  variables {
    identity_pool_roles_enabled = false
  }

  assert {
    condition     = length(aws_cognito_identity_pool_roles_attachment.this) == 0 && aws_cognito_identity_pool.this.identity_pool_name == "acogida-test-transcribe"
    error_message = "identity_pool_roles_enabled = false keeps the pool and the role but leaves the attachment out (local mode)."
  }
}

# --- Hosting on ----------------------------------------------------------------------------------

run "https_listener_with_the_certificate_and_a_modern_policy" {
  command = apply

  assert {
    condition = (aws_lb_listener.https[0].port == 443 && aws_lb_listener.https[0].protocol == "HTTPS" &&
      aws_lb_listener.https[0].certificate_arn == var.certificate_arn &&
      aws_lb_listener.https[0].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-Res-2021-06" &&
      aws_lb_listener.https[0].default_action[0].type == "forward" &&
    aws_lb_listener.https[0].default_action[0].target_group_arn == aws_lb_target_group.front[0].arn)
    error_message = "443 is HTTPS with the given certificate and a TLS 1.3/1.2 policy, forwarding to the front."
  }

  assert {
    condition = (startswith(aws_lb_listener.https[0].routing_http_response_strict_transport_security_header_value, "max-age=63072000") &&
      aws_lb_listener.https[0].routing_http_response_x_content_type_options_header_value == "nosniff" &&
      aws_lb_listener.https[0].routing_http_response_x_frame_options_header_value == "DENY" &&
    !aws_lb_listener.https[0].routing_http_response_server_enabled)
    error_message = "The load balancer adds HSTS, nosniff and frame denial and hides its server header."
  }

  assert {
    condition = (aws_lb_listener.http_redirect[0].port == 80 && aws_lb_listener.http_redirect[0].protocol == "HTTP" &&
      aws_lb_listener.http_redirect[0].default_action[0].type == "redirect" &&
      aws_lb_listener.http_redirect[0].default_action[0].redirect[0].protocol == "HTTPS" &&
      aws_lb_listener.http_redirect[0].default_action[0].redirect[0].port == "443" &&
    aws_lb_listener.http_redirect[0].default_action[0].redirect[0].status_code == "HTTP_301")
    error_message = "80 only redirects to HTTPS (301)."
  }

  assert {
    condition     = length(aws_lb_listener.https) + length(aws_lb_listener.http_redirect) == 2
    error_message = "The load balancer has exactly two listeners."
  }

  assert {
    condition = (!aws_lb.front[0].internal && aws_lb.front[0].load_balancer_type == "application" &&
      aws_lb.front[0].drop_invalid_header_fields && aws_lb.front[0].enable_deletion_protection &&
    aws_lb.front[0].subnets == toset([for subnet in aws_subnet.public : subnet.id]))
    error_message = "A public ALB in the public subnets, dropping invalid headers, protected from deletion."
  }

  assert {
    condition = (aws_lb.front[0].access_logs[0].enabled && aws_lb.front[0].access_logs[0].bucket == "acogida-test-access-logs-123456789012" &&
    aws_lb.front[0].access_logs[0].prefix == "alb/acogida-test-front")
    error_message = "Access logs go to the landing zone's access-logs bucket under the given prefix."
  }

  assert {
    condition = (aws_lb_target_group.front[0].target_type == "ip" && aws_lb_target_group.front[0].port == 8080 &&
      aws_lb_target_group.front[0].health_check[0].path == "/healthz" && aws_lb_target_group.front[0].health_check[0].matcher == "200" &&
    aws_lb_target_group.front[0].vpc_id == aws_vpc.front[0].id)
    error_message = "The target group reaches the tasks' IPs on the container port and checks /healthz."
  }

  assert {
    condition     = output.front_url == "https://acogida-test-front-123456789.eu-south-2.elb.amazonaws.com"
    error_message = "front_url is the load balancer's DNS name over https."
  }
}

run "security_groups_admit_only_what_is_needed" {
  command = apply

  assert {
    condition = toset([for rule in concat(aws_vpc_security_group_ingress_rule.alb_https, aws_vpc_security_group_ingress_rule.alb_http) :
      "${rule.security_group_id == aws_security_group.alb[0].id}:${rule.ip_protocol}:${rule.from_port}-${rule.to_port}:${rule.cidr_ipv4}"
    ]) == toset(["true:tcp:443-443:0.0.0.0/0", "true:tcp:80-80:0.0.0.0/0"])
    error_message = "The internet reaches the load balancer on 443 and 80 only."
  }

  assert {
    condition = [for rule in concat(aws_vpc_security_group_ingress_rule.alb_https, aws_vpc_security_group_ingress_rule.alb_http, aws_vpc_security_group_ingress_rule.tasks_from_alb, aws_vpc_security_group_ingress_rule.endpoints_from_tasks) :
      "${rule.ip_protocol}:${rule.from_port}-${rule.to_port}:from-alb=${rule.referenced_security_group_id == aws_security_group.alb[0].id}:cidr=${rule.cidr_ipv4 == null ? "none" : rule.cidr_ipv4}" if rule.security_group_id == aws_security_group.tasks[0].id
    ] == ["tcp:8080-8080:from-alb=true:cidr=none"]
    error_message = "The tasks admit only the container port, from the load balancer's security group."
  }

  assert {
    condition = (aws_vpc_security_group_egress_rule.alb_to_tasks[0].referenced_security_group_id == aws_security_group.tasks[0].id &&
    aws_vpc_security_group_egress_rule.alb_to_tasks[0].from_port == 8080 && aws_vpc_security_group_egress_rule.alb_to_tasks[0].to_port == 8080)
    error_message = "The load balancer may only reach the tasks on the container port."
  }

  assert {
    condition = (aws_vpc_security_group_ingress_rule.endpoints_from_tasks[0].referenced_security_group_id == aws_security_group.tasks[0].id &&
      aws_vpc_security_group_egress_rule.tasks_to_endpoints[0].from_port == 443 &&
      aws_vpc_security_group_egress_rule.tasks_to_s3[0].prefix_list_id == aws_vpc_endpoint.s3[0].prefix_list_id &&
    length(aws_vpc_security_group_egress_rule.tasks_to_internet) == 0)
    error_message = "Without NAT the tasks reach only the endpoints (443) and S3's prefix list, never the internet."
  }

  assert {
    condition     = length(aws_default_security_group.front) == 1 && length(aws_default_security_group.front[0].ingress) == 0 && length(aws_default_security_group.front[0].egress) == 0
    error_message = "The VPC's default security group admits nothing."
  }
}

run "no_nat_gateway_unless_asked" {
  command = apply

  assert {
    condition     = length(aws_nat_gateway.front) == 0 && length(aws_eip.nat) == 0 && length(aws_route.private_nat) == 0
    error_message = "No NAT gateway, elastic IP or NAT route by default."
  }

  assert {
    condition = (!aws_ecs_service.front[0].network_configuration[0].assign_public_ip &&
      aws_ecs_service.front[0].network_configuration[0].subnets == toset([for subnet in aws_subnet.private : subnet.id]) &&
    aws_ecs_service.front[0].network_configuration[0].security_groups == toset([aws_security_group.tasks[0].id]))
    error_message = "Tasks run in the private subnets without public IPs, in the tasks' security group."
  }

  assert {
    condition = (length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2 &&
      toset([for subnet in aws_subnet.public : subnet.availability_zone]) == toset(["eu-south-2a", "eu-south-2b"]) &&
    alltrue([for subnet in concat(values(aws_subnet.public), values(aws_subnet.private)) : !subnet.map_public_ip_on_launch]))
    error_message = "Two public and two private subnets across two zones; none hands out public IPs."
  }

  assert {
    condition = (toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs"]) &&
      alltrue([for name, endpoint in aws_vpc_endpoint.interface : endpoint.private_dns_enabled && endpoint.vpc_endpoint_type == "Interface" && endpoint.service_name == "com.amazonaws.eu-south-2.${name}"]) &&
    aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3[0].route_table_ids == toset([aws_route_table.private[0].id]))
    error_message = "The tasks reach ECR and Logs through interface endpoints and S3 through the gateway endpoint."
  }

  assert {
    condition = (
      jsondecode(aws_vpc_endpoint.s3[0].policy).Statement[*].Resource == ["arn:aws:s3:::prod-eu-south-2-starport-layer-bucket/*"] &&
      jsondecode(aws_vpc_endpoint.s3[0].policy).Statement[*].Action == ["s3:GetObject"]
    )
    error_message = "The S3 gateway endpoint passes only reads of ECR's image layers."
  }

  assert {
    condition = (
      [for statement in jsondecode(aws_vpc_endpoint.interface["ecr.dkr"].policy).Statement : statement.Resource] == ["*", aws_ecr_repository.front[0].arn] &&
      jsondecode(aws_vpc_endpoint.interface["ecr.api"].policy) == jsondecode(aws_vpc_endpoint.interface["ecr.dkr"].policy) &&
      alltrue([for statement in jsondecode(aws_vpc_endpoint.interface["ecr.dkr"].policy).Statement : statement.Condition.StringEquals["aws:PrincipalAccount"] == "123456789012"])
    )
    error_message = "The ECR endpoints pass only this account's login and pulls of the front's repository."
  }

  assert {
    condition = (
      jsondecode(aws_vpc_endpoint.interface["logs"].policy).Statement[0].Resource == "${aws_cloudwatch_log_group.front[0].arn}:*" &&
      jsondecode(aws_vpc_endpoint.interface["logs"].policy).Statement[0].Condition.StringEquals["aws:PrincipalAccount"] == "123456789012"
    )
    error_message = "The Logs endpoint passes only this account's writes to the front's log group."
  }

  assert {
    condition     = aws_flow_log.front[0].traffic_type == "ALL" && aws_cloudwatch_log_group.flow_logs[0].kms_key_id == var.logs_kms_key_arn
    error_message = "VPC flow logs go to a log group encrypted with the logs key."
  }
}

run "nat_gateway_when_asked" {
  command = plan

  variables {
    nat_gateway_enabled = true
  }

  assert {
    condition     = length(aws_nat_gateway.front) == 1 && length(aws_route.private_nat) == 1 && aws_route.private_nat[0].destination_cidr_block == "0.0.0.0/0"
    error_message = "nat_gateway_enabled adds one NAT gateway and the private default route."
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tasks_to_internet) == 1 && aws_vpc_security_group_egress_rule.tasks_to_internet[0].from_port == 443
    error_message = "With NAT the tasks may reach the internet over HTTPS only."
  }

  assert {
    condition     = !aws_ecs_service.front[0].network_configuration[0].assign_public_ip
    error_message = "Even with NAT, tasks get no public IP."
  }
}

run "task_is_an_arm64_fargate_read_only_non_root_nginx" {
  command = apply

  assert {
    condition = (aws_ecs_task_definition.front[0].requires_compatibilities == toset(["FARGATE"]) &&
      aws_ecs_task_definition.front[0].network_mode == "awsvpc" &&
      aws_ecs_task_definition.front[0].runtime_platform[0].cpu_architecture == "ARM64" &&
      aws_ecs_task_definition.front[0].runtime_platform[0].operating_system_family == "LINUX" &&
    aws_ecs_task_definition.front[0].execution_role_arn == aws_iam_role.front_execution[0].arn)
    error_message = "The task is Fargate, awsvpc, ARM64 Linux, with its execution role."
  }

  assert {
    condition = [for container in jsondecode(aws_ecs_task_definition.front[0].container_definitions) : {
      image = container.image, readonly = container.readonlyRootFilesystem, user = container.user, privileged = container.privileged
      port  = container.portMappings[0].containerPort, drop = container.linuxParameters.capabilities.drop
      log   = container.logConfiguration.options["awslogs-group"]
      }] == [{
      image = "123456789012.dkr.ecr.eu-south-2.amazonaws.com/mock@sha256:abababababababababababababababababababababababababababababababab", readonly = true, user = "101", privileged = false
      port  = 8080, drop = ["ALL"], log = "/ecs/acogida-test-front"
    }]
    error_message = "One nginx container: the repository's image by the digest of front_image_tag, read-only root, non-root, no capabilities, port 8080, logs to its group."
  }

  assert {
    condition     = toset([for mount in jsondecode(aws_ecs_task_definition.front[0].container_definitions)[0].mountPoints : mount.containerPath]) == toset(["/var/cache/nginx", "/run", "/tmp"]) && toset([for volume in aws_ecs_task_definition.front[0].volume : volume.name]) == toset(["nginx-cache", "nginx-run", "tmp"])
    error_message = "nginx writes only into task volumes at /var/cache/nginx, /run and /tmp."
  }

  assert {
    condition = ({ for variable in jsondecode(aws_ecs_task_definition.front[0].container_definitions)[0].environment : variable.name => variable.value } == {
      API_URL                  = "https://mockapi123.execute-api.eu-south-2.amazonaws.com"
      COGNITO_USER_POOL_ID     = "eu-south-2_MockPool1"
      COGNITO_CLIENT_ID        = "mockclientid0123456789abcd"
      COGNITO_IDENTITY_POOL_ID = "eu-south-2:0000000a-0000-4000-8000-00000000000a"
      AWS_REGION               = "eu-south-2"
      TRANSCRIBE_REGION        = "eu-west-1"
    })
    error_message = "The container gets exactly the runtime configuration contract."
  }

  assert {
    condition     = output.front_runtime_environment == { for variable in jsondecode(aws_ecs_task_definition.front[0].container_definitions)[0].environment : variable.name => variable.value }
    error_message = "front_runtime_environment is what the container gets."
  }

  assert {
    condition     = aws_cloudwatch_log_group.front[0].kms_key_id == var.logs_kms_key_arn && aws_cloudwatch_log_group.front[0].retention_in_days == 365
    error_message = "The container's log group is encrypted with the logs key and has a retention."
  }

  assert {
    condition = (aws_ecs_service.front[0].launch_type == "FARGATE" && aws_ecs_service.front[0].desired_count == 2 &&
      aws_ecs_service.front[0].deployment_circuit_breaker[0].enable && aws_ecs_service.front[0].deployment_circuit_breaker[0].rollback &&
    one(aws_ecs_service.front[0].load_balancer).container_port == 8080 && one(aws_ecs_service.front[0].load_balancer).target_group_arn == aws_lb_target_group.front[0].arn)
    error_message = "The service runs the desired tasks behind the target group and rolls back failed deployments."
  }

  assert {
    condition     = [for setting in aws_ecs_cluster.front[0].setting : "${setting.name}=${setting.value}"] == ["containerInsights=enabled"]
    error_message = "The cluster has Container Insights."
  }

  assert {
    condition = (aws_ecr_repository.front[0].name == "acogida-test-front" && aws_ecr_repository.front[0].image_tag_mutability == "IMMUTABLE" &&
      aws_ecr_repository.front[0].image_scanning_configuration[0].scan_on_push &&
    aws_ecr_repository.front[0].encryption_configuration[0].encryption_type == "KMS" && aws_ecr_repository.front[0].encryption_configuration[0].kms_key == var.ecr_kms_key_arn)
    error_message = "The front's repository is immutable, scanned on push and encrypted with the ecr key."
  }

  assert {
    condition = alltrue([for statement in jsondecode(aws_iam_role_policy.front_execution[0].policy).Statement :
      alltrue([for action in flatten([statement.Action]) : !strcontains(action, "*")]) &&
    (statement.Resource != "*" || flatten([statement.Action]) == ["ecr:GetAuthorizationToken"])])
    error_message = "The execution role names its actions; \"*\" only for ecr:GetAuthorizationToken (no resource type)."
  }

  assert {
    condition     = jsondecode(aws_iam_role.front_execution[0].assume_role_policy).Statement[0].Principal.Service == "ecs-tasks.amazonaws.com" && jsondecode(aws_iam_role.front_execution[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Only ECS tasks of this account assume the execution role."
  }
}

run "front_tag_and_sizes_follow_the_variables" {
  command = plan

  variables {
    front_image_tag           = "front-fedcba9876543210fedc"
    front_desired_count       = 3
    front_deletion_protection = false
    force_delete_repositories = true
  }

  assert {
    condition     = data.aws_ecr_image.front[0].image_tag == "front-fedcba9876543210fedc" && data.aws_ecr_image.front[0].repository_name == "acogida-test-front" && aws_ecs_service.front[0].desired_count == 3
    error_message = "The task's image is read at front_image_tag from the front's repository; front_desired_count reaches the service."
  }

  assert {
    condition     = !aws_lb.front[0].enable_deletion_protection && aws_ecr_repository.front[0].force_delete
    error_message = "Throw-away environments can delete the load balancer and the repository."
  }
}

# --- Hosting off ---------------------------------------------------------------------------------

run "hosting_off_creates_no_front_resources" {
  command = plan

  variables {
    front_hosting_enabled   = false
    certificate_arn         = null
    access_logs_bucket_name = null
    access_logs_prefix      = null
  }

  assert {
    condition = (length(aws_vpc.front) + length(aws_subnet.public) + length(aws_subnet.private) + length(aws_internet_gateway.front) +
      length(aws_nat_gateway.front) + length(aws_vpc_endpoint.interface) + length(aws_vpc_endpoint.s3) + length(aws_flow_log.front) +
      length(aws_security_group.alb) + length(aws_security_group.tasks) + length(aws_security_group.endpoints) +
      length(aws_lb.front) + length(aws_lb_listener.https) + length(aws_lb_listener.http_redirect) + length(aws_lb_target_group.front) +
      length(aws_ecs_cluster.front) + length(aws_ecs_task_definition.front) + length(aws_ecs_service.front) +
    length(aws_ecr_repository.front) + length(aws_cloudwatch_log_group.front) + length(aws_iam_role.front_execution)) == 0
    error_message = "Without front_hosting_enabled no network, load balancer, ECS or repository resource is planned."
  }

  assert {
    condition     = output.front_url == null && output.front_ecr_repository_url == null && output.front_ecs_service_name == null
    error_message = "The front outputs are null without hosting."
  }

  assert {
    condition     = output.front_runtime_environment["TRANSCRIBE_REGION"] == "eu-west-1" && aws_cognito_identity_pool.this.identity_pool_name == "acogida-test-transcribe"
    error_message = "The identity pool and the runtime configuration exist without hosting (the local runtime serves the front with them)."
  }
}

# --- Rejected inputs -----------------------------------------------------------------------------

run "rejects_hosting_without_certificate" {
  command = plan

  variables {
    certificate_arn = null
  }

  expect_failures = [var.certificate_arn]
}

run "rejects_a_certificate_that_is_not_an_acm_arn" {
  command = plan

  variables {
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/front"
  }

  expect_failures = [var.certificate_arn]
}

run "rejects_hosting_without_access_logs" {
  command = plan

  variables {
    access_logs_bucket_name = null
  }

  expect_failures = [var.access_logs_bucket_name]
}

run "rejects_a_tls_policy_older_than_tls13" {
  command = plan

  variables {
    front_ssl_policy = "ELBSecurityPolicy-2016-08"
  }

  expect_failures = [var.front_ssl_policy]
}

run "rejects_a_privileged_container_port" {
  command = plan

  variables {
    front_container_port = 80
  }

  expect_failures = [var.front_container_port]
}

run "rejects_root_as_container_user" {
  command = plan

  variables {
    front_container_user = "0"
  }

  expect_failures = [var.front_container_user]
}

run "rejects_a_public_vpc_range" {
  command = plan

  variables {
    front_vpc_cidr = "8.8.0.0/16"
  }

  expect_failures = [var.front_vpc_cidr]
}

run "rejects_zero_front_tasks" {
  command = plan

  variables {
    front_desired_count = 0
  }

  expect_failures = [var.front_desired_count]
}

run "rejects_latest_front_image" {
  command = plan

  variables {
    front_image_tag = "latest"
  }

  expect_failures = [var.front_image_tag]
}

run "front_hosting_needs_a_front_image_tag" {
  command = plan

  variables {
    front_image_tag = null
  }

  expect_failures = [var.front_image_tag]
}
