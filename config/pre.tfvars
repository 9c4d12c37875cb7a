# Environment "pre". Apply only from the "pre" workspace: make plan ENV=pre / make apply ENV=pre.
# aws_account_id is the account this environment lives in; replace it with yours when you adopt
# the platform (the provider refuses to touch any other account).
environment    = "pre"
aws_region     = "eu-south-2"
aws_account_id = "333333333333"
owner          = "acogida-platform"
cost_centre    = "cruz-roja-acogida-pre"

# Transcribe and Comprehend are not offered in eu-south-2: the batch transcription path (module
# transcription) and every Comprehend call run in this region.
language_region = "eu-west-1"

# Retention (docs/data-protection.md lists every store with its variable; the data-protection
# officer confirms the values). Submitted intakes and their redacted transcripts, in days from
# submission; the pseudonymised lake (raw and curated buckets), in days from each object's write.
submitted_intake_retention_days   = 365
lake_retention_days               = 730
transcript_retention_days         = 30
noncurrent_version_retention_days = 30
athena_results_retention_days     = 30
access_log_retention_days         = 365

alert_email_addresses = []

# Intake application (module app). The functions' images are not set here: every plan and apply
# gets image_tags (the content hash of each image) from the tooling, computed from the checkout;
# make push ENV=<env> (scripts/push.sh) pushes the images the environment's repositories lack.
log_retention_days = 90
draft_ttl_days     = 7
comprehend_enabled = true
# The front's origin (https://...) once the front is deployed; empty means no browser origin.
cors_allowed_origins = []

# The browser's Transcribe streaming credentials: the identity pool's role is attached (only local
# mode goes without it).
identity_pool_roles_enabled = true

# The front on AWS: ECS Fargate (ARM64 nginx) in private subnets behind a public HTTPS load
# balancer, no NAT gateway (the tasks reach ECR and CloudWatch Logs through VPC endpoints).
# front_certificate_arn is the ACM certificate of the front's domain in aws_region, in this
# environment's account; like aws_account_id, replace it with yours when you adopt the platform,
# point the domain at terraform output front_url's host, and add https://<domain> to
# cors_allowed_origins.
front_hosting_enabled = true
front_certificate_arn = "arn:aws:acm:eu-south-2:333333333333:certificate/00000003-acc0-4000-8000-0000000f0303"
front_desired_count   = 2
front_vpc_cidr        = "10.40.0.0/16"
nat_gateway_enabled   = false

# Forecast (module ml): the pipeline takes the repository archive s3://<artifacts bucket>/mlops/source.zip
# (or a GitHub/GitLab repository: mlops_source_provider = "CodeStarSourceConnection" with
# mlops_repository_id).
mlops_pipeline_enabled       = true
mlops_source_provider        = "S3"
forecast_horizon_days        = 28
forecast_ttl_days            = 400
report_link_ttl_seconds      = 3600
forecast_notification_emails = []
# No report e-mail until the office's sender address is set (SES verifies it) and its
# coordinators are listed by office: report_sender_email = "...", coordinator_emails = { ... }.
report_sender_email = null
coordinator_emails  = {}
