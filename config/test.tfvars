# Environment "test". Apply only from the "test" workspace: make plan ENV=test / make apply ENV=test.
# aws_account_id is the account this environment lives in; replace it with yours when you adopt
# the platform (the provider refuses to touch any other account).
environment    = "test"
aws_region     = "eu-south-2"
aws_account_id = "222222222222"
owner          = "acogida-platform"
cost_centre    = "cruz-roja-acogida-test"

# Transcribe and Comprehend are not offered in eu-south-2: the batch transcription path (module
# transcription) and every Comprehend call run in this region.
language_region = "eu-west-1"

transcript_retention_days         = 7
noncurrent_version_retention_days = 14
athena_results_retention_days     = 30
access_log_retention_days         = 365

alert_email_addresses = []

# Intake application (module app)
image_tag          = "0.1.0" # the release this environment runs (immutable ECR tags)
log_retention_days = 30
draft_ttl_days     = 7
comprehend_enabled = true
# The front's origin (https://...) once the front is deployed; empty means no browser origin.
cors_allowed_origins = []

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
