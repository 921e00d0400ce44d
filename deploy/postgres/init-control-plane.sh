#!/bin/bash
# Runs once, when the PostgreSQL volume is first initialised: a database and a role of its own for
# Insight Hub's control plane, beside Temporal's databases (which temporalio/auto-setup creates). The
# role's password comes from the secret file deploy/make-secrets.sh made (INSIGHT_HUB_DB_PASSWORD_FILE).
set -euo pipefail

password="$(tr -d '\n' <"$INSIGHT_HUB_DB_PASSWORD_FILE")"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v password="$password" <<'SQL'
CREATE ROLE insight_hub LOGIN PASSWORD :'password';
CREATE DATABASE insight_hub OWNER insight_hub;
SQL
