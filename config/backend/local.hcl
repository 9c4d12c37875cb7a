# Local mode: the state lives in the emulator itself (a bucket the runner creates in moto), so
# state and emulated resources appear and vanish together. The runner adds the S3 endpoint
# (AWS_ENDPOINT_URL_S3) and dummy credentials; nothing here can reach a real account.
bucket                      = "acogida-local-tfstate"
key                         = "acogida/terraform.tfstate"
region                      = "eu-south-2"
workspace_key_prefix        = "env"
use_lockfile                = true
use_path_style              = true
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
