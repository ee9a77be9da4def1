# Sourced by scripts/start and scripts/test: installs what is missing, nothing else.
# Deno comes pinned from the npm registry into .tools/ unless the same version is on PATH.

DENO_VERSION="2.9.6"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# ensure_packages PKG...: apt-get installs the Debian packages that are not installed yet.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get: install them by hand"
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_deno: puts the pinned Deno first on PATH and caches the project's dependencies.
ensure_deno() {
  if [ -x "$TOOLS/node_modules/.bin/deno" ] &&
    "$TOOLS/node_modules/.bin/deno" --version 2>/dev/null | grep -q "^deno $DENO_VERSION "; then
    export PATH="$TOOLS/node_modules/.bin:$PATH"
  elif command -v deno >/dev/null 2>&1 && deno --version | grep -q "^deno $DENO_VERSION "; then
    :
  else
    command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
    say "installing Deno $DENO_VERSION into $TOOLS"
    mkdir -p "$TOOLS"
    npm install --silent --no-save --no-audit --no-fund --prefix "$TOOLS" "deno@$DENO_VERSION" >/dev/null
    export PATH="$TOOLS/node_modules/.bin:$PATH"
    deno --version | grep -q "^deno $DENO_VERSION " || die "Deno $DENO_VERSION did not install"
  fi
  (cd "$ROOT" && deno install --frozen --quiet) || die "could not install the dependencies in deno.lock"
}

# The Debian packages the product needs at run time.
RUNTIME_PACKAGES=(ffmpeg redis-server fonts-dejavu-core fonts-noto-cjk ca-certificates)
