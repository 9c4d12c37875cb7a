# Browser credentials for Amazon Transcribe streaming: a Cognito identity pool that trusts only the
# web app client of the user pool (no unauthenticated identities, no classic flow), and the role
# its authenticated identities get, which may do nothing but start a streaming transcription.
# The front calls Transcribe in the language region (TRANSCRIBE_REGION): streaming is not offered
# in eu-south-2. The pool is created everywhere, also in local mode (the emulator holds identity
# pools); attaching the role (SetIdentityPoolRoles) is not emulated, hence
# identity_pool_roles_enabled.

locals {
  cognito_identity_principal = "cognito-identity.${local.dns_suffix}"
  # The user pool as an identity provider: the issuer without its scheme.
  cognito_provider_name = "cognito-idp.${local.region}.${local.dns_suffix}/${aws_cognito_user_pool.this.id}"

  identity_trust_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AuthenticatedIdentitiesOfThisPool"
      Effect    = "Allow"
      Principal = { Federated = local.cognito_identity_principal }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals             = { "${local.cognito_identity_principal}:aud" = aws_cognito_identity_pool.this.id }
        "ForAnyValue:StringLike" = { "${local.cognito_identity_principal}:amr" = "authenticated" }
      }
    }]
  })

  # StartStreamTranscription (HTTP/2) and StartStreamTranscriptionWebSocket (the browser's
  # WebSocket) have no resource type: "*" is the only resource IAM accepts for them. The
  # region condition keeps the credentials to the language region.
  identity_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "StreamingTranscriptionOnly"
      Effect    = "Allow"
      Action    = ["transcribe:StartStreamTranscription", "transcribe:StartStreamTranscriptionWebSocket"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:RequestedRegion" = var.language_region } }
    }]
  })
}

resource "aws_cognito_identity_pool" "this" {
  identity_pool_name               = "${var.name_prefix}-transcribe"
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id               = aws_cognito_user_pool_client.web.id
    provider_name           = local.cognito_provider_name
    server_side_token_check = true
  }
}

resource "aws_iam_role" "transcribe_streaming" {
  name                 = "${var.name_prefix}-transcribe-streaming"
  description          = "Authenticated identities of the ${var.name_prefix} identity pool: streaming transcription only"
  assume_role_policy   = local.identity_trust_policy
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "transcribe_streaming" {
  name   = "streaming-transcription-only"
  role   = aws_iam_role.transcribe_streaming.id
  policy = local.identity_policy
}

resource "aws_cognito_identity_pool_roles_attachment" "this" {
  count = var.identity_pool_roles_enabled ? 1 : 0

  identity_pool_id = aws_cognito_identity_pool.this.id
  roles            = { authenticated = aws_iam_role.transcribe_streaming.arn }
}
