#!/bin/bash
# Runs once, when the PostgreSQL volume is first initialised: a database and a role of its own for
# Insight Hub's control plane, beside Temporal's databases (which temporalio/auto-setup creates).
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v password="$INSIGHT_HUB_DB_PASSWORD" <<'SQL'
CREATE ROLE insight_hub LOGIN PASSWORD :'password';
CREATE DATABASE insight_hub OWNER insight_hub;
SQL
