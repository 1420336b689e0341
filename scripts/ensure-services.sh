#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer at the given URLs.
#
#   bash scripts/ensure-services.sh [URL...]           start whatever does not answer
#   bash scripts/ensure-services.sh --check [URL...]   only tell; exit 1 if nothing answers at a URL,
#                                                      2 if a server answers but refuses the login
#   bash scripts/ensure-services.sh --stop [URL...]    stop the project-local servers of these URLs
#
# URLs are postgres://, postgresql:// or redis:// ones. Without any, $DATABASE_URL and $REDIS_URL
# are used, or else the machine's standard ones:
#   postgres://postgres@127.0.0.1:5432/pledges   redis://127.0.0.1:6379
#
# The rule for a URL that does not answer:
#   - host 127.0.0.1 or localhost on the standard port (5432 / 6379): start the machine's own
#     service (pg_ctlcluster / a daemonized redis-server), as CI and the dev machines expect;
#   - host 127.0.0.1 or localhost on any other port: start a project-local server on that port,
#     with its data under .data/postgres or .data/redis (what `npm run dev` falls back to);
#   - any other host: nothing to start from here, so it fails.
# Missing binaries are installed with apt-get when running as root; otherwise the script prints
# the one command that installs them and exits 1. For PostgreSQL it also creates the URL's
# database when it does not exist. Idempotent; says what it did, one line each; exports nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
DEFAULT_DATABASE_URL='postgres://postgres@127.0.0.1:5432/pledges'
DEFAULT_REDIS_URL='redis://127.0.0.1:6379'
INSTALL_HINT='sudo apt-get install -y postgresql redis-server'
if ! command -v apt-get >/dev/null 2>&1 && command -v brew >/dev/null 2>&1; then
  INSTALL_HINT='brew install postgresql redis'
fi

say() { echo "$*"; }
fail() {
  echo "$*" >&2
  exit 1
}
is_root() { [[ $EUID -eq 0 ]]; }

# --- URLs ---------------------------------------------------------------------------------------

# Prints "<kind> <host> <port> <url without password>" for a postgres:// or redis:// URL.
parse_url() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const url = new URL(process.argv[1]);
    const kinds = { "postgres:": "postgres", "postgresql:": "postgres", "redis:": "redis", "rediss:": "redis" };
    const kind = kinds[url.protocol];
    if (!kind) {
      console.error(`not a postgres:// or redis:// URL: ${url.protocol}//${url.host}`);
      process.exit(2);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
    const port = url.port || (kind === "postgres" ? "5432" : "6379");
    if (url.password) url.password = "***";
    console.log(kind, host, port, url.href);
  ' "$1"
}

is_local_host() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
standard_port() { if [[ $1 == postgres ]]; then echo 5432; else echo 6379; fi; }

# shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
tcp_open() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

# --- PostgreSQL ---------------------------------------------------------------------------------

# Talks to PostgreSQL with the project's own driver (pg), or with psql before `npm ci` ran.
#   ping URL       exit 0: answers; 1: nothing answers; 2: answers but refuses us (message printed)
#   ensure-db URL  creates the URL's database if missing; prints "created" when it did
read -r -d '' PG_TOOL <<'JS' || true
const { execFileSync } = require('node:child_process');
const [mode, href] = process.argv.slice(1);
const target = new URL(href);
const database = decodeURIComponent(target.pathname.slice(1));
const maintenance = new URL(href);
maintenance.pathname = '/postgres';
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

let pg = null;
try {
  pg = require(require.resolve('pg', { paths: [process.cwd()] }));
} catch {
  // node_modules not installed yet: psql below.
}

async function query(url, sql, params) {
  if (pg) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows.map((row) => Object.values(row)[0]);
    } finally {
      await client.end();
    }
  }
  // psql interpolates :'name' variables only in what it reads from stdin.
  const vars = (params ?? []).flatMap((value, i) => ['-v', `p${i + 1}=${value}`]);
  const input = sql.replace(/\$(\d+)/g, (_, n) => `:'p${n}'`);
  try {
    const out = execFileSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', ...vars, url], {
      input,
      env: { ...process.env, PGCONNECT_TIMEOUT: '3' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return out.toString().split('\n').filter(Boolean);
  } catch (err) {
    const message = String(err.stderr || err.message).trim();
    const refused = /could not connect|Connection refused|timeout expired|No such file/i.test(message);
    throw Object.assign(new Error(message), { code: refused ? 'ECONNREFUSED' : 'PSQL' });
  }
}

