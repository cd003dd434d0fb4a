"""The fleet phase (issue 19): the same corpus into one node on SQLite, one node on PostgreSQL,
and three nodes on PostgreSQL behind HAProxy, storescu sending over several associations.

Per cell: instances/s (the senders' wall time), registration latency (first instance durable
-> registered, from the state: attempts.at of the successful attempt - studies.first_seen, as
the latency phase), CPU per instance of every receiving process (the gateways, PostgreSQL's
postmaster and all its children, HAProxy; not the sender, not the viewer simulator), and
whether each study was registered exactly once: the one simulator every node shares counts
the POSTs per StudyInstanceUID, and every count must be 1.
"""
import json
import os
import resource
import shutil
import time
import urllib.parse

from . import haproxy, postgres, receivers

KINDS = ("sqlite", "postgres", "fleet")
NODE_NAMES = ("gw-a", "gw-b", "gw-c")
NODE_PORTS = (11121, 11122, 11123)
HAPROXY_PORT = 11120
METRICS_PORT = 19464          # node i listens on METRICS_PORT + i (9464 would collide)
STUDIES_TARGET = "/v1/viewer/studies"


def posts_per_study(requests):
    """StudyInstanceUID -> [POSTs, POSTs answered 2xx], from the simulator's request log."""
    counts = {}
    for r in requests:
        if r.get("method") != "POST" or urllib.parse.urlsplit(r["target"]).path \
                != STUDIES_TARGET:
            continue
        try:
            uid = json.loads(r.get("body") or "{}").get("studyInstanceUid", "?")
        except ValueError:
            uid = "?"
        entry = counts.setdefault(uid, [0, 0])
        entry[0] += 1
        if 200 <= int(r.get("status") or 0) < 300:
            entry[1] += 1
    return counts


