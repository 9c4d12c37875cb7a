# Remote state of environment "prod": the bucket made by bootstrap/state-backend.yaml in account
# 444444444444. One object per workspace: env/prod/acogida/terraform.tfstate, locked with S3 native locking.
bucket               = "acogida-prod-tfstate-444444444444-eu-south-2"
key                  = "acogida/terraform.tfstate"
region               = "eu-south-2"
workspace_key_prefix = "env"
use_lockfile         = true
encrypt              = true
kms_key_id           = "alias/acogida-prod-tfstate"
