#!/usr/bin/env bash
# The Python environment of the Great Expectations differential tests: a virtual environment in
# .data/venv (INSIGHT_HUB_VENV to put it elsewhere) holding exactly test/quality/gx/requirements.txt
# (Great Expectations 1.24.1 and its pinned tree, from PyPI). Safe to run again: an environment that
# already holds these requirements is left as it is. The tests find it by the stamp written last.
#
#   bash scripts/python-env.sh          # create or update; prints the environment's python
#   bash scripts/python-env.sh schemathesis
#                                       # the same for the API fuzzer (test/api/schemathesis/run.sh):
#                                       # test/api/schemathesis/requirements.txt in .data/schemathesis-venv
#                                       # (SCHEMATHESIS_VENV), apart because its pins are not GX's
#   bash scripts/python-env.sh moto     # the S3-compatible server of the staging tests (moto_server):
#                                       # test/staging/moto/requirements.txt in .data/moto-venv (MOTO_VENV)
#   bash scripts/python-env.sh lkml     # the LookML parser the Looker hand-off tests use:
#                                       # test/models/lkml/requirements.txt in .data/lkml-venv (LKML_VENV)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly ENVIRONMENT="${1:-gx}"
case "$ENVIRONMENT" in
  gx)
    readonly VENV="${INSIGHT_HUB_VENV:-$ROOT/.data/venv}"
    readonly REQUIREMENTS="$ROOT/test/quality/gx/requirements.txt"
    ;;
  schemathesis)
    readonly VENV="${SCHEMATHESIS_VENV:-$ROOT/.data/schemathesis-venv}"
    readonly REQUIREMENTS="$ROOT/test/api/schemathesis/requirements.txt"
    ;;
  moto)
    readonly VENV="${MOTO_VENV:-$ROOT/.data/moto-venv}"
    readonly REQUIREMENTS="$ROOT/test/staging/moto/requirements.txt"
    ;;
  lkml)
    readonly VENV="${LKML_VENV:-$ROOT/.data/lkml-venv}"
    readonly REQUIREMENTS="$ROOT/test/models/lkml/requirements.txt"
    ;;
  *)
    printf 'usage: scripts/python-env.sh [gx | schemathesis | lkml | moto]\n' >&2
    exit 2
    ;;
esac
readonly STAMP="$VENV/.insight-hub-requirements"

say() { printf '==> %s\n' "$*" >&2; }
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

command -v python3 >/dev/null || { say "python3 is not installed (3.11 or later is needed)"; exit 1; }
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  say "python3 is $(python3 --version 2>&1): the pinned pandas and numpy need 3.11 or later"
  exit 1
fi

wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$wanted" ]]; then
  echo "$VENV/bin/python"
  exit 0
fi

# Debian and Ubuntu ship venv (with ensurepip) apart from python3 itself.
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  say "python3's venv module is missing: installing python3-venv"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi

say "creating $VENV with the pinned requirements of ${REQUIREMENTS#"$ROOT/"}"
rm -f "$STAMP"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
[[ "$ENVIRONMENT" != gx ]] || "$VENV/bin/python" - <<'PY'
import great_expectations, pandas
assert great_expectations.__version__ == "1.24.1", great_expectations.__version__
try:
    import pyarrow  # noqa: F401
    raise SystemExit("pyarrow is installed: pandas would run str regexes with RE2, not Python's re")
except ImportError:
    pass
PY
echo "$wanted" >"$STAMP"
echo "$VENV/bin/python"
