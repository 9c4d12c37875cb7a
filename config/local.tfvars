# Local mode: the real root module applied to moto on 127.0.0.1 (make up / make demo).
# Nothing here reaches AWS: every service the platform uses is routed to the emulator, and the
# credentials the local runner passes are dummies.
environment    = "local"
aws_region     = "eu-south-2"
aws_account_id = "123456789012" # the account moto answers with
owner          = "acogida-platform"
cost_centre    = "local"

# The transcription path's region (module transcription), as on AWS: Transcribe and Comprehend are
# not offered in eu-south-2. moto serves both regions on its one endpoint.
language_region = "eu-west-1"

# Retention (docs/data-protection.md lists every store with its variable; the data-protection
# officer confirms the values). Submitted intakes and their redacted transcripts, in days from
# submission; the pseudonymised lake (raw and curated buckets), in days from each object's write.
submitted_intake_retention_days   = 30
lake_retention_days               = 30
transcript_retention_days         = 7
noncurrent_version_retention_days = 7
athena_results_retention_days     = 7
access_log_retention_days         = 30

# Intake application (module app). The functions' images are not set here: every plan and apply
# gets image_tags (the content hash of each image) from the tooling, computed from the checkout;
# here no image is built: the local apply registers each image in the emulator's ECR.
log_retention_days = 7
draft_ttl_days     = 7
# The emulator has no Comprehend: the functions' extraction uses the rules only, and the
# optional DNI recogniser stays off (moto's waiter for it never ends).
comprehend_enabled                = false
comprehend_dni_recognizer_enabled = false
cors_allowed_origins              = ["http://127.0.0.1:8080"] # the local front (make demo, make serve)
# The emulator cannot run the function images (no Docker); an enabled event source mapping would
# take each upload message as S3 sends it. Off, the messages wait in the uploads queue (in
# language_region) for the local runtime.
audio_uploads_trigger_enabled = false

# The front is not hosted here: the emulator runs no containers and holds no certificate. The
# local runtime serves the front on http://127.0.0.1:8080 with terraform output
# front_runtime_environment. The identity pool and its role are created, but moto does not
# implement SetIdentityPoolRoles, so the role is not attached (no Transcribe locally anyway).
front_hosting_enabled       = false
identity_pool_roles_enabled = false
nat_gateway_enabled         = false

# The runner overrides the port when MOTO_PORT is not 5000 (-var emulator_endpoint=...).
emulator_endpoint = "http://127.0.0.1:5000"
emulator_services = [
  "apigatewayv2", "athena", "cloudwatch", "cognitoidentity", "cognitoidp", "dynamodb", "ec2", "ecr",
  "ecs", "elbv2", "events", "glue", "iam", "kms", "lambda", "logs", "s3", "scheduler",
  "secretsmanager", "ses", "sns", "sqs", "ssm", "sts",
]

# Data lake (module bi): as for audio uploads, the emulator cannot run the function images, so the
# stream and the bulk-uploads queue are delivered by the local runtime instead of Lambda triggers.
export_trigger_enabled      = false
bulk_upload_trigger_enabled = false
quicksight_enabled          = false # no QuickSight subscription in the emulator

# Forecast (module ml). The emulator holds no CodePipeline, CodeBuild or CodeStar connection, so
# the pipeline is off (the root refuses it on in local mode); `acogida mlops run --local` runs the
# same stage commands with terraform output mlops_stage_environment. The table, topic, SES sender,
# forecast_api and its routes are applied to the emulator as to AWS.
mlops_pipeline_enabled       = false
mlops_source_provider        = "S3"
forecast_horizon_days        = 28
forecast_ttl_days            = 400
report_link_ttl_seconds      = 3600
forecast_notification_emails = []
# The emulator records the e-mails SES would send (no mail leaves the machine).
report_sender_email = "informes@acogida.example"
coordinator_emails = {
  getafe          = ["coordinacion.getafe@acogida.example"]
  "madrid-centro" = ["coordinacion.madrid-centro@acogida.example"]
}
