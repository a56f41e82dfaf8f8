# shellcheck shell=bash
# shellcheck disable=SC2034  # the settings below are used by the scripts that source this file
# Shared settings for scripts/bootstrap and scripts/test (sourced, not run).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export ROOT

# Where the environments live (all ignored by git and by `ansible-galaxy collection build`).
VENV="$ROOT/.venv"                      # dev venv: Python 3.11, ansible-core 2.19, SDKs, test and gate tools
VENVS="$ROOT/.venvs"                    # the other ansible-core versions and the install check
STAMP_NAME=".multicloud-stamp"

# ansible-core lines tested (name -> pip spec). 2.19 runs from .venv itself.
AC_OLDEST_SPEC='ansible-core>=2.16,<2.17'
AC_DEV_SPEC='ansible-core>=2.19,<2.20'
# The newest ansible-core 2.x that PyPI serves for the newest pyenv Python (3.13 or 3.12).
AC_NEWEST_SPEC=${MCI_NEWEST_CORE_SPEC:-'ansible-core>=2.20,<3'}

# Gate tools (co-install with ansible-core 2.19 and the SDKs: checked by pip's resolver).
# ruff and radon are pinned: a new release must not reformat or re-rank the tree by itself (ruff.toml).
GATE_TOOLS=(ansible-lint antsibull-docs antsibull-changelog galaxy-importer ansible-builder ruff==0.17.6 radon==6.0.1)
# What ansible-test units needs in the Python it runs (ansible-test's units.txt).
# pytest-timeout: scripts/test stops a hung test (PYTEST_TIMEOUT) instead of the whole run.
UNITS_TOOLS=(pytest pytest-mock pytest-xdist mock pytest-timeout)

log()  { printf '%s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# pip output on these machines is noisy (find-links warnings): keep it in a log, show it on failure.
pip_quiet() {  # pip_quiet PYTHON LOG ARGS...
    local py=$1 logf=$2; shift 2
    if ! "$py" -m pip install --disable-pip-version-check "$@" >"$logf" 2>&1; then
        grep -v "is ignored: it is neither a file nor a directory" "$logf" | tail -40 >&2
        return 1
    fi
}

# python_version PYTHON -> "3.11"
python_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

# The controller Python 3.11: python3 when it is 3.11, else pyenv's 3.11.
find_python311() {
    local cand
    for cand in "${MCI_PYTHON311:-}" "$(command -v python3 || true)" "$(command -v python3.11 || true)"; do
        [ -n "$cand" ] && [ "$(python_version "$cand")" = "3.11" ] && { echo "$cand"; return; }
    done
    find_pyenv_python 3.11
}

# find_pyenv_python X.Y -> newest pyenv X.Y.Z interpreter, or python X.Y on PATH.
find_pyenv_python() {
    local want=$1 root="" best=""
    if command -v pyenv >/dev/null 2>&1; then root=$(pyenv root 2>/dev/null || true); fi
    [ -z "$root" ] && root=${PYENV_ROOT:-$HOME/.pyenv}
    if [ -d "$root/versions" ]; then
        best=$(find "$root/versions" -mindepth 1 -maxdepth 1 -name "$want.*" -printf '%f\n' 2>/dev/null \
               | grep -E "^$want\.[0-9]+$" | sort -t. -k3,3n | tail -1)
    fi
    if [ -n "$best" ] && [ -x "$root/versions/$best/bin/python" ]; then
        echo "$root/versions/$best/bin/python"; return
    fi
    if command -v "python$want" >/dev/null 2>&1 && [ "$(python_version "python$want")" = "$want" ]; then
        command -v "python$want"; return
    fi
    return 1
}

# The newest Python for the newest ansible-core: 3.13, else 3.12.
find_python_newest() {
    local v
    for v in ${MCI_NEWEST_PYTHONS:-3.13 3.12}; do
        find_pyenv_python "$v" && return
    done
    return 1
}

# The venv for one ansible-core line: ansible_venv 2.16|2.19|newest
ansible_venv() {
    case $1 in
        2.19) echo "$VENV" ;;
        2.16) echo "$VENVS/ansible-2.16" ;;
        newest) echo "$VENVS/ansible-newest" ;;
        *) return 1 ;;
    esac
}

# requirements_hash EXTRA... -> short hash of the requirements files plus the given strings
requirements_hash() {
    { cat "$ROOT/requirements.txt" "$ROOT/tests/requirements.txt" 2>/dev/null; printf '%s\n' "$@"; } \
        | sha256sum | cut -c1-16
}

# ensure_venv DIR PYTHON LABEL PKG... : create or update DIR so it holds requirements.txt,
# tests/requirements.txt (unless MCI_NO_TEST_REQS=1) and PKG...; a stamp makes a rerun instant.
ensure_venv() {
    local dir=$1 py=$2 label=$3; shift 3
    local reqs=(-r "$ROOT/requirements.txt")
    [ "${MCI_NO_TEST_REQS:-0}" = 1 ] || reqs+=(-r "$ROOT/tests/requirements.txt")
    local want have="" logf
    want=$(requirements_hash "$label" "$py" "$("$py" -V 2>&1)" "${reqs[*]}" "$@")
    [ -f "$dir/$STAMP_NAME" ] && have=$(cat "$dir/$STAMP_NAME")
    if [ "$want" = "$have" ] && [ "${MCI_UPGRADE:-0}" != 1 ] && "$dir/bin/python" -c '' 2>/dev/null; then
        log "  $label: up to date ($dir)"
        return 0
    fi
    mkdir -p "$(dirname "$dir")"
    logf="$dir/.bootstrap-pip.log"
    if ! "$dir/bin/python" -c 'import pip' 2>/dev/null; then
        rm -rf "$dir"
        "$py" -m venv "$dir" || { warn "$label: cannot create a venv with $py"; return 1; }
    fi
    log "  $label: installing into $dir ($("$py" -V 2>&1)) ..."
    local upgrade=()
    [ "${MCI_UPGRADE:-0}" = 1 ] && upgrade=(--upgrade)
    if ! pip_quiet "$dir/bin/python" "$logf" "${upgrade[@]}" "${reqs[@]}" "$@"; then
        warn "$label: pip install failed (log: $logf)"
        return 1
    fi
    echo "$want" >"$dir/$STAMP_NAME"
    log "  $label: ready"
}
