#!/usr/bin/env bash
# Creates the secrets docker-compose.yml hands to its services, one file each, in deploy/secrets/
# (or the folder given as $1). A secret that exists is kept: the key rings encrypt stored credentials,
# Temporal payloads and staged files, and a new key could not read what the old one wrote. Run it
# once before the first `docker compose up`; back the folder up with the database.
#
#   secret_keys                 INSIGHT_HUB_SECRET_KEYS   k1:<base64 of 32 random bytes>
#   payload_keys                INSIGHT_HUB_PAYLOAD_KEYS  p1:<base64 of 32 random bytes>
#   control_plane_db_password   the control plane's PostgreSQL role (insight_hub)
#   database_url                DATABASE_URL              the control plane, with that password
#   temporal_db_password        Temporal's PostgreSQL role (temporal), also the server's superuser
#   s3_credentials              the staging bucket's access key, as an AWS credentials file
#                               (AWS_SHARED_CREDENTIALS_FILE)
#   s3_identities               the same key as SeaweedFS's S3 identities (-s3.config)
#   metrics_scrape_token        METRICS_SCRAPE_TOKEN      what Prometheus sends to scrape /metrics
#   grafana_admin_password      Grafana's admin user
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly DIR="${1:-$ROOT/deploy/secrets}"

random_base64() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
# Hex: safe inside a URL and a shell word without quoting.
random_hex() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# The folder is the owner's alone; the files in it are world-readable because compose bind-mounts each
# one into the containers as it is, where the services run as their own users (node, postgres, temporal).
mkdir -p "$DIR"
chmod 700 "$DIR"

made=()
write_once() {
  local name="$1" value="$2"
  [[ -s "$DIR/$name" ]] && return 0
  (umask 022 && printf '%s\n' "$value" >"$DIR/$name.tmp")
  mv "$DIR/$name.tmp" "$DIR/$name"
  made+=("$name")
}

write_once secret_keys "k1:$(random_base64)"
write_once payload_keys "p1:$(random_base64)"
write_once temporal_db_password "$(random_hex)"
write_once control_plane_db_password "$(random_hex)"
# Made from the password file, so the two always agree.
write_once database_url "postgresql://insight_hub:$(tr -d '\n' <"$DIR/control_plane_db_password")@postgresql:5432/insight_hub"
key_id="$(random_hex)"
write_once s3_credentials "$(printf '[default]\naws_access_key_id = ih%s\naws_secret_access_key = %s' "${key_id:0:18}" "$(random_hex)")"
# Made from the credentials file, so the server and the app always hold the same key.
access_key="$(sed -n 's/^aws_access_key_id = //p' "$DIR/s3_credentials")"
secret_key="$(sed -n 's/^aws_secret_access_key = //p' "$DIR/s3_credentials")"
write_once s3_identities "$(printf '{"identities":[{"name":"insight-hub","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","List","Tagging","Write"]}]}' "$access_key" "$secret_key")"
write_once metrics_scrape_token "$(random_hex)"
write_once grafana_admin_password "$(random_hex)"

if ((${#made[@]} == 0)); then
  echo "make-secrets.sh: every secret already exists in $DIR (kept)"
else
  echo "make-secrets.sh: created ${made[*]} in $DIR"
fi
