# shellcheck shell=bash
# Builds the .deb the package tests install: debian/rules packs the daemon the suite already
# built (GW_PREBUILT_BUILD_DIR) instead of compiling it again (a cold dpkg-buildpackage takes
# minutes; docs/install.md). Sourced by the tests in this folder.
#   build_test_package SOURCE_DIR BUILD_DIR WORK_DIR   → sets deb (its path) and version

build_test_package() {
  local source_dir=$1 build_dir=$2 work=$3 started=$SECONDS
  local tree="$work/tree/dicom-gateway"
  mkdir -p "$tree"
  cp -a "$source_dir/CMakeLists.txt" "$source_dir/debian" "$source_dir/config" "$source_dir/docs" "$tree/"
  version=$("$source_dir/scripts/package-changelog" "$tree" "$source_dir")
  (cd "$tree" && GW_PREBUILT_BUILD_DIR="$build_dir" DEB_BUILD_OPTIONS=noddebs \
     dpkg-buildpackage -b -us -uc >"$work/dpkg-buildpackage.log" 2>&1) ||
    { cat "$work/dpkg-buildpackage.log" >&2; fail "dpkg-buildpackage failed"; }
  deb="$work/tree/dicom-gateway_${version}_$(dpkg --print-architecture).deb"
  [ -f "$deb" ] || fail "no $deb after dpkg-buildpackage"
  echo "built $(basename "$deb") in $((SECONDS - started)) s"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Polls "$@" once a second for up to $1 seconds.
wait_for() {
  local timeout=$1; shift
  for _ in $(seq "$timeout"); do
    if "$@"; then return 0; fi
    sleep 1
  done
  return 1
}

# Starts the bundled viewer API simulator with TLS on a free port, accepting $1 as the key;
# sets simulator_pid and base_url, and writes its CA to $3. Log: $2.
start_viewer_simulator() {
  local key=$1 log=$2 ca=$3
  SIMULATOR_API_KEY="$key" "$build_dir/tools/viewer_simulator/viewer-simulator" --listen 127.0.0.1 \
    --port 0 --api-key-env SIMULATOR_API_KEY --cert-out "$ca" >"$log" 2>&1 &
  # shellcheck disable=SC2034  # read by the caller
  simulator_pid=$!
  wait_for 20 grep -q "listening on" "$log" || { cat "$log" >&2; fail "the viewer simulator did not start"; }
  # shellcheck disable=SC2034  # read by the caller
  base_url=$(sed -n 's/.*listening on \(https:[^ ]*\).*/\1/p' "$log")
}

# Edits the installed gateway.yaml ($1) as an administrator would: the viewer URL and its CA,
# the DICOM port ($3) on loopback, the metrics port ($4).
edit_config() {
  python3 - "$@" <<'EDIT'
import sys
path, base_url, dicom_port, metrics_port = sys.argv[1:]
text = open(path).read()
edits = [
    ("  bind: 0.0.0.0\n", "  bind: 127.0.0.1\n"),
    ("  port: 11112\n", f"  port: {dicom_port}\n"),
    ("  base_url: https://api.avarasoftware.com/v1\n", f"  base_url: {base_url}\n"),
    ("  # ca_file: /etc/dicom-gateway/viewer-ca.pem", "  ca_file: /etc/dicom-gateway/viewer-ca.pem #"),
    ("logging:\n", f"metrics:\n  listen: 127.0.0.1:{metrics_port}\nlogging:\n"),
]
for old, new in edits:
    if old not in text:
        sys.exit(f"the shipped {path} no longer has {old.strip()!r}; update tests/package")
    text = text.replace(old, new, 1)
open(path, "w").write(text)
EDIT
}

# Builds, from the tree build_test_package left in $1, the same package one version later
# (an upgrade to install over it); sets next_deb.
build_next_version() {
  local work=$1 next="$1/next/tree"
  mkdir -p "$next"
  cp -a "$work/tree/dicom-gateway" "$next/"
  local next_version="$version.1" changelog="$next/dicom-gateway/debian/changelog"
  { printf 'dicom-gateway (%s) bookworm; urgency=medium\n\n  * The upgrade the package tests install.\n\n -- %s  %s\n\n' \
      "$next_version" "dicom-gateway maintainers <support@avarasoftware.com>" "$(date -R)"
    cat "$changelog"; } >"$changelog.new"
  mv "$changelog.new" "$changelog"
  (cd "$next/dicom-gateway" && GW_PREBUILT_BUILD_DIR="$build_dir" DEB_BUILD_OPTIONS=noddebs \
     dpkg-buildpackage -b -us -uc >"$work/dpkg-buildpackage-next.log" 2>&1) ||
    { cat "$work/dpkg-buildpackage-next.log" >&2; fail "dpkg-buildpackage of the upgrade failed"; }
  next_deb="$next/dicom-gateway_${next_version}_$(dpkg --print-architecture).deb"
  [ -f "$next_deb" ] || fail "no $next_deb after dpkg-buildpackage"
}
