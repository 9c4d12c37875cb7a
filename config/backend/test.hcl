# Remote state of environment "test": the bucket made by bootstrap/state-backend.yaml in account
# 222222222222. One object per workspace: env/test/acogida/terraform.tfstate, locked with S3 native locking.
bucket               = "acogida-test-tfstate-222222222222-eu-south-2"
key                  = "acogida/terraform.tfstate"
region               = "eu-south-2"
workspace_key_prefix = "env"
use_lockfile         = true
encrypt              = true
kms_key_id           = "alias/acogida-test-tfstate"
