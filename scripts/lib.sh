# Shared helpers for Warren's scripts: make sure the services Warren needs are running.
# Sourced, not executed.

warren_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi
}

apt_install() {
  log "installing $* from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Wait until host:port accepts connections, up to $3 seconds.
wait_for_port() {
  local host=$1 port=$2 timeout=$3 waited=0
  until port_open "$host" "$port"; do
    if [ "$waited" -ge "$((timeout * 10))" ]; then return 1; fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# A RabbitMQ on 127.0.0.1:5672: use the running one, start the installed one, or install it;
# with its management plugin, through which the master makes each enrolled worker's broker user
# (and which serves the management UI and the dashboard's queue depths).
ensure_rabbitmq() {
  start_rabbitmq || return 1
  if ! port_open 127.0.0.1 15672; then
    log "enabling RabbitMQ's management plugin"
    as_root rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null 2>&1 || true
    if ! wait_for_port 127.0.0.1 15672 60; then
      log "RabbitMQ's management API does not answer on 127.0.0.1:15672: enable it with 'rabbitmq-plugins enable rabbitmq_management'"
      return 1
    fi
  fi
}

# Create (or update) a RabbitMQ user with a password, tags and permissions on the default vhost:
# provision_rabbitmq_user NAME PASSWORD TAGS CONFIGURE WRITE READ.
provision_rabbitmq_user() {
  local name=$1 password=$2 tags=$3
  if as_root rabbitmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx "$name"; then
    as_root rabbitmqctl -q change_password "$name" "$password" >/dev/null || return 1
  else
    as_root rabbitmqctl -q add_user "$name" "$password" >/dev/null || return 1
  fi
  as_root rabbitmqctl -q set_user_tags "$name" "$tags" >/dev/null &&
    as_root rabbitmqctl -q set_permissions -p / "$name" "$4" "$5" "$6" >/dev/null
}

# Debian starts a node as the rabbitmq user with the PAM default of 1,024 open files, which a
# farm of a thousand agents (a queue each) exhausts; RabbitMQ asks for far more. This raises it
# for every node started from now on: the farm's and the private nodes some tests and the
# many-agents benchmark start.
raise_rabbitmq_file_limit() {
  if [ -d /etc/security/limits.d ] && [ ! -e /etc/security/limits.d/rabbitmq.conf ]; then
    local files
    files=$(ulimit -Hn)
    if [ "$files" = unlimited ] || [ "$files" -gt 65536 ]; then files=65536; fi
    printf 'rabbitmq soft nofile %s\nrabbitmq hard nofile %s\n' "$files" "$files" |
      as_root tee /etc/security/limits.d/rabbitmq.conf >/dev/null || true
  fi
}

start_rabbitmq() {
  raise_rabbitmq_file_limit
  if port_open 127.0.0.1 5672; then return 0; fi
  if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
    apt_install rabbitmq-server || { log "RabbitMQ is missing and cannot be installed here: run 'sudo apt-get install rabbitmq-server'"; return 1; }
  fi
  if port_open 127.0.0.1 5672; then return 0; fi
  if ! pgrep -f 'beam.*rabbit' >/dev/null 2>&1; then
    log "starting RabbitMQ"
    as_root /usr/sbin/rabbitmq-server -detached >/dev/null 2>&1 || as_root rabbitmq-server -detached >/dev/null 2>&1 || true
  fi
  log "waiting for RabbitMQ on 127.0.0.1:5672"
  if ! wait_for_port 127.0.0.1 5672 90; then
    log "RabbitMQ did not start; see /var/log/rabbitmq/"
    return 1
  fi
}

# Export WARREN_TEST_DATABASE_URL when a PostgreSQL server is (or can be made) reachable.
# Start a Redis server on 127.0.0.1:6379 (installing Debian's redis-server when missing), for the
# Celery side of the benchmark, which keeps its results there in one of its setups.
ensure_redis_for_bench() {
  if port_open 127.0.0.1 6379; then return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server || { log "redis-server cannot be installed: the Celery Redis setup will fail"; return 1; }
  fi
  log "starting Redis on 127.0.0.1:6379"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' >/dev/null
  wait_for_port 127.0.0.1 6379 30
}

# Debian's blender and ffmpeg, for the Blender add-on's end-to-end test.
ensure_blender_for_tests() {
  if command -v blender >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1; then return 0; fi
  apt_install blender ffmpeg || { log "blender and ffmpeg cannot be installed here: the add-on test will fail"; return 1; }
}

ensure_postgres_for_tests() {
  if [ -n "${WARREN_TEST_DATABASE_URL:-}" ]; then return 0; fi
  if ! port_open 127.0.0.1 5432 && ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start >/dev/null 2>&1 || true
    wait_for_port 127.0.0.1 5432 30 || true
  fi
  if ! port_open 127.0.0.1 5432; then
    log "no PostgreSQL on 127.0.0.1:5432: the PostgreSQL variants of the tests are skipped"
    return 0
  fi
  local candidate
  for candidate in "postgres://postgres@127.0.0.1:5432/test" "postgres://postgres@127.0.0.1:5432/postgres" "postgres://postgres:postgres@127.0.0.1:5432/postgres"; do
    if command -v psql >/dev/null 2>&1 && psql "$candidate" -Atqc 'select 1' >/dev/null 2>&1; then
      export WARREN_TEST_DATABASE_URL=$candidate
      log "PostgreSQL tests use $candidate"
      return 0
    fi
  done
  log "PostgreSQL answers on 5432 but none of the default credentials work: set WARREN_TEST_DATABASE_URL to run its tests"
}

# Export WARREN_TEST_MARIADB_URL when a MariaDB (or MySQL) server answers on 127.0.0.1:3306 as
# root without a password (Debian's default for local root is a socket login, so TCP needs it
# allowed), starting an installed one that is not running.
ensure_mariadb_for_tests() {
  if [ -n "${WARREN_TEST_MARIADB_URL:-}" ]; then return 0; fi
  if ! port_open 127.0.0.1 3306 && [ -x /usr/sbin/mariadbd ]; then
    log "starting MariaDB"
    as_root sh -c '(/usr/bin/mysqld_safe >/dev/null 2>&1 &)' || true
    wait_for_port 127.0.0.1 3306 30 || true
  fi
  if ! port_open 127.0.0.1 3306; then
    log "no MariaDB on 127.0.0.1:3306: the MariaDB variants of the tests are skipped"
    return 0
  fi
  if command -v mysql >/dev/null 2>&1 && mysql -h 127.0.0.1 -P 3306 -u root -e 'select 1' >/dev/null 2>&1; then
    export WARREN_TEST_MARIADB_URL="mysql://root@127.0.0.1:3306/test"
    log "MariaDB tests use $WARREN_TEST_MARIADB_URL"
    return 0
  fi
  log "MariaDB answers on 3306 but not to root without a password: set WARREN_TEST_MARIADB_URL to run its tests"
}

# OpenLDAP's server and tools, for the LDAP login test (the server is left unconfigured and
# stopped: the test starts its own on a free port).
ensure_slapd_for_tests() {
  # openssl makes the certificates of the LDAP-over-TLS test.
  if [ -x /usr/sbin/slapd ] && command -v ldapadd >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then return 0; fi
  echo "slapd slapd/no_configuration boolean true" | as_root debconf-set-selections 2>/dev/null || true
  apt_install slapd ldap-utils openssl || { log "slapd cannot be installed here: the LDAP tests will fail"; return 1; }
}

# Debian's Chromium and playwright-core (from npm, into tests/ui/node_modules) for the browser
# tests of the web UI.
ensure_browser_for_tests() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium || { log "Chromium cannot be installed here: the browser tests will fail"; return 1; }
  fi
  if [ ! -d "$(warren_root)/tests/ui/node_modules/playwright-core" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      apt_install nodejs npm || { log "Node.js cannot be installed here: the browser tests will fail"; return 1; }
    fi
    log "installing playwright-core into tests/ui/node_modules"
    (cd "$(warren_root)/tests/ui" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Debian's docker-compose (v1, which validates a Compose file without a Docker engine),
# systemd-analyze and haproxy, for checking compose/ and deploy/systemd/.
ensure_deploy_linters_for_tests() {
  if ! command -v docker-compose >/dev/null 2>&1; then
    apt_install docker-compose || { log "docker-compose cannot be installed here: the deployment check will fail"; return 1; }
  fi
  if ! command -v systemd-analyze >/dev/null 2>&1; then
    apt_install systemd || { log "systemd-analyze cannot be installed here: the deployment check will fail"; return 1; }
  fi
  if ! command -v shellcheck >/dev/null 2>&1; then
    apt_install shellcheck || { log "shellcheck cannot be installed here: the deployment check will fail"; return 1; }
  fi
  if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
    apt_install haproxy || { log "haproxy cannot be installed here: the deployment check will fail"; return 1; }
  fi
}
