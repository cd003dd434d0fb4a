"""A throw-away PostgreSQL 15 cluster for one bench cell: initdb, start, a role and a database
for the gateway, psql queries, CPU of every server process, stop.

PostgreSQL refuses to run as root, so when the bench is root the server programs run as
`nobody:nogroup` (setpriv) and own the cluster's folder. Settings are initdb's defaults
(fsync on, synchronous_commit on, full_page_writes on): every commit the gateway makes is
durable, as in production; the point of the store is that no node loses a study.
Only listen_addresses, port and the socket folder are set. Authentication is `trust`
(initdb --auth=trust): the run is alone in its network namespace, and a long-lived connection
pays the password exchange once.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from . import procstat

BIN = "/usr/lib/postgresql/15/bin"
ROLE, DATABASE = "gateway", "bench"
UNPRIVILEGED = ("nobody", "nogroup")


def available():
    return os.access(os.path.join(BIN, "postgres"), os.X_OK) and shutil.which("psql") is not None


def really_root():
    """True for root of the initial user namespace: only then can it become `nobody`
    (under `unshare -r` the run is root of a namespace that maps one user only)."""
    if os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/uid_map") as f:
            return f.read().split()[:3] == ["0", "0", "4294967295"]
    except OSError:
        return False


def free_port():
    """A port nobody listens on now on 127.0.0.1 (the run is alone in its namespace)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """One cluster in `folder` (data/, sock/, postgres.log); start() to stop() by its owner.
    cpu() is the postmaster's own time, its reaped children's (backends that ended) and its
    live children's (backends, checkpointer, background writer, WAL writer, autovacuum
    launcher, logical replication launcher)."""

    def __init__(self, folder):
        self.folder = folder
        self.data = os.path.join(folder, "data")
        self.sock = os.path.join(folder, "sock")
        self.proc, self.port, self.pid = None, None, None
        self.temp_sock = None

    def _as_server_user(self, args):
        if os.geteuid() != 0:
            return args
        if not really_root():
            raise RuntimeError("PostgreSQL refuses root, and root of this user namespace "
                               "(unshare -r) cannot become another user: run bench/run as "
                               "real root or as an ordinary user")
        user, group = UNPRIVILEGED
        # --pdeathsig: if the bench dies without stopping it, the server gets SIGINT (a fast
        # shutdown) instead of living on in the namespace; a uid change would clear it.
        return ["setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups",
                "--pdeathsig", "INT"] + args

    def _chown(self, path):
        if os.geteuid() == 0:
            shutil.chown(path, *UNPRIVILEGED)

    def start(self, deadline=60.0):
        os.makedirs(self.folder, exist_ok=True)
        # A socket path is at most 107 bytes: a deep --out gets a short folder in /tmp.
        if len(os.path.join(self.sock, ".s.PGSQL.65535")) > 100:
            self.temp_sock = tempfile.mkdtemp(prefix="gw-bench-pg-")
            self.sock = self.temp_sock
        else:
            os.makedirs(self.sock)
        for path in (self.folder, self.sock):
            self._chown(path)
        self._check_reachable()
        self.log = open(os.path.join(self.folder, "postgres.log"), "w")
        subprocess.run(self._as_server_user(
            [os.path.join(BIN, "initdb"), "-D", self.data, "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C"]), cwd=self.folder, stdout=self.log,
            stderr=subprocess.STDOUT, check=True)
        self.port = free_port()
        self.proc = subprocess.Popen(self._as_server_user(
            [os.path.join(BIN, "postgres"), "-D", self.data, "-p", str(self.port),
             "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + self.sock]),
            cwd=self.folder, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid   # setpriv execs postgres: the same process
        end = time.time() + deadline
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("postgres exited with %s (see %s)"
                                   % (self.proc.returncode, self.log.name))
            r = subprocess.run([os.path.join(BIN, "pg_isready"), "-q", "-h", self.sock,
                                "-p", str(self.port)])
            if r.returncode == 0:
                break
            if time.time() > end:
                raise RuntimeError("postgres not ready after %.0f s" % deadline)
            time.sleep(0.1)
        self.psql("CREATE ROLE %s LOGIN" % ROLE, user="postgres", database="postgres")
        self.psql("CREATE DATABASE %s OWNER %s" % (DATABASE, ROLE), user="postgres",
                  database="postgres")
        return self

    def _check_reachable(self):
        """The server user must reach its folder through every parent (a 0700 home does not)."""
        if os.geteuid() != 0:
            return
        probe = subprocess.run(self._as_server_user(["test", "-w", self.folder, "-a", "-w",
                                                     self.sock]))
        if probe.returncode != 0:
            raise RuntimeError("%s:%s cannot write %s or %s (a parent folder closed to "
                               "others?): choose an --out under /tmp"
                               % (UNPRIVILEGED + (self.folder, self.sock)))

    @property
    def uri(self):
        return "postgresql://%s@127.0.0.1:%d/%s" % (ROLE, self.port, DATABASE)

    def settings(self):
        """The durability settings in force, as the server reports them."""
        rows = self.psql("SELECT name, setting FROM pg_settings WHERE name IN "
                         "('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method',"
                         " 'shared_buffers', 'max_connections') ORDER BY name")
        out = {name: value for name, value in rows}
        out["server_version"] = self.psql("SHOW server_version")[0][0]
        return out

    def activity(self):
        """Counters of the store's work so far: commits and rollbacks in the bench database,
        WAL records, bytes and syncs (pg_stat_wal: each sync is a flush of the disk).
        Backends publish their counts when idle or when they end: read it after the clients
        have stopped for a complete count."""
        rows = self.psql("SELECT d.xact_commit, d.xact_rollback, w.wal_records, w.wal_bytes, "
                         "w.wal_sync FROM pg_stat_database d, pg_stat_wal w "
                         "WHERE d.datname = '%s'" % DATABASE, user="postgres",
                         database="postgres")
        keys = ("commits", "rollbacks", "wal_records", "wal_bytes", "wal_syncs")
        return {k: int(float(v)) for k, v in zip(keys, rows[0])}

    def psql(self, sql, user=ROLE, database=DATABASE):
        """Rows of `sql` as lists of strings (psql -At over the socket)."""
        r = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-h", self.sock, "-p", str(self.port), "-U", user, "-d", database,
                            "-c", sql], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql %r: %s" % (sql, r.stderr.strip()))
        return [line.split("\t") for line in r.stdout.splitlines() if line]

    def query(self, sql):
        """Like sqlite3's fetchall() for the bench's queries: integers where they parse."""
        def value(text):
            try:
                return int(text)
            except ValueError:
                return text
        return [[value(v) for v in row] for row in self.psql(sql)]

    def cpu(self):
        total = procstat.cpu_seconds(self.pid, children=True) or 0.0
        for child in procstat.children_of(self.pid):
            total += procstat.cpu_seconds(child) or 0.0
        return total

    def stop(self, grace=30.0):
        """Fast shutdown (SIGINT: roll back sessions, checkpoint, exit); kill after `grace`."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        if self.temp_sock:
            shutil.rmtree(self.temp_sock, ignore_errors=True)
