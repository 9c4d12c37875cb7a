# Remote state of environment "dev": the bucket made by bootstrap/state-backend.yaml in account
# 111111111111. One object per workspace: env/dev/acogida/terraform.tfstate, locked with S3 native locking.
bucket               = "acogida-dev-tfstate-111111111111-eu-south-2"
key                  = "acogida/terraform.tfstate"
region               = "eu-south-2"
workspace_key_prefix = "env"
use_lockfile         = true
encrypt              = true
kms_key_id           = "alias/acogida-dev-tfstate"
