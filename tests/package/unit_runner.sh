# shellcheck shell=bash
# Starts the program of an installed systemd unit the way systemd would, where systemd is not
# PID 1 (a container or a CI machine): the unit's User=, Group=, WorkingDirectory=, UMask=,
# ExecStart= and LoadCredential= are read from the unit file, not repeated here, so a change
# to the unit is what the test runs. Sourced by install_test.sh.
#   start_as_unit UNIT_FILE CREDENTIALS_DIR LOG_FILE   → sets gateway_pid

# The value of KEY= in the unit (the last one wins, as in systemd), or empty.
unit_value() {
  sed -n "s/^$2=//p" "$1" | tail -1
}

start_as_unit() {
  local unit=$1 credentials=$2 log=$3
  local user group exec_start working_dir umask condition home
  user=$(unit_value "$unit" User)
  group=$(unit_value "$unit" Group)
  exec_start=$(unit_value "$unit" ExecStart)
  working_dir=$(unit_value "$unit" WorkingDirectory)
  umask=$(unit_value "$unit" UMask)
  condition=$(unit_value "$unit" ConditionPathExists)
  if [ -z "$user" ] || [ -z "$exec_start" ]; then fail "$unit has no User= or ExecStart="; fi
  if [ -n "$condition" ] && [ ! -e "$condition" ]; then
    fail "systemd would skip the start: ConditionPathExists=$condition does not exist"
  fi
  # Prefixes systemd knows (- @ : + !) change how it runs the command, not the command.
  exec_start=${exec_start#[-@:+!]}
  home=$(getent passwd "$user" | cut -d: -f6)

  # LoadCredential=ID:PATH → $CREDENTIALS_DIRECTORY/ID, readable by the service user only.
  chmod 0700 "$credentials"
  local credential id path
  while IFS= read -r credential; do
    id=${credential%%:*}
    path=${credential#*:}
    [ -r "$path" ] || fail "LoadCredential=$credential: $path cannot be read, systemd would refuse to start"
    install -m 0400 -o "$user" -g "${group:-$user}" "$path" "$credentials/$id"
  done < <(sed -n 's/^LoadCredential=//p' "$unit")
  chown "$user:${group:-$user}" "$credentials"
  chmod 0500 "$credentials"

  # Word splitting of ExecStart= is intended: systemd splits it on spaces too (ours has no quotes).
  # shellcheck disable=SC2086
  (
    cd "${working_dir:-/}" || exit
    umask "${umask:-0022}"
    exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      LANG=C.UTF-8 USER="$user" LOGNAME="$user" HOME="$home" SHELL=/usr/sbin/nologin \
      CREDENTIALS_DIRECTORY="$credentials" \
      setpriv --reuid="$user" --regid="${group:-$user}" --init-groups --no-new-privs \
      $exec_start
  ) >"$log" 2>&1 &
  gateway_pid=$!
  echo "started '$exec_start' as $user:${group:-$user} in ${working_dir:-/} (umask ${umask:-0022}), pid $gateway_pid"
}