def machine_busy_seconds():
    """CPU seconds every core of the machine has spent not idle (/proc/stat's first line:
    all but idle and iowait), whichever process and namespace."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / receivers.procstat.TICKS


def split_studies(files, associations):
    """How many studies the sender's contiguous parts (bench/run's send) cut in two or more:
    behind the balancer, those reach several nodes."""
    n = len(files)
    seen = {}
    for i in range(associations):
        for f in files[i * n // associations:(i + 1) * n // associations]:
            seen.setdefault(f.split("/")[0], set()).add(i)
    return sum(1 for parts in seen.values() if len(parts) > 1)


class FleetCell:
    """One cell: start everything, send, wait until every study is registered, measure, stop.
    `store` is "postgres" (shared) or "sqlite" (a database per node: with several nodes that
    is no fleet, each node registers what it received; it exists to test this harness, and
    its duplicates must be reported as such)."""

    def __init__(self, run, send, kind, corpus, files, associations, nodes, store):
        self.run, self.send, self.kind, self.corpus, self.files = run, send, kind, corpus, files
        self.associations, self.n_nodes, self.store_kind = associations, nodes, store
        self.folder = run.trial_dir("fleet-%s-%s-%d" % (kind, corpus.name, associations))
        self.simulator, self.pg, self.proxy, self.nodes = None, None, None, []
        self.activity0 = None

    def start(self):
        self.simulator = receivers.Simulator(self.run.sim, self.folder, 0).start()
        if self.store_kind == "postgres":
            self.pg = postgres.Postgres(os.path.join(self.folder, "pg")).start()
        for i in range(self.n_nodes):
            folder = os.path.join(self.folder, NODE_NAMES[i])
            os.makedirs(folder)
            port = receivers.GATEWAY_PORT if self.n_nodes == 1 else NODE_PORTS[i]
            node = receivers.Gateway(self.run.bin, self.run.sim, folder, port=port,
                                     simulator=self.simulator, store=self.pg,
                                     node=NODE_NAMES[i], metrics_port=METRICS_PORT + i)
            self.nodes.append(node)
            try:
                node.start()
            except RuntimeError as e:
                raise RuntimeError("%s: %s; its log ends: %s" % (node.node, e, log_tail(folder)))
        if self.n_nodes > 1:
            self.proxy = haproxy.HaProxy(self.folder, HAPROXY_PORT,
                                         [(n.node, n.port) for n in self.nodes]).start()
            receivers.wait_echo(receivers.Gateway.aet, HAPROXY_PORT, proc=self.proxy.proc)
            self.port = HAPROXY_PORT
        else:
            self.port = self.nodes[0].port

    def cpu(self):
        """Seconds of CPU so far, by component."""
        out = {"gateways": sum(receivers.procstat.cpu_seconds(n.pid) or 0.0
                               for n in self.nodes)}
        if self.pg:
            out["postgres"] = self.pg.cpu()
        if self.proxy:
            out["haproxy"] = self.proxy.cpu()
        return out

    def query_all(self, sql):
        """Rows of `sql` from the shared store, or from every node's own SQLite database."""
        if self.pg:
            return self.pg.query(sql)
        return [row for n in self.nodes for row in n.query(sql)]

    def registered(self):
        return sum(r[0] for r in self.query_all(
            "SELECT COUNT(*) FROM studies WHERE state='registered'"))

    def wait_registered(self, studies, timeout):
        """Until the simulator has answered a POST for each study, then until the state says
        registered (it commits right after the answer). The simulator is polled, not the
        state: a psql per poll would add PostgreSQL CPU to the cell."""
        end = time.time() + timeout
        while time.time() < end:
            posted = posts_per_study(self.simulator.requests())
            if sum(1 for v in posted.values() if v[1]) >= studies:
                break
            time.sleep(0.05)
        while time.time() < end:
            if self.registered() >= studies:
                return True
            time.sleep(0.05)
        return False

    def measure(self):
        files, corpus = self.files, self.corpus
        studies = len({f.split("/")[0] for f in files})
        size = sum(os.path.getsize(os.path.join(corpus.root, f)) for f in files)
        before = {n.node: n.metrics() for n in self.nodes}   # readiness echoes happened
        self.activity0 = self.pg.activity() if self.pg else None
        load = os.getloadavg()[0]
        busy0, wall0 = machine_busy_seconds(), time.monotonic()
        cpu0 = self.cpu()
        sim0 = receivers.procstat.cpu_seconds(self.simulator.proc.pid) or 0.0
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)   # storescu: reaped by send()
        elapsed, codes = self.send(corpus.root, files, receivers.Gateway.aet, self.port,
                                   self.associations, True,
                                   os.path.join(self.folder, "storescu.log"))
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        ok = self.wait_registered(studies, timeout=120 + studies * 0.2)
        cpu1 = self.cpu()
        busy1, wall1 = machine_busy_seconds(), time.monotonic()
        sim1 = receivers.procstat.cpu_seconds(self.simulator.proc.pid) or 0.0
        connections = self.connections()
        cpu = {k: cpu1[k] - cpu0[k] for k in cpu1}
        n = len(files)
        row = dict(cell=self.kind, corpus=corpus.name, associations=self.associations,
                   nodes=self.n_nodes, store=self.store_kind, instances=n, bytes=size,
                   studies=studies, seconds=round(elapsed, 4),
                   instances_per_s=round(n / elapsed, 1), mb_per_s=round(size / 1e6 / elapsed, 1),
                   sender_exit_codes=codes, registered_all=ok,
                   cpu_ms_per_instance=round(sum(cpu.values()) * 1000 / n, 3),
                   cpu_ms_per_instance_by={k: round(v * 1000 / n, 3) for k, v in cpu.items()})
        # Not counted above, but on the same 2 cores: the senders (during the send) and the
        # simulator (send to registered).
        sender = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
        row["not_counted_cpu_ms_per_instance"] = dict(storescu=round(sender * 1000 / n, 3),
                                                      simulator=round((sim1 - sim0) * 1000 / n,
                                                                      3))
        # Over the same window (send, then the wait until registered): this run's processes,
        # and the whole machine's (/proc/stat); the difference is other people's work.
        wall = wall1 - wall0
        ours = (sum(cpu.values()) + sender + sim1 - sim0) / wall
        row["cores_busy"] = round(ours, 2)
        row["other_cores_busy"] = round(max(0.0, (busy1 - busy0) / wall - ours), 2)
        row["load_1m_at_start"] = round(load, 2)
        if connections is not None:
            row["store_connections"] = connections
        row["studies_over_several_associations"] = split_studies(files, self.associations)
        self.record_outcome(row, before)
        return row

    def record_outcome(self, row, before):
        """What each node received, what the state holds, what the viewer was sent."""
        row["per_node"] = {}
        for node in self.nodes:
            m, m0 = node.metrics(), before[node.node]
            row["per_node"][node.node] = {
                key: int(m.get(metric, 0) - m0.get(metric, 0)) for key, metric in (
                    ("instances_received", "dicom_gateway_instances_received_total"),
                    ("associations", "dicom_gateway_associations_total"))}
        for name, count in self.query_all(
                "SELECT registered_by, COUNT(*) FROM studies WHERE state='registered' "
                "GROUP BY registered_by"):
            row["per_node"].setdefault(name, {})["studies_registered"] = count
        row["stored"] = sum(r[0] for r in self.query_all("SELECT COUNT(*) FROM instances"))
        row["registered"] = self.registered()
        row["registration_latency_ms"] = [at - first for first, at in self.query_all(
            "SELECT s.first_seen, MAX(a.at) FROM studies s JOIN attempts a "
            "ON a.study_instance_uid = s.study_instance_uid "
            "WHERE s.state = 'registered' GROUP BY s.study_instance_uid")]
        posts = posts_per_study(self.simulator.requests())
        row["posts"] = dict(
            studies_posted=len(posts),
            exactly_once=sum(1 for v in posts.values() if v[0] == 1 and v[1] == 1),
            duplicated={uid: v[0] for uid, v in posts.items() if v[0] > 1},
            never=row["studies"] - len(posts))
        if self.pg:
            row["postgres"] = self.pg.settings()

    def connections(self):
        """The nodes' open connections to the store (node -> count), psql's own left out; the
        gateway names them "dicom-gateway <node>" (application_name)."""
        if not self.pg:
            return None
        rows = self.pg.psql(
            "SELECT application_name, COUNT(*) FROM pg_stat_activity WHERE usename = '%s' "
            "AND pid <> pg_backend_pid() GROUP BY application_name" % postgres.ROLE)
        return {name.replace("dicom-gateway ", "", 1): int(count) for name, count in rows}

    def store_activity(self, row):
        """After the nodes have stopped (their backends have published their counts): the
        store's commits, WAL syncs (disk flushes) and WAL bytes per instance of the cell."""
        if not self.pg or self.pg.proc is None or self.pg.proc.poll() is not None:
            return
        a1 = self.pg.activity()
        n = row["instances"]
        row["store_activity"] = {k: v - self.activity0[k] for k, v in a1.items()}
        row["store_per_instance"] = {
            k: round((a1[k] - self.activity0[k]) / n, 2)
            for k in ("commits", "wal_syncs", "wal_records", "wal_bytes")}

    def stop(self, row=None):
        """In order: the balancer, the nodes, the store, the viewer; each even if one fails."""
        steps = ([self.proxy] if self.proxy else []) + list(self.nodes)
        if row is not None and "error" not in row and self.activity0 is not None:
            def store_activity():
                self.store_activity(row)
            steps.append(store_activity)
        steps += ([self.pg] if self.pg else []) + [self.simulator]
        for step in steps:
            if step is None:
                continue
            try:
                step() if callable(step) else step.stop()
            except Exception as e:   # noqa: BLE001 -- the next ones must stop too
                self.run.note("fleet: stopping %s: %s" % (getattr(step, "__name__", None)
                                                          or type(step).__name__, e))


