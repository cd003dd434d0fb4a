#!/usr/bin/env bash
# The Debian package, installed on this machine as an administrator would (docs/install.md):
# dpkg -i, the API key, an edited configuration, the gateway started exactly as its systemd
# unit starts it, one study sent and registered, SIGTERM, then dpkg --purge leaving nothing.
#   install_test.sh SOURCE_DIR BUILD_DIR
# Needs root (dpkg, a system user); exits 77 (ctest: skipped) otherwise. The machine is put
# back as it was, whatever fails: the package purged, processes stopped, and the system user
# removed if this test created it.
#
# The package is built by debian/rules from the daemon the suite already built in BUILD_DIR
# (GW_PREBUILT_BUILD_DIR): a cold dpkg-buildpackage compiles for minutes (docs/install.md).
set -euo pipefail

source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=test_package.sh
. "$here/test_package.sh"
# shellcheck source=unit_runner.sh
. "$here/unit_runner.sh"

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "---- $*"; }

[ "$(id -u)" -eq 0 ] || skip "the install test needs root (dpkg -i, a system user); run ctest as root"
for tool in dpkg-buildpackage dh storescu setpriv python3; do
  command -v "$tool" >/dev/null || skip "$tool is missing: run scripts/install-deps"
done
if dpkg-query -W -f='${Status}' dicom-gateway 2>/dev/null | grep -q "installed"; then
  skip "dicom-gateway is already installed here; this test would replace and purge it"
fi

work=$(mktemp -d /tmp/gw-package-test.XXXXXX)
chmod 0755 "$work"
user_existed=no
getent passwd dicom-gateway >/dev/null && user_existed=yes
gateway_pid=
simulator_pid=
credentials=