async function main() {
  if (mode === 'ping') {
    try {
      await query(maintenance.href, 'SELECT 1');
      return 0;
    } catch (err) {
      if (unreachable.has(err.code) || /timeout|Connection terminated/i.test(err.message)) return 1;
      if (err.code === '57P03') return 1; // the database system is starting up
      console.error(`PostgreSQL at ${target.host} answers but refuses the connection: ${err.message}`);
      return 2;
    }
  }
  if (mode === 'ensure-db') {
    if (!database) return 0;
    const found = await query(maintenance.href, 'SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.length > 0) return 0;
    try {
      await query(maintenance.href, `CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      console.log('created');
    } catch (err) {
      if (err.code !== '42P04' && !/already exists/.test(err.message)) throw err;
    }
    return 0;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err.message);
    process.exit(3);
  },
);
JS

pg_tool() { (cd "$ROOT" && node -e "$PG_TOOL" "$@"); }

pg_answers() { # url -> 0 answers, 1 nothing answers, 2 answers but refuses us
  local rc=0
  pg_tool ping "$1" || rc=$?
  return "$rc"
}

# Directory holding initdb/pg_ctl/postgres: Debian's newest version, or whatever is on PATH.
pg_bindir() {
  local dir
  dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  if [[ -x $dir/postgres ]]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  else
    return 1
  fi
}

# --- installing ---------------------------------------------------------------------------------

INSTALLED_POSTGRES=no

install_packages() { # packages...
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    fail "Not installed: $*. Install with: $INSTALL_HINT"
  fi
  mkdir -p "$DATA"
  local log="$DATA/apt-install.log"
  say "installing $* with apt-get (log: ${log#"$ROOT/"})"
  if ! {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "apt-get install $* failed (full log: $log)"
  fi
  [[ " $* " == *" postgresql "* ]] && INSTALLED_POSTGRES=yes
  return 0
}

ensure_postgres_binaries() {
  pg_bindir >/dev/null || install_packages postgresql
  pg_bindir >/dev/null || fail "postgres: installed, but no initdb/pg_ctl found under /usr/lib/postgresql"
}

ensure_redis_binaries() {
  command -v redis-server >/dev/null 2>&1 || install_packages redis-server
}

wait_until() { # seconds description command...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what did not answer within the time allowed"
    sleep 0.5
  done
}

pg_up() { # url: true once it answers; stops the script when it answers but refuses us
  local rc=0 out
  out="$(pg_answers "$1" 2>&1)" || rc=$?
  [[ $rc == 2 ]] && fail "$out"
  return "$rc"
}

# --- the machine's own services (standard ports) ------------------------------------------------

start_system_postgres() { # port url
  local port=$1 url=$2 version cluster fresh=no
  ensure_postgres_binaries
  command -v pg_ctlcluster >/dev/null 2>&1 ||
    fail "postgres: pg_ctlcluster not found (not a Debian-style install); start PostgreSQL on port $port yourself"
  is_root || fail "postgres: nothing answers on port $port; start the machine's cluster as root:" \
    "sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"

  read -r version cluster < <(pg_lsclusters -h | awk -v p="$port" '$3 == p { print $1, $2; exit }') || true
  if [[ -z ${version:-} ]]; then
    version="$(basename "$(dirname "$(pg_bindir)")")"
    cluster=main
    [[ -d /etc/postgresql/$version/$cluster ]] &&
      fail "postgres: cluster $version/$cluster exists but not on port $port (see pg_lsclusters)"
    pg_createcluster --port "$port" "$version" "$cluster" >/dev/null
    say "postgres: created the machine's cluster $version/$cluster on port $port"
    fresh=yes
  fi
  local hba="/etc/postgresql/$version/$cluster/pg_hba.conf" hba_changed=no
  if [[ $fresh == yes || $INSTALLED_POSTGRES == yes ]] &&
    ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    # A new Debian cluster wants passwords over TCP; the standard URL has none (as on CI machines).
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    say "postgres: trust auth for 127.0.0.1 and ::1 in $hba (new cluster, local use only)"
    hba_changed=yes
  fi
  if ! pg_ctlcluster "$version" "$cluster" status >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
    say "postgres: started the machine's cluster $version/$cluster (pg_ctlcluster)"
  elif [[ $hba_changed == yes ]]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" reload
  fi
  wait_until 60 "PostgreSQL on port $port" pg_up "$url"
}

start_system_redis() { # port url
  local port=$1 url=$2 dir=/tmp logfile=''
  ensure_redis_binaries
  [[ -d /var/lib/redis && -w /var/lib/redis ]] && dir=/var/lib/redis
  [[ -d /var/log/redis && -w /var/log/redis ]] && logfile=/var/log/redis/redis-server.log
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save '' --appendonly no \
    --dir "$dir" --logfile "$logfile" >/dev/null
  say "redis: started the machine's redis-server on port $port (daemonized, nothing saved to disk)"
  wait_until 30 "Redis on port $port" redis_answers "$url"
}

# --- project-local servers (.data/) -------------------------------------------------------------

PG_DIR="$DATA/postgres"

# Runs a command as the owner of the project-local cluster: initdb and postgres refuse root.
as_pg_owner() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_local_postgres() { # port url
  local port=$1 url=$2 bin
  ensure_postgres_binaries
  bin="$(pg_bindir)"
  mkdir -p "$PG_DIR"
  chmod 700 "$PG_DIR"
  if is_root; then
    id postgres >/dev/null 2>&1 || fail "postgres: no 'postgres' system user to run the project-local cluster as"
    chown postgres:postgres "$PG_DIR"
    as_pg_owner test -w "$PG_DIR" ||
      fail "postgres: the postgres user cannot reach $PG_DIR (a parent directory is not searchable);" \
        "set DATABASE_URL to a running server instead"
  fi
  if [[ ! -s $PG_DIR/PG_VERSION ]]; then
    as_pg_owner "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust --encoding=UTF8 --no-locale \
      >"$DATA/postgres-initdb.log" 2>&1 || {
      cat "$DATA/postgres-initdb.log" >&2
      fail "postgres: initdb failed"
    }
    # TCP on loopback only; no Unix socket (its default directory may not be writable).
    printf "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n" |
      as_pg_owner tee -a "$PG_DIR/postgresql.conf" >/dev/null
    say "postgres: initialised a project-local cluster in ${PG_DIR#"$ROOT/"}"
  fi
  if as_pg_owner "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    say "postgres: the project-local server runs but not on port $port; restarting it there"
    as_pg_owner "$bin/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null
  fi
  as_pg_owner "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -o "-p $port" -w -t 60 start \
    >/dev/null || {
    tail -n 20 "$PG_DIR/server.log" >&2
    fail "postgres: the project-local server did not start (log: $PG_DIR/server.log)"
  }
  say "postgres: started a project-local PostgreSQL on 127.0.0.1:$port" \
    "(data ${PG_DIR#"$ROOT/"}, log ${PG_DIR#"$ROOT/"}/server.log)"
  wait_until 30 "PostgreSQL on port $port" pg_up "$url"
}

stop_local_postgres() { # port
  local port=$1 bin running_port
  if [[ ! -s $PG_DIR/postmaster.pid ]] || ! bin="$(pg_bindir)" ||
    ! as_pg_owner "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    say "postgres: no project-local server running"
    return 0
  fi
  running_port="$(sed -n 4p "$PG_DIR/postmaster.pid")"
  if [[ $running_port != "$port" ]]; then
    say "postgres: the project-local server listens on $running_port, not $port: left running"
    return 0
  fi
  as_pg_owner "$bin/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null
  say "postgres: stopped the project-local server on port $port"
}

REDIS_DIR="$DATA/redis"

redis_answers() { # url: a PING gets +PONG (or -NOAUTH: up, but wants a password)
  local host port
  read -r _ host port _ < <(parse_url "$1")
  if [[ $1 == rediss:* ]]; then
    tcp_open "$host" "$port"
    return
  fi
  # shellcheck disable=SC2016 # $1, $2 and $reply belong to the inner shell
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r reply <&3 || exit 1
    [[ $reply == +PONG* || $reply == -NOAUTH* ]]' _ "$host" "$port" 2>/dev/null
}

start_local_redis() { # port url
  local port=$1 url=$2
  ensure_redis_binaries
  mkdir -p "$REDIS_DIR"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$REDIS_DIR" \
    --save '' --appendonly no --maxmemory-policy noeviction \
    --pidfile "$REDIS_DIR/redis-$port.pid" --logfile "$REDIS_DIR/redis-$port.log" >/dev/null
  say "redis: started a project-local redis-server on 127.0.0.1:$port" \
    "(dir ${REDIS_DIR#"$ROOT/"}, nothing saved, noeviction)"
  wait_until 30 "Redis on port $port" redis_answers "$url"
}

stop_local_redis() { # port
  local port=$1 pidfile="$REDIS_DIR/redis-$1.pid" pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pidfile"
    say "redis: no project-local server running on port $port"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$pidfile"
  say "redis: stopped the project-local server on port $port"
}

# --- one URL ------------------------------------------------------------------------------------

answers() { # kind url -> 0 answers, 1 nothing answers, 2 answers but refuses us
  if [[ $1 == postgres ]]; then
    pg_answers "$2"
  else
    redis_answers "$2"
  fi
}

ensure_one() { # url
  local url=$1 kind host port shown rc=0 created
  read -r kind host port shown < <(parse_url "$url") || fail "cannot parse URL: $url"
  answers "$kind" "$url" || rc=$?
  if [[ $rc == 2 ]]; then return 1; fi
  if [[ $rc != 0 ]]; then
    is_local_host "$host" ||
      fail "$kind: nothing answers at $host:$port, and that is not this machine: start it there"
    if [[ $port == "$(standard_port "$kind")" ]]; then
      "start_system_$kind" "$port" "$url"
    else
      "start_local_$kind" "$port" "$url"
    fi
  fi
  if [[ $kind == postgres ]]; then
    created="$(pg_tool ensure-db "$url")" || fail "postgres: could not create the database of $shown"
    [[ $created == created ]] && say "postgres: created database \"$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).pathname.slice(1)))' "$url")\""
  fi
  say "$kind: ready at $shown"
}

check_one() { # url -> 0 answers, 1 nothing answers, 2 answers but refuses us
  local url=$1 kind host port shown rc=0
  read -r kind host port shown < <(parse_url "$url") || fail "cannot parse URL: $url"
  answers "$kind" "$url" || rc=$?
  case $rc in
    0) say "$kind: $shown answers" ;;
    1) say "$kind: nothing answers at $shown" ;;
  esac
  return "$rc"
}

stop_one() { # url
  local kind host port shown
  read -r kind host port shown < <(parse_url "$1") || fail "cannot parse URL: $1"
  if ! is_local_host "$host" || [[ $port == "$(standard_port "$kind")" ]]; then
    say "$kind: $host:$port is not a project-local server: left running"
  else
    "stop_local_$kind" "$port"
  fi
}

main() {
  local mode=ensure
  case "${1:-}" in
    --check) mode=check && shift ;;
    --stop) mode=stop && shift ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      return 0
      ;;
    -*) fail "unknown option $1 (see --help)" ;;
  esac
  local urls=("$@")
  if ((${#urls[@]} == 0)); then
    urls=("${DATABASE_URL:-$DEFAULT_DATABASE_URL}" "${REDIS_URL:-$DEFAULT_REDIS_URL}")
  fi
  command -v node >/dev/null 2>&1 || fail "node is not on PATH"

  # Exit status: 0 all answer; otherwise the highest of 1 (nothing answers) and 2 (refuses us).
  local status=0 rc url
  for url in "${urls[@]}"; do
    rc=0
    "${mode}_one" "$url" || rc=$?
    ((rc > status)) && status=$rc
  done
  return "$status"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
