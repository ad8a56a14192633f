# Sourced by scripts/replicas-drill.sh after scripts/lib/drill.sh: a PostgreSQL primary and a streaming standby of
# its own (initdb, then pg_basebackup -R), run as the postgres OS user on free ports in a folder of their own, both
# stopped and removed on exit. The machine's PostgreSQL (XYD_TEST_PG_URL) takes no replication connections and
# is left alone.

# The newest PostgreSQL server installed (Debian keeps each major version in its own folder).
cluster_bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
clusters=""

# standby_tools: whether a primary and a standby can be run here (the server binaries, a postgres OS user to run
# them as, and root to switch to it).
standby_tools() {
  [[ -n "$cluster_bin" && -x "$cluster_bin/initdb" && -x "$cluster_bin/pg_basebackup" ]] &&
    id postgres >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v runuser >/dev/null
}

as_postgres() { runuser -u postgres -- "$@"; }

# free_port FROM: the first port from FROM that nothing listens on. FROM stays below the kernel's ephemeral range
# (ip_local_port_range, 32768 and up by default): there a port nothing listens on may still be the local end of
# some outgoing connection, and the server's bind then fails with "Address already in use" (seen in a CI run).
free_port() {
  local port
  for port in $(seq "$1" $(($1 + 200))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  return 1
}

# start_cluster NAME PORT: the server of $clusters/NAME on 127.0.0.1:PORT (its socket in $clusters).
start_cluster() {
  as_postgres "$cluster_bin/pg_ctl" -D "$clusters/$1" -l "$clusters/$1.log" -w -t 60 \
    -o "-p $2 -c listen_addresses=127.0.0.1 -c unix_socket_directories=$clusters -c fsync=off" start >/dev/null ||
    fail "the $1 PostgreSQL did not start: $(tail -5 "$clusters/$1.log")"
}

stop_clusters() {
  local name
  for name in standby primary; do
    if [[ -f "$clusters/$name/postmaster.pid" ]]; then
      as_postgres "$cluster_bin/pg_ctl" -D "$clusters/$name" -m immediate stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$clusters"
}

# start_primary: a fresh cluster that accepts replication connections from 127.0.0.1; sets $primary_url (the
# server, no database).
start_primary() {
  clusters=$(mktemp -d /tmp/xyd-standby.XXXXXX)
  chown postgres: "$clusters"
  on_exit stop_clusters
  as_postgres "$cluster_bin/initdb" -D "$clusters/primary" -U postgres -A trust --no-sync >"$clusters/initdb.log" 2>&1 ||
    fail "initdb failed: $(tail -5 "$clusters/initdb.log")"
  printf 'wal_level = replica\nmax_wal_senders = 4\n' >>"$clusters/primary/postgresql.conf"
  echo "host replication postgres 127.0.0.1/32 trust" >>"$clusters/primary/pg_hba.conf"
  primary_port=$(free_port 25432) || fail "no free port for the primary"
  start_cluster primary "$primary_port"
  primary_url="postgres://postgres@127.0.0.1:$primary_port"
}

# start_standby: a base backup of the primary as it is now (-R: it streams from the primary), started as a hot
# standby; sets $standby_url.
start_standby() {
  as_postgres "$cluster_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$clusters/standby" \
    -R -X stream -c fast --no-sync >"$clusters/basebackup.log" 2>&1 ||
    fail "pg_basebackup failed: $(tail -5 "$clusters/basebackup.log")"
  standby_port=$(free_port $((primary_port + 1))) || fail "no free port for the standby"
  start_cluster standby "$standby_port"
  standby_url="postgres://postgres@127.0.0.1:$standby_port"
}

# wait_standby receive|replay: until the standby has received (or replayed) all the primary has written so far.
wait_standby() {
  local lsn
  lsn=$(psql "$primary_url/postgres" -Atc "SELECT pg_current_wal_lsn()")
  for _ in $(seq 1 200); do
    [[ $(psql "$standby_url/postgres" -Atc "SELECT pg_last_wal_$1_lsn() >= '$lsn'") == t ]] && return 0
    sleep 0.05
  done
  fail "the standby did not $1 the primary's WAL up to $lsn in 10 s"
}
