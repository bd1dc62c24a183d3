# Shell functions for making a project-local Python virtualenv, sourced by
# test/harness/python-tools.sh and test/consumers/python/run.sh. The sourcing
# script defines fail() (prints its message and exits 1).

# The sha256 of a file, with whichever tool the machine has.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# require_python PYTHON WHY: fails unless PYTHON is a Python 3.10 or newer;
# WHY says what needs it.
require_python() {
  local python="$1" why="$2"
  command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python 3.10+ (or set PYTHON=/path/to/python3)"
  "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || fail "$("$python" --version 2>&1) is too old; $why"
}

# build_venv PYTHON VENV REQUIREMENTS SHOWN LOG [PIP_ARGS...]: makes VENV
# afresh (rebuilt rather than patched, so a removed requirement does not
# linger) and installs REQUIREMENTS (SHOWN: its path in messages) into it;
# tool output goes to LOG and is shown only when a step fails.
build_venv() {
  local python="$1" venv="$2" requirements="$3" shown="$4" log="$5"
  shift 5
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! "$python" -m venv "$venv" >"$log" 2>&1; then
    cat "$log" >&2
    fail "could not create $venv (on Debian/Ubuntu: apt-get install python3-venv)"
  fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" -r "$requirements" >"$log" 2>&1; then
    tail -n 40 "$log" | cut -c1-400 >&2
    fail "pip install -r $shown failed (see above)"
  fi
}
