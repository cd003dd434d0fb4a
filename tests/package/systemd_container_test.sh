#!/usr/bin/env bash
# The Debian package under the real systemd: a Debian 12 container (mmdebstrap, booted with
# systemd-nspawn) gets the .deb with apt, and the administrator's steps of docs/install.md run
# in it with systemctl: installed enabled but skipped while there is no API key, then the key,
# the edited configuration, `systemctl enable --now`, a study sent with storescu from the
# host (the container shares the host's network), an upgrade that restarts it and keeps the
# edited configuration, `systemctl stop`, `apt-get purge`.
#   systemd_container_test.sh SOURCE_DIR BUILD_DIR
# Needs root, systemd-nspawn (systemd-container), mmdebstrap and the Debian mirror; exits 77
# (ctest: skipped) without them. The Debian 12 root filesystem is made once and kept in
# BUILD_DIR/package-test-rootfs; each run boots a copy of it, deleted at the end.
set -euo pipefail

source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "---- $*"; }
# shellcheck source=test_package.sh
. "$here/test_package.sh"

[ "$(id -u)" -eq 0 ] || skip "the container test needs root (systemd-nspawn); run ctest as root"
for tool in systemd-nspawn mmdebstrap dpkg-buildpackage storescu python3; do
  command -v "$tool" >/dev/null || skip "$tool is missing: apt-get install systemd-container mmdebstrap"
done

work=$(mktemp -d /tmp/gw-container-test.XXXXXX)
chmod 0755 "$work"
container_pid=
simulator_pid=
machine=gw-test-$$