def log_tail(folder, lines=2):
    try:
        with open(os.path.join(folder, "gateway.log")) as f:
            return " | ".join(line.strip() for line in f.readlines()[-lines:]) or "(empty)"
    except OSError:
        return "(no log)"


def save_logs(run, folder):
    """The cell's logs and configurations (nodes', PostgreSQL's, HAProxy's) into DIR/logs."""
    target = os.path.join(run.out, "logs", os.path.basename(folder))
    for here, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in ("spool", "data", "sock")]
        for name in names:
            if name.endswith((".log", ".yaml", ".json", ".cfg")):
                where = os.path.join(target, os.path.relpath(here, folder))
                os.makedirs(where, exist_ok=True)
                shutil.copy(os.path.join(here, name), where)


def cell(run, send, kind, corpus, files, associations):
    """Runs one cell with `send` (bench/run's storescu sender, TCP_NODELAY=1); the row (with
    "error" when it could not run) is also returned."""
    nodes, store = {"sqlite": (1, "sqlite"), "postgres": (1, "postgres"),
                    "fleet": (3, "postgres")}[kind]
    c = FleetCell(run, send, kind, corpus, files, associations, nodes, store)
    row = None
    try:
        c.start()
        row = c.measure()
    except Exception as e:   # noqa: BLE001 -- one cell's failure is reported, the phase goes on
        row = dict(cell=kind, corpus=corpus.name, associations=associations, nodes=nodes,
                   store=store, instances=len(files), error=str(e))
    finally:
        c.stop(row)
        save_logs(run, c.folder)
    check(run, row)
    print(progress_line(row), flush=True)
    return row


