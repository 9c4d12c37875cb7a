terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Exact pin: the version the offline mirror holds and the tests ran against.
      version = "5.100.0"
    }
  }

  # Partial configuration: bucket, key, region and locking come from config/backend/<env>.hcl
  # (`make plan ENV=dev` passes it). One state object per workspace under workspace_key_prefix.
  backend "s3" {}
}
