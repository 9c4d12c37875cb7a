#!/bin/sh
# The container's entrypoint: render the runtime configuration from the environment, then run
# nginx in the foreground as PID 1's child (ECS's init process reaps and forwards signals).
set -eu

/usr/local/bin/acogida-render-config
exec nginx -g 'daemon off;'
