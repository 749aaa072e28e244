# A throwaway PostgreSQL server for the audit store's tests, sourced by tests/audit/run.sh.
#   start_postgres DIR   initdb in DIR/data as a non-root user (PostgreSQL refuses root), listen
#                        only on a Unix socket in DIR/socket, and set POSTGRES_CONNINFO.
#   stop_postgres        stop it (fast shutdown) and wait.
# Uses Debian's postgresql package (tools/bootstrap installs it).

postgres_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
postgres_dir=
postgres_user=

as_postgres_user() {
  if ((EUID == 0)); then
    runuser -u "$postgres_user" -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  postgres_dir=$1
  [[ -x $postgres_bin/initdb ]] || { echo "postgres: initdb not found (package postgresql)" >&2; return 1; }
  if ((EUID == 0)); then
    postgres_user=fnseal-postgres
    id -u "$postgres_user" >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin "$postgres_user" || return 1
    chown "$postgres_user" "$postgres_dir"
    chmod 0755 "$postgres_dir"
  else
    postgres_user=$(id -un)
  fi
  as_postgres_user mkdir -p "$postgres_dir/socket" || return 1
  as_postgres_user "$postgres_bin/initdb" -D "$postgres_dir/data" -U "$postgres_user" --auth=trust \
    --encoding=UTF8 --locale=C >"$postgres_dir/initdb.log" 2>&1 ||
    { cat "$postgres_dir/initdb.log" >&2; return 1; }
  # No TCP at all; fsync off only because the data directory is thrown away after the tests.
  as_postgres_user "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$postgres_dir/socket' -c fsync=off -c max_connections=40" \
    start >/dev/null || { cat "$postgres_dir/server.log" >&2; return 1; }
  POSTGRES_CONNINFO="host=$postgres_dir/socket user=$postgres_user dbname=postgres"
  export POSTGRES_CONNINFO
}

stop_postgres() {
  [[ -n $postgres_dir && -d $postgres_dir/data ]] || return 0
  as_postgres_user "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