restore_machine() {
  local status=$?
  if [ -n "$gateway_pid" ]; then kill -KILL "$gateway_pid" 2>/dev/null || true; fi
  if [ -n "$simulator_pid" ]; then kill "$simulator_pid" 2>/dev/null || true; fi
  if dpkg-query -W -f='${Status}' dicom-gateway 2>/dev/null | grep -qv "not-installed"; then
    echo "---- restoring the machine: dpkg --purge dicom-gateway"
    dpkg --purge dicom-gateway >/dev/null 2>&1 || true
  fi
  if [ "$user_existed" = no ] && getent passwd dicom-gateway >/dev/null; then
    userdel dicom-gateway 2>/dev/null || true
    if getent group dicom-gateway >/dev/null; then groupdel dicom-gateway 2>/dev/null || true; fi
  fi
  [ -n "$credentials" ] && rm -rf "$credentials"
  if [ "$status" -ne 0 ] && [ -f "$work/gateway.log" ]; then
    echo "---- the gateway's log" >&2
    cat "$work/gateway.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap restore_machine EXIT


step "building the package from $build_dir"
build_test_package "$source_dir" "$build_dir" "$work"

step "lintian"
if command -v lintian >/dev/null; then
  lintian --fail-on error "$deb" || fail "lintian reports errors on the package"
fi

step "dpkg -i"
dpkg -i "$deb" >"$work/dpkg-install.log" 2>&1 || { cat "$work/dpkg-install.log" >&2; fail "dpkg -i failed"; }

config=/etc/dicom-gateway/gateway.yaml
unit=/lib/systemd/system/dicom-gateway.service
owner=$(stat -c '%U:%G %a' "$config")
[ "$owner" = "root:dicom-gateway 640" ] ||
  fail "$config is '$owner', expected 'root:dicom-gateway 640': the service user could not read it"
dpkg-query -W -f='${Conffiles}\n' dicom-gateway | grep -q " $config " ||
  fail "$config is not a conffile: an upgrade would overwrite the administrator's edits"
getent passwd dicom-gateway >/dev/null || fail "the system user dicom-gateway does not exist"
[ -f "$unit" ] || fail "the unit $unit is missing"
[ -L /etc/systemd/system/multi-user.target.wants/dicom-gateway.service ] ||
  fail "the unit is not enabled (no multi-user.target.wants link)"
[ "$(stat -c %U /var/lib/dicom-gateway 2>/dev/null)" = dicom-gateway ] ||
  fail "/var/lib/dicom-gateway is missing or not owned by dicom-gateway"
[ -f /usr/share/man/man8/dicom-gateway.8.gz ] || fail "man dicom-gateway: the man page is not installed"
for monitoring in dicom-gateway.rules.yml grafana-dashboard.json; do
  [ -f "/usr/share/dicom-gateway/monitoring/$monitoring" ] ||
    fail "/usr/share/dicom-gateway/monitoring/$monitoring (for Prometheus and Grafana) is not installed"
done
installed_version=$(/usr/bin/dicom-gateway --version)
built_version=$("$build_dir/src/app/dicom-gateway" --version)
[ "$installed_version" = "$built_version" ] ||
  fail "/usr/bin/dicom-gateway --version says '$installed_version', the daemon packed says '$built_version'"
echo "installed package $version: dicom-gateway $installed_version"

step "the API key and the configuration, as an administrator sets them"
api_key=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
install -m 0600 -o root -g root /dev/null /etc/dicom-gateway/api-key
printf '%s\n' "$api_key" >/etc/dicom-gateway/api-key

start_viewer_simulator "$api_key" "$work/simulator.log" "$work/viewer-ca.pem"
install -m 0644 "$work/viewer-ca.pem" /etc/dicom-gateway/viewer-ca.pem

dicom_port=$(free_port)
metrics_port=$(free_port)
edit_config "$config" "$base_url" "$dicom_port" "$metrics_port" || fail "could not edit $config"
/usr/bin/dicom-gateway check-config --config "$config" || fail "check-config rejects the edited $config"

step "starting the gateway as $unit would"
credentials=$(mktemp -d /run/gw-credentials.XXXXXX)
start_as_unit "$unit" "$credentials" "$work/gateway.log"
wait_for 30 grep -q "event=gateway_ready" "$work/gateway.log" ||
  fail "the gateway did not log event=gateway_ready within 30 s"

step "sending a study with storescu"
storescu -aec AVARA_GW -aet CT01 127.0.0.1 "$dicom_port" \
  "$build_dir/testdata/ct_chest_s1_i1.dcm" "$build_dir/testdata/ct_chest_s1_i2.dcm" ||
  fail "storescu could not send the study to 127.0.0.1:$dicom_port"

studies_json() {
  setpriv --reuid=dicom-gateway --regid=dicom-gateway --init-groups \
    /usr/bin/dicom-gateway studies --config "$config" --json 2>/dev/null
}
registered() { studies_json | grep -q '"state": *"registered"'; }
wait_for 60 registered || { studies_json >&2 || true; fail "the study was not registered within 60 s"; }
grep -q "event=study_registered" "$work/gateway.log" || fail "the log has no event=study_registered"
echo "registered: $(grep -o 'study_id=[^ ]*' "$work/gateway.log" | head -1)"

step "stopping the gateway with SIGTERM"
kill -TERM "$gateway_pid"
wait_for 60 bash -c "! kill -0 $gateway_pid 2>/dev/null" || fail "the gateway did not exit within 60 s of SIGTERM"
exit_status=0
wait "$gateway_pid" || exit_status=$?
gateway_pid=
[ "$exit_status" -eq 0 ] || fail "the gateway exited with status $exit_status after SIGTERM"
if grep -q "$api_key" "$work/gateway.log"; then fail "the gateway's log contains the API key"; fi

step "dpkg --purge"
dpkg --purge dicom-gateway >"$work/dpkg-purge.log" 2>&1 || { cat "$work/dpkg-purge.log" >&2; fail "dpkg --purge failed"; }
for left in /etc/dicom-gateway /var/lib/dicom-gateway "$unit" /usr/bin/dicom-gateway \
            /etc/systemd/system/multi-user.target.wants/dicom-gateway.service \
            /usr/lib/sysusers.d/dicom-gateway.conf /usr/lib/tmpfiles.d/dicom-gateway.conf \
            /usr/share/doc/dicom-gateway /usr/share/dicom-gateway; do
  [ ! -e "$left" ] || fail "after dpkg --purge, $left is still there"
done
# Debian keeps system users on purge (files the user owned elsewhere must not pass to a new
# user given the same uid). The trap removes it only when this test created it.
getent passwd dicom-gateway >/dev/null || fail "purge removed the system user; Debian keeps it"
echo "purged; the system user dicom-gateway is kept, as Debian does"
echo "PASSED in $SECONDS s"