def check(run, row):
    """A loud error for anything but exactly one registration per study."""
    if "error" in row:
        run.note("FLEET ERROR: %s %s x%d could not run: %s"
                 % (row["cell"], row["corpus"], row["associations"], row["error"]))
        return
    p = row["posts"]
    problems = []
    if p["duplicated"]:
        problems.append("%d studies POSTed more than once (%s)" % (
            len(p["duplicated"]), ", ".join("%s x%d" % (uid[-12:], n)
                                            for uid, n in list(p["duplicated"].items())[:5])))
    if p["never"] > 0:
        problems.append("%d studies never POSTed" % p["never"])
    if p["exactly_once"] != row["studies"]:
        problems.append("%d of %d studies registered exactly once"
                        % (p["exactly_once"], row["studies"]))
    if row["stored"] != row["instances"] or any(row["sender_exit_codes"]):
        problems.append("stored %d of %d, storescu exit %s"
                        % (row["stored"], row["instances"], row["sender_exit_codes"]))
    if problems:
        banner = "!" * 78
        text = "FLEET ERROR: %s %s x%d: %s" % (row["cell"], row["corpus"], row["associations"],
                                              "; ".join(problems))
        print("\n".join((banner, text, banner)), flush=True)
        run.note(text)


def progress_line(row):
    if "error" in row:
        return "fleet    %-8s %s x%d: could not run: %s" % (row["cell"], row["corpus"],
                                                            row["associations"], row["error"])
    from .report import percentile
    lat = row["registration_latency_ms"]
    return ("fleet    %-8s %s x%d %d node(s) %6d inst %7.2f s %8.1f inst/s %7.3f CPU ms/inst "
            "(%s) reg p50 %s p99 %s ms; exactly once %d/%d; per node %s"
            % (row["cell"], row["corpus"], row["associations"], row["nodes"], row["instances"],
               row["seconds"], row["instances_per_s"], row["cpu_ms_per_instance"],
               ", ".join("%s %.3f" % kv for kv in row["cpu_ms_per_instance_by"].items()),
               percentile(lat, 50), percentile(lat, 99), row["posts"]["exactly_once"],
               row["studies"], ", ".join("%s %s inst/%s reg" % (k, v.get("instances_received"),
                                                                 v.get("studies_registered", 0))
                                         for k, v in sorted(row["per_node"].items()))))
