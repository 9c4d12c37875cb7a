#!/bin/sh
# Renders the front's runtime configuration from the environment (POSIX sh: busybox ash in the
# image, dash in the local runtime). Writes into FRONT_RUNTIME_DIR (default /run/acogida-front):
#   config.json               what the browser app fetches at /config.json
#   content-security-policy.txt  the CSP, one line
#   security-headers.conf     nginx add_header lines (CSP and the other security headers)
# Every variable is checked against a strict shape first; on any error nothing is written and the
# script exits 2. The values end up inside JSON strings and nginx quoted strings, so the shapes
# admit no quotes, backslashes, spaces, semicolons or commas.
set -eu

export LC_ALL=C

REGION_RE='^[a-z]{2}(-[a-z]+)+-[0-9]$'
USER_POOL_RE='^[a-z]{2}(-[a-z]+)+-[0-9]_[A-Za-z0-9]+$'
CLIENT_RE='^[A-Za-z0-9]+$'
IDENTITY_POOL_RE='^[a-z]{2}(-[a-z]+)+-[0-9]:[0-9a-f-]+$'
HOST='[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?'
PORT='(:[0-9]{1,5})?'
URL_PATH='(/[A-Za-z0-9._~%/-]*)?'
HTTPS_ORIGIN_RE="^https://${HOST}${PORT}\$"
LOCAL_ORIGIN_RE="^http://(127\\.0\\.0\\.1|localhost)${PORT}\$"
HTTPS_URL_RE="^https://${HOST}${PORT}${URL_PATH}\$"
LOCAL_URL_RE="^http://(127\\.0\\.0\\.1|localhost)${PORT}${URL_PATH}\$"

NEWLINE='
'
errors=0

fail() {
    printf 'render-config: %s\n' "$1" >&2
    errors=$((errors + 1))
}

# Whether $1, a single line, matches one of the extended regular expressions that follow.
matches() {
    value=$1
    shift
    case $value in *"$NEWLINE"*) return 1 ;; esac
    for pattern in "$@"; do
        if printf '%s\n' "$value" | grep -Eq -- "$pattern"; then
            return 0
        fi
    done
    return 1
}

# check NAME SHAPE-DESCRIPTION REGEX...: the variable NAME must be set, non-empty and match.
check() {
    name=$1
    shape=$2
    shift 2
    eval "value=\${$name-}"
    if [ -z "$value" ]; then
        fail "$name is required ($shape)"
    elif ! matches "$value" "$@"; then
        fail "$name is invalid: expected $shape"
    fi
}

API_URL=${API_URL-}
API_URL=${API_URL%/}
COGNITO_ENDPOINT=${COGNITO_ENDPOINT-}
COGNITO_ENDPOINT=${COGNITO_ENDPOINT%/}
FRONT_RUNTIME_DIR=${FRONT_RUNTIME_DIR:-/run/acogida-front}

check API_URL 'https://host[:port][/path], or http://127.0.0.1[:port] or http://localhost[:port] locally' \
    "$HTTPS_URL_RE" "$LOCAL_URL_RE"
check COGNITO_USER_POOL_ID 'a user pool id such as eu-south-2_AbC123' "$USER_POOL_RE"
check COGNITO_CLIENT_ID 'an app client id, letters and digits only' "$CLIENT_RE"
check COGNITO_IDENTITY_POOL_ID 'an identity pool id such as eu-south-2:0f1e2d3c-...' "$IDENTITY_POOL_RE"
check AWS_REGION 'a region such as eu-south-2' "$REGION_RE"
check TRANSCRIBE_REGION 'a region such as eu-west-1' "$REGION_RE"
if [ -n "$COGNITO_ENDPOINT" ]; then
    check COGNITO_ENDPOINT 'an origin: https://host[:port], or http://127.0.0.1[:port] or http://localhost[:port]' \
        "$HTTPS_ORIGIN_RE" "$LOCAL_ORIGIN_RE"
fi

if [ "$errors" -ne 0 ]; then
    printf 'render-config: %d invalid variable(s); nothing written\n' "$errors" >&2
    exit 2
fi

api_rest=${API_URL#*://}
api_origin="${API_URL%%://*}://${api_rest%%/*}"
if [ -n "$COGNITO_ENDPOINT" ]; then
    cognito_origins=$COGNITO_ENDPOINT
    cognito_json="\"$COGNITO_ENDPOINT\""
else
    cognito_origins="https://cognito-idp.${AWS_REGION}.amazonaws.com https://cognito-identity.${AWS_REGION}.amazonaws.com"
    cognito_json=null
fi
transcribe_origin="wss://transcribestreaming.${TRANSCRIBE_REGION}.amazonaws.com:8443"

csp="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
connect-src 'self' ${api_origin} ${cognito_origins} ${transcribe_origin}; media-src 'self' blob:; \
worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; \
object-src 'none'"

mkdir -p "$FRONT_RUNTIME_DIR"
config_tmp=$(mktemp "$FRONT_RUNTIME_DIR/.config.json.XXXXXX")
csp_tmp=$(mktemp "$FRONT_RUNTIME_DIR/.content-security-policy.txt.XXXXXX")
headers_tmp=$(mktemp "$FRONT_RUNTIME_DIR/.security-headers.conf.XXXXXX")
trap 'rm -f "$config_tmp" "$csp_tmp" "$headers_tmp"' EXIT

printf '{"apiUrl":"%s","region":"%s","userPoolId":"%s","clientId":"%s","identityPoolId":"%s","transcribeRegion":"%s","cognitoEndpoint":%s}\n' \
    "$API_URL" "$AWS_REGION" "$COGNITO_USER_POOL_ID" "$COGNITO_CLIENT_ID" "$COGNITO_IDENTITY_POOL_ID" \
    "$TRANSCRIBE_REGION" "$cognito_json" >"$config_tmp"
printf '%s\n' "$csp" >"$csp_tmp"
{
    printf 'add_header Content-Security-Policy "%s" always;\n' "$csp"
    # The same value the load balancer sets (module app, local.front_hsts).
    printf 'add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;\n'
    printf 'add_header X-Content-Type-Options "nosniff" always;\n'
    printf 'add_header X-Frame-Options "DENY" always;\n'
    printf 'add_header Referrer-Policy "no-referrer" always;\n'
    printf 'add_header Permissions-Policy "microphone=(self), camera=(), geolocation=(), payment=()" always;\n'
    printf 'add_header Cross-Origin-Opener-Policy "same-origin" always;\n'
    printf 'add_header Cross-Origin-Resource-Policy "same-origin" always;\n'
} >"$headers_tmp"
chmod 0644 "$config_tmp" "$csp_tmp" "$headers_tmp"

mv -f "$config_tmp" "$FRONT_RUNTIME_DIR/config.json"
mv -f "$csp_tmp" "$FRONT_RUNTIME_DIR/content-security-policy.txt"
mv -f "$headers_tmp" "$FRONT_RUNTIME_DIR/security-headers.conf"
trap - EXIT
