# shellcheck shell=bash
# A throw-away PostgreSQL server on loopback for the storage tests. Sourced by .ci/run:
#
#   source .ci/postgres.sh
#   start_test_postgres     # exports TEST_DATABASE_URL
#   stop_test_postgres      # stops the server and deletes its files (safe to call twice)
#
# Uses Debian's `postgresql` package (initdb and pg_ctl under /usr/lib/postgresql/<n>/bin). The
# cluster lives in a fresh temporary folder, listens on 127.0.0.1 on a free port and on a socket
# in that folder, so it never clashes with a system cluster or with another run of the tests.
# initdb refuses to run as root, so as root the server runs as the `postgres` user.

_pg_dir=""
_pg_bin=""

_pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_test_postgres() {
  local bin_dir port password user=signin_test tmp=${TMPDIR:-/tmp}
  _pg_bin=""
  # The newest installed version, when several are.
  while read -r bin_dir; do
    if [[ -x $bin_dir/initdb && -x $bin_dir/pg_ctl ]]; then
      _pg_bin=$bin_dir
    fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  if [[ -z $_pg_bin ]]; then
    echo "PostgreSQL is not installed (apt-get install postgresql): its tests cannot run." >&2
    return 1
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "The postgres user is missing; reinstall the postgresql package." >&2
    return 1
  fi

  # As root, a folder the postgres user can reach (TMPDIR may be private to root).
  if [[ $(id -u) -eq 0 ]]; then tmp=/tmp; fi
  _pg_dir=$(mktemp -d "$tmp/signin-help-pg.XXXXXX") || return 1
  chmod 700 "$_pg_dir"
  # A port free now; the server takes it a moment later (a clash fails loudly, not silently).
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
    || return 1
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))') || return 1
  (umask 077 && printf '%s\n' "$password" >"$_pg_dir/pwfile") || return 1
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$_pg_dir" || return 1
  fi

  _pg_as_owner "$_pg_bin/initdb" --pgdata="$_pg_dir/data" --username=postgres \
    --pwfile="$_pg_dir/pwfile" --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
    >"$_pg_dir/initdb.log" 2>&1 \
    || { cat "$_pg_dir/initdb.log" >&2; return 1; }
  _pg_as_owner "$_pg_bin/pg_ctl" --pgdata="$_pg_dir/data" --log="$_pg_dir/server.log" --wait \
    --options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$_pg_dir -c fsync=off" \
    start >/dev/null \
    || { cat "$_pg_dir/server.log" >&2; return 1; }

  PGPASSWORD=$password "$_pg_bin/psql" --quiet --no-psqlrc --set=ON_ERROR_STOP=1 \
    --host=127.0.0.1 --port="$port" --username=postgres --dbname=postgres \
    --command="CREATE ROLE $user LOGIN PASSWORD '$password'" \
    --command="CREATE DATABASE $user OWNER $user" >/dev/null \
    || return 1
  export TEST_DATABASE_URL="postgresql+psycopg://$user:$password@127.0.0.1:$port/$user"
  echo "PostgreSQL $("$_pg_bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port"
}

stop_test_postgres() {
  if [[ -n $_pg_dir && -d $_pg_dir ]]; then
    if [[ -f $_pg_dir/data/postmaster.pid ]]; then
      _pg_as_owner "$_pg_bin/pg_ctl" --pgdata="$_pg_dir/data" --mode=fast --wait stop \
        >/dev/null 2>&1 || true
    fi
    rm -rf "$_pg_dir"
  fi
  _pg_dir=""
}
