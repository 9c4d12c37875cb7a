# Remote state of environment "pre": the bucket made by bootstrap/state-backend.yaml in account
# 333333333333. One object per workspace: env/pre/acogida/terraform.tfstate, locked with S3 native locking.
bucket               = "acogida-pre-tfstate-333333333333-eu-south-2"
key                  = "acogida/terraform.tfstate"
region               = "eu-south-2"
workspace_key_prefix = "env"
use_lockfile         = true
encrypt              = true
kms_key_id           = "alias/acogida-pre-tfstate"
