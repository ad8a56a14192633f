# Sourced by the install-* scripts: `apt_install WHY PACKAGE…` installs Debian packages with apt-get when
# allowed (root, or password-less sudo), else warns that WHY and returns 0: a missing optional tool never
# fails the caller (the tests that need it skip with a warning, or fail under CI=true).
apt_install() {
  local why=$1
  shift
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "warning: cannot install $* (not root): $why" >&2
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "warning: no apt-get to install $*: $why" >&2
    return 0
  fi
  $sudo apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null ||
    echo "warning: installing $* failed: $why" >&2
  return 0
}
