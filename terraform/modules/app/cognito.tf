# Staff sign-in. Accounts are created by an administrator only (no self sign-up), the e-mail is
# the user name, and custom:office carries the office whose intakes the user may see.

locals {
  user_groups = {
    technician  = { precedence = 30, description = "Intake technicians: run and correct intakes of their office" }
    coordinator = { precedence = 20, description = "Coordinators: read their office's intakes, retrain and read forecasts" }
    dpo         = { precedence = 10, description = "Data protection officer: access and erasure requests" }
  }
}

resource "aws_cognito_user_pool" "this" {
  name                     = "${var.name_prefix}-users"
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = var.user_pool_deletion_protection ? "ACTIVE" : "INACTIVE"
  # TOTP is offered to every user; making it mandatory is an organisational decision that
  # needs every technician to have an authenticator first.
  mfa_configuration = "OPTIONAL"

  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  password_policy {
    minimum_length                   = 14
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  software_token_mfa_configuration {
    enabled = true
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  username_configuration {
    case_sensitive = false
  }

  # Mutable so that an administrator can move a technician to another office
  # (AdminUpdateUserAttributes); users themselves cannot: the app client does not list it among
  # its write_attributes. An immutable attribute would mean deleting and re-creating the account.
  schema {
    name                     = "office"
    attribute_data_type      = "String"
    mutable                  = true
    developer_only_attribute = false
    required                 = false

    string_attribute_constraints {
      min_length = 1
      max_length = 64
    }
  }
}

resource "aws_cognito_user_group" "this" {
  for_each = local.user_groups

  name         = each.key
  user_pool_id = aws_cognito_user_pool.this.id
  description  = each.value.description
  precedence   = each.value.precedence
}

resource "aws_cognito_user_pool_client" "web" {
  name         = "${var.name_prefix}-web"
  user_pool_id = aws_cognito_user_pool.this.id

  # A browser app cannot keep a secret.
  generate_secret = false
  explicit_auth_flows = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
  ]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  auth_session_validity         = 3

  # A working day's session: short-lived access and ID tokens, refreshed for up to 12 hours.
  access_token_validity  = 60
  id_token_validity      = 60
  refresh_token_validity = 12

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "hours"
  }

  # Users read their e-mail and office but write neither: the e-mail is the user name and the
  # office decides what they may see, both set by an administrator. Cognito makes every
  # attribute writable when the list is left out, so it names one harmless attribute.
  read_attributes  = ["email", "email_verified", "custom:office"]
  write_attributes = ["locale"]
}
