# Runs in: bash (sourced by .ci/run, or by a developer: `source .ci/postgres.sh; start_test_postgres`).
# A throw-away PostgreSQL cluster for the central service's tests: Debian's binaries, a data
# folder in a temp dir, loopback only, trust auth, a free port. It exports OMNI_TEST_PG_URL;
# stop_test_postgres stops it and removes every file it made.

pg_as_owner() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_test_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing Debian package: postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  local bin port
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  OMNI_PG_DIR=$(mktemp -d /tmp/omni-pg.XXXXXX)
  OMNI_PG_BIN=$bin
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$OMNI_PG_DIR"; fi
  chmod 700 "$OMNI_PG_DIR"
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  pg_as_owner "$bin/initdb" -D "$OMNI_PG_DIR/data" -U postgres -E UTF8 --no-sync \
    --auth-local=trust --auth-host=trust >"$OMNI_PG_DIR/initdb.log"
  # A test cluster: durability is not what is being tested, speed is welcome.
  pg_as_owner "$bin/pg_ctl" -D "$OMNI_PG_DIR/data" -l "$OMNI_PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $OMNI_PG_DIR -c fsync=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null
  pg_as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres omni_test
  export OMNI_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/omni_test"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests at $OMNI_TEST_PG_URL"
}

stop_test_postgres() {
  [ -n "${OMNI_PG_DIR:-}" ] || return 0
  pg_as_owner "$OMNI_PG_BIN/pg_ctl" -D "$OMNI_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$OMNI_PG_DIR"
  OMNI_PG_DIR=
}