stop_everything() {
  local status=$?
  if [ -n "$simulator_pid" ]; then kill "$simulator_pid" 2>/dev/null || true; fi
  if [ -n "$container_pid" ] && kill -0 "$container_pid" 2>/dev/null; then
    kill -TERM "$container_pid" 2>/dev/null || true     # nspawn powers the container off
    wait_for 30 bash -c "! kill -0 $container_pid 2>/dev/null" || kill -KILL "$container_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ] && [ -f "$work/journal.log" ]; then
    echo "---- the gateway's journal" >&2
    cat "$work/journal.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop_everything EXIT

rootfs_cache="$build_dir/package-test-rootfs"
if [ ! -x "$rootfs_cache/lib/systemd/systemd" ]; then
  step "making a Debian 12 root filesystem with mmdebstrap (once; kept in $rootfs_cache)"
  rm -rf "$rootfs_cache.new"
  mmdebstrap --quiet --variant=minbase --include=systemd,systemd-sysv,dbus bookworm \
    "$rootfs_cache.new" >"$work/mmdebstrap.log" 2>&1 ||
    { cat "$work/mmdebstrap.log" >&2; skip "mmdebstrap could not make a Debian 12 root filesystem (no mirror?)"; }
  mv "$rootfs_cache.new" "$rootfs_cache"
fi
root="$work/root"
cp -a "$rootfs_cache" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp /etc/apt/sources.list "$root/etc/apt/" 2>/dev/null || true
cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/" 2>/dev/null || true

step "building the package from $build_dir"
build_test_package "$source_dir" "$build_dir" "$work"
cp "$deb" "$root/root/dicom-gateway.deb"

step "booting the container"
systemd-nspawn --quiet --directory="$root" --boot --register=no --keep-unit \
  --machine="$machine" >"$work/nspawn.log" 2>&1 &
container_pid=$!
leader() { pgrep -P "$container_pid" | head -1; }
container_booting() { local pid; pid=$(leader) && [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ]; }
wait_for 20 container_booting || { cat "$work/nspawn.log" >&2; skip "systemd-nspawn could not boot a container here"; }
inside() { nsenter --target "$(leader)" --all -- "$@"; }
inside systemctl is-system-running --wait >/dev/null || true   # "degraded" is fine for this test

step "apt-get install ./dicom-gateway.deb (the runtime libraries come from the mirror)"
inside sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /root/dicom-gateway.deb' \
  >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install of the package failed in the container"; }

[ "$(inside systemctl is-enabled dicom-gateway)" = enabled ] || fail "the unit is not enabled after installation"
[ "$(inside systemctl show -P ActiveState dicom-gateway)" = inactive ] ||
  fail "the gateway runs (or failed) right after installation, before the API key exists"
[ "$(inside systemctl show -P ConditionResult dicom-gateway)" = no ] ||
  fail "installation did not try the start that ConditionPathExists= skips (deb-systemd-invoke start)"
inside stat -c '%U:%G %a' /etc/dicom-gateway/gateway.yaml | grep -qx "root:dicom-gateway 640" ||
  fail "gateway.yaml is $(inside stat -c '%U:%G %a' /etc/dicom-gateway/gateway.yaml), expected root:dicom-gateway 640"

step "the key, the configuration, systemctl enable --now"
api_key=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
start_viewer_simulator "$api_key" "$work/simulator.log" "$work/viewer-ca.pem"
install -m 0600 /dev/null "$root/etc/dicom-gateway/api-key"
printf '%s\n' "$api_key" >"$root/etc/dicom-gateway/api-key"
install -m 0644 "$work/viewer-ca.pem" "$root/etc/dicom-gateway/viewer-ca.pem"
dicom_port=$(free_port)
edit_config "$root/etc/dicom-gateway/gateway.yaml" "$base_url" "$dicom_port" "$(free_port)" ||
  fail "could not edit gateway.yaml"
inside systemctl enable --now dicom-gateway ||
  { inside journalctl -u dicom-gateway --no-pager >"$work/journal.log" 2>&1; fail "systemctl enable --now dicom-gateway failed"; }
[ "$(inside systemctl show -P ActiveState dicom-gateway)" = active ] || fail "the gateway is not active after systemctl start"

step "sending a study with storescu"
storescu -aec AVARA_GW -aet CT01 127.0.0.1 "$dicom_port" \
  "$build_dir/testdata/ct_chest_s1_i1.dcm" "$build_dir/testdata/ct_chest_s1_i2.dcm" ||
  fail "storescu could not send the study to the container's gateway on port $dicom_port"
registered() {
  inside runuser -u dicom-gateway -- dicom-gateway studies --json 2>/dev/null | grep -q '"state": *"registered"'
}
wait_for 60 registered || { inside journalctl -u dicom-gateway --no-pager >"$work/journal.log" 2>&1; fail "the study was not registered within 60 s"; }

step "upgrade: apt-get install of the next version restarts the gateway and keeps the edited configuration"
build_next_version "$work"
cp "$next_deb" "$root/root/dicom-gateway-next.deb"
pid_before=$(inside systemctl show -P MainPID dicom-gateway)
inside sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold \
  /root/dicom-gateway-next.deb' >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log" >&2; fail "the upgrade failed"; }
pid_after=$(inside systemctl show -P MainPID dicom-gateway)
[ "$(inside systemctl show -P ActiveState dicom-gateway)" = active ] || fail "the gateway is not running after the upgrade"
[ "$pid_after" != "$pid_before" ] || fail "the upgrade did not restart the gateway (MainPID still $pid_before)"
inside stat -c '%U:%G %a' /etc/dicom-gateway/gateway.yaml | grep -qx "root:dicom-gateway 640" ||
  fail "after the upgrade gateway.yaml is $(inside stat -c '%U:%G %a' /etc/dicom-gateway/gateway.yaml)"
grep -q "base_url: $base_url" "$root/etc/dicom-gateway/gateway.yaml" || fail "the upgrade lost the administrator's edits to gateway.yaml"

step "systemctl stop, apt-get purge"
inside systemctl stop dicom-gateway
inside journalctl -u dicom-gateway --no-pager >"$work/journal.log" 2>&1
grep -q "event=study_registered" "$work/journal.log" || fail "the journal has no event=study_registered"
grep -q "event=gateway_stopped" "$work/journal.log" || fail "the gateway did not log event=gateway_stopped on systemctl stop"
if grep -q "$api_key" "$work/journal.log"; then fail "the journal contains the API key"; fi
[ "$(inside systemctl show -P Result dicom-gateway)" = success ] || fail "the unit's result after stop is not success"
inside sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq dicom-gateway' >"$work/purge.log" 2>&1 ||
  { cat "$work/purge.log" >&2; fail "apt-get purge failed"; }
for left in /etc/dicom-gateway /var/lib/dicom-gateway /lib/systemd/system/dicom-gateway.service \
            /usr/bin/dicom-gateway /etc/systemd/system/multi-user.target.wants/dicom-gateway.service; do
  [ ! -e "$root$left" ] || fail "after apt-get purge, $left is still there"
done
echo "PASSED in $SECONDS s"
