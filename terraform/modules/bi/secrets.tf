# The key of person_key (HMAC-SHA256 of the normalised document number).
#
# Terraform creates the secret but never its value: a generated value would sit in the state
# (a data source) or need an ephemeral resource, which Terraform 1.11's mock providers cannot
# test. The first function that needs the key and finds none puts a random one, with a fixed
# client request token so that concurrent first calls converge on one value
# (acogida.adapters.lake). Nothing of the key is in the plan or the state.
#
# Rotation is deliberate: automatic rotation would change every person_key and split each
# person's history in two. Re-keying the lake is a procedure of its own (data protection).

resource "aws_secretsmanager_secret" "pseudonymisation" {
  #checkov:skip=CKV2_AWS_57:Automatic rotation would silently change every person_key and split each person's history in two; the key is rotated only by the scripted re-keying procedure.
  name                    = "${var.name_prefix}/pseudonymisation-key"
  description             = "HMAC-SHA256 key of person_key in the pseudonymised lake (${var.name_prefix}); its value is put by the first function that needs it"
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}
