# shellcheck shell=bash
# Finding a pinned tool's binary, shared by scripts/temporal.sh and scripts/mailpit.sh (sourced, not run).
# The caller defines `say` (its messages, on stderr) and LOCAL_BIN (where its own builds go).

# Where `go install` puts binaries by default: the first GOPATH entry's bin.
go_bin_dir() {
  command -v go >/dev/null 2>&1 || return 1
  local gopath
  gopath="$(go env GOPATH)"
  printf '%s/bin\n' "${gopath%%:*}"
}

# find_binary VARIABLE WHAT FILE IS_USABLE IS_PINNED [FIRST_CANDIDATE...]
# Prints the path of the binary to use: the one the environment variable VARIABLE names (checked with
# IS_USABLE), or else the first of FIRST_CANDIDATE..., FILE on the PATH, in Go's bin folders or in
# LOCAL_BIN that IS_PINNED accepts. Returns 1 when none is found; WHAT names the tool in messages.
find_binary() {
  local variable="$1" what="$2" file="$3" is_usable="$4" is_pinned="$5"
  shift 5
  local explicit="${!variable:-}"
  if [[ -n "$explicit" ]]; then
    # An explicit choice that does not work is an error, never silently replaced by another binary.
    if "$is_usable" "$explicit"; then
      printf '%s\n' "$explicit"
      return 0
    fi
    say "$variable=$explicit is not an executable $what"
    exit 1
  fi
  local candidate
  for candidate in "$@" "$(command -v "$file" || true)" "$(go_bin_dir || true)/$file" "$HOME/go/bin/$file" \
    "$LOCAL_BIN/$file"; do
    if "$is_pinned" "$candidate"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}
