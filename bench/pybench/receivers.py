"""The receivers under test, each started fresh in its own trial folder and stopped after.

Every receiver exposes: start(), pid, cpu() (s, all its processes), peak_kib(sampler),
stored() (instances it holds) and stop(). Ports are fixed: the run is alone in its network
namespace.
"""
import base64
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import ssl
import subprocess
import threading
import time
import urllib.request

from . import procstat

GATEWAY_PORT, STORESCP_PORT, ORTHANC_PORT, ORTHANC_HTTP = 11112, 11113, 4242, 8042
CONSOLE_PORT = 18080   # the gateway's console (REST API) when a cell has it open
API_KEY = "bench-key"
CONSOLE_USER, CONSOLE_PASSWORD = "bench", "bench-console-password"


def wait_echo(aet, port, deadline=30.0, proc=None):
    """C-ECHO until it answers: the receiver is ready."""
    end = time.time() + deadline
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("receiver exited with %s" % proc.returncode)
        r = subprocess.run(["echoscu", "-aec", aet, "-to", "2", "127.0.0.1", str(port)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("no C-ECHO answer from %s on port %d" % (aet, port))


def terminate(proc, grace=15.0):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Simulator:
    """The project's Viewer API simulator (HTTPS, self-signed certificate)."""

    def __init__(self, exe, folder, latency_ms):
        self.exe, self.folder, self.latency_ms = exe, folder, latency_ms
        self.proc, self.port = None, None
        self.cert = os.path.join(folder, "viewer-ca.pem")

    def start(self):
        env = dict(os.environ, AVARA_API_KEY=API_KEY)
        self.log = open(os.path.join(self.folder, "simulator.log"), "w")
        self.proc = subprocess.Popen(
            [self.exe, "--listen", "127.0.0.1", "--port", "0", "--api-key-env", "AVARA_API_KEY",
             "--cert-out", self.cert, "--latency", "%dms" % self.latency_ms],
            stdout=subprocess.PIPE, stderr=self.log, env=env, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"https://[^:]+:(\d+)", line)
        if not m:
            raise RuntimeError("simulator did not start: %r" % line)
        self.port = int(m.group(1))
        self.base_url = "https://127.0.0.1:%d/v1" % self.port
        return self

    def control(self, method, path, body=None):
        context = ssl.create_default_context(cafile=self.cert)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request("https://127.0.0.1:%d/_sim/%s" % (self.port, path),
                                         data=data, method=method,
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": "Bearer " + API_KEY})
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            return answer.status

    def requests(self):
        """Every API request it has seen (method, target, status, body...), oldest first."""
        context = ssl.create_default_context(cafile=self.cert)
        request = urllib.request.Request("https://127.0.0.1:%d/_sim/requests" % self.port,
                                         headers={"Authorization": "Bearer " + API_KEY})
        with urllib.request.urlopen(request, context=context, timeout=30) as answer:
            return json.load(answer)

    def stop(self):
        terminate(self.proc)
        self.log.close()


GATEWAY_CONFIG = """\
dicom:
  ae_title: AVARA_GW
  bind: 127.0.0.1
  port: {port}
  max_associations: 16
  max_pdu: 131072
storage:
  spool_dir: {folder}/spool
{state}viewer_api:
  base_url: {base_url}
  api_key_env: AVARA_API_KEY
  ca_file: {ca_file}
  timeout: 30s
  max_in_flight: {max_in_flight}
{retry}logging:
  level: info
routing:
  rules:
    - name: ct-urgent
      match:
        Modality: CT
        StudyDescription: {{ regex: "(?i)chest" }}
      assign:
        assigned_to: usr_0123456789abcdef0123456789abcdef
        express_customer_id: cus_0123456789abcdef0123456789abcdef
        severity: high
        metadata: {{ department: radiology }}
    - name: phantoms
      match: {{ PatientName: {{ regex: "^PHANTOM" }} }}
      action: ignore
  default:
    assign: {{ express_customer_id: cus_0123456789abcdef0123456789abcdef }}
"""


_console_hash = None


def console_password_hash():
    """sha512-crypt of the bench user's password, made once per run by `openssl passwd -6`."""
    global _console_hash
    if _console_hash is None:
        _console_hash = subprocess.run(["openssl", "passwd", "-6", "-stdin"],
                                       input=CONSOLE_PASSWORD, capture_output=True, text=True,
                                       check=True).stdout.strip()
    return _console_hash


CONSOLE_CONFIG = """\
console:
  listen: 127.0.0.1:{port}
  users:
    - {{ name: {user}, role: viewer, password_hash: "{hash}" }}
"""


class ConsoleWatchers:
    """What an open console costs the gateway: one thread holds GET /api/v1/events open and
    reads every event; another is the page, GET /api/v1/studies?limit=50 and GET
    /api/v1/status once per second. HTTP Basic, standard library only."""

    def __init__(self, port, period=1.0):
        self.port, self.period = port, period
        token = base64.b64encode(("%s:%s" % (CONSOLE_USER, CONSOLE_PASSWORD)).encode()).decode()
        self.headers = {"Authorization": "Basic " + token}
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.events, self.by_kind, self.event_bytes = 0, {}, 0
        self.polls, self.poll_errors, self.poll_bytes = 0, 0, 0
        self.errors = []
        self.last_event = time.monotonic()
        self.stream = None
        self.threads = []

    def wait_ready(self, deadline=30.0):
        """GET /api/v1/status until it answers 200 (the console listens after the DICOM port)."""
        end = time.time() + deadline
        last = None
        while time.time() < end:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/status", headers=self.headers)
                answer = conn.getresponse()
                answer.read()
                conn.close()
                if answer.status == 200:
                    return
                last = "HTTP %d" % answer.status
            except OSError as e:
                last = str(e)
            time.sleep(0.05)
        raise RuntimeError("console on port %d not ready: %s" % (self.port, last))

    def start(self):
        self.wait_ready()
        opened = threading.Event()
        self.threads = [threading.Thread(target=self._events, args=(opened,), daemon=True),
                        threading.Thread(target=self._page, daemon=True)]
        for t in self.threads:
            t.start()
        if not opened.wait(10):
            raise RuntimeError("the console's event stream did not open: %s" % self.errors)
        return self

    def _events(self, opened):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=None)
            conn.request("GET", "/api/v1/events",
                         headers=dict(self.headers, Accept="text/event-stream"))
            self.stream = conn.sock   # before getresponse: a close-delimited answer drops it
            answer = conn.getresponse()
            if answer.status != 200:
                raise RuntimeError("GET /api/v1/events: HTTP %d" % answer.status)
            opened.set()
            while True:
                line = answer.readline()
                if not line:
                    break
                if line.startswith(b"event:"):
                    kind = line[6:].strip().decode()
                    with self.lock:
                        self.events += 1
                        self.event_bytes += len(line)
                        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
                        self.last_event = time.monotonic()
                else:
                    with self.lock:
                        self.event_bytes += len(line)
        except Exception as e:   # noqa: BLE001 -- closing the socket ends the read with any error
            if not self.done.is_set():
                self.errors.append("events: %s" % e)
        finally:
            opened.set()

    def _page(self):
        conn = None
        tick = time.monotonic()
        while not self.done.is_set():
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                size = 0
                for path in ("/api/v1/studies?limit=50", "/api/v1/status"):
                    conn.request("GET", path, headers=self.headers)
                    answer = conn.getresponse()
                    body = answer.read()
                    if answer.status != 200:
                        raise RuntimeError("GET %s: HTTP %d" % (path, answer.status))
                    json.loads(body)
                    size += len(body)
                with self.lock:
                    self.polls += 1
                    self.poll_bytes += size
            except Exception as e:   # noqa: BLE001 -- counted; the next poll reconnects
                with self.lock:
                    self.poll_errors += 1
                    if len(self.errors) < 10:
                        self.errors.append("page: %s" % e)
                if conn is not None:
                    conn.close()
                conn = None
            tick += self.period
            self.done.wait(max(0.0, tick - time.monotonic()))
        if conn is not None:
            conn.close()

    def stop(self, quiet=0.3, deadline=3.0):
        """Lets the stream go quiet (the last state events), then closes both and joins."""
        end = time.monotonic() + deadline
        while time.monotonic() < end and time.monotonic() - self.last_event < quiet:
            time.sleep(0.05)
        self.done.set()
        if self.stream is not None:
            try:
                self.stream.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in self.threads:
            t.join(15)

    def stats(self):
        with self.lock:
            return dict(events=self.events, events_by_kind=dict(self.by_kind),
                        event_bytes=self.event_bytes, polls=self.polls,
                        poll_errors=self.poll_errors, poll_bytes=self.poll_bytes,
                        errors=list(self.errors))


DEFAULT_METRICS_PORT = 9464   # the gateway's own default (metrics.listen)

NODE_CONFIG = """\
node:
  name: {name}
metrics:
  listen: 127.0.0.1:{metrics_port}
"""


class Gateway:
    """dicom-gateway (release build) with its own simulator, spool and database; with
    console=True also its console (REST API) on CONSOLE_PORT, watched by ConsoleWatchers from
    start() to stop().
    A fleet's node (bench/pybench/fleet.py) passes its own port, node name and metrics port,
    the fleet's shared simulator (which it starts and stops itself) and the shared store
    (postgres.Postgres: its uri for the configuration, its query() for the state)."""
    aet, name = "AVARA_GW", "gateway"

    def __init__(self, exe, simulator_exe, folder, latency_ms=0, max_in_flight=4,
                 fast_retry=False, console=False, port=GATEWAY_PORT, simulator=None,
                 store=None, node=None, metrics_port=None):
        self.exe, self.folder, self.max_in_flight = exe, folder, max_in_flight
        self.port = port
        self.own_simulator = simulator is None
        self.simulator = simulator or Simulator(simulator_exe, folder, latency_ms)
        self.fast_retry = fast_retry
        self.console = console
        self.watchers = None
        self.store, self.node, self.metrics_port = store, node, metrics_port
        self.db = os.path.join(folder, "state.db")

    def state_yaml(self):
        if self.store is None:
            return "state:\n  database: %s\n" % self.db
        return "state:\n  database: %s\n  claim_lease: 60s\n" % self.store.uri

    def start(self):
        if self.simulator.proc is None:   # bench/run's drain starts it first, with a fault
            self.simulator.start()
        retry = ("  retry: { initial: 50ms, max: 200ms }\n" if self.fast_retry else "")
        config = os.path.join(self.folder, "gateway.yaml")
        with open(config, "w") as f:
            f.write(GATEWAY_CONFIG.format(port=self.port, folder=self.folder,
                                          state=self.state_yaml(),
                                          base_url=self.simulator.base_url,
                                          ca_file=self.simulator.cert,
                                          max_in_flight=self.max_in_flight, retry=retry))
            if self.node:
                f.write(NODE_CONFIG.format(name=self.node, metrics_port=self.metrics_port))
            if self.console:
                f.write(CONSOLE_CONFIG.format(port=CONSOLE_PORT, user=CONSOLE_USER,
                                              hash=console_password_hash()))
        self.log = open(os.path.join(self.folder, "gateway.log"), "w")
        env = dict(os.environ, AVARA_API_KEY=API_KEY)
        self.proc = subprocess.Popen([self.exe, "run", "--config", config], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)
        self.pid = self.proc.pid
        wait_echo(self.aet, self.port, proc=self.proc)
        if self.console:
            self.watchers = ConsoleWatchers(CONSOLE_PORT).start()
        return self

    def cpu(self):
        return procstat.cpu_seconds(self.pid)

    def console_stats(self):
        """The watchers' counts (final after stop()), or None without the console."""
        return self.watchers.stats() if self.watchers else None

    def query(self, sql):
        if self.store is not None:
            return self.store.query(sql)
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def stored(self):
        return self.query("SELECT COUNT(*) FROM instances")[0][0]

    def registered(self):
        return self.query("SELECT COUNT(*) FROM studies WHERE state='registered'")[0][0]

    def wait_registered(self, studies, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if self.registered() >= studies:
                return True
            time.sleep(0.02)
        return False

    def latencies_ms(self):
        """Per registered study: successful attempt's time - first instance durable (ms)."""
        rows = self.query(
            "SELECT s.first_seen, MAX(a.at) FROM studies s JOIN attempts a "
            "ON a.study_instance_uid = s.study_instance_uid "
            "WHERE s.state = 'registered' GROUP BY s.study_instance_uid")
        return [at - first for first, at in rows]

    def stop(self):
        if self.watchers:
            self.watchers.stop()
        terminate(self.proc)
        self.log.close()
        if self.own_simulator:
            self.simulator.stop()

    def metrics(self):
        """This node's counters from its /metrics (name -> summed value), {} when off."""
        if not self.metrics_port:
            return {}
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port,
                                    timeout=10) as answer:
            text = answer.read().decode()
        out = {}
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            name, _, value = line.rpartition(" ")
            name = name.split("{")[0]
            try:
                out[name] = out.get(name, 0.0) + float(value)
            except ValueError:
                pass
        return out


class StoreScp:
    """DCMTK storescp, bit-preserving (+B); --fork when several associations arrive at once.
    TCP_NODELAY=1 in its environment: DCMTK's DUL reads it for accepted sockets too."""
    aet, port, name = "STORESCP", STORESCP_PORT, "storescp"

    def __init__(self, folder, fork):
        self.folder, self.fork = folder, fork
        self.out = os.path.join(folder, "out")

    def start(self):
        os.makedirs(self.out)
        args = ["storescp", "+B", "-aet", self.aet, "-od", self.out]
        if self.fork:
            args.append("--fork")
        self.log = open(os.path.join(self.folder, "storescp.log"), "w")
        self.proc = subprocess.Popen(args + [str(self.port)], stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     env=dict(os.environ, TCP_NODELAY="1"))
        self.pid = self.proc.pid
        wait_echo(self.aet, self.port, proc=self.proc)
        return self

    def cpu(self, sampler=None):
        """Own CPU + reaped children's + children still alive (or zombie) at this moment."""
        total = procstat.cpu_seconds(self.pid, children=True) or 0.0
        for child in procstat.children_of(self.pid):
            total += procstat.cpu_seconds(child) or 0.0
        return total

    def stored(self):
        return sum(len(files) for _, _, files in os.walk(self.out))

    def stop(self):
        terminate(self.proc)
        self.log.close()


class Orthanc:
    """Debian's Orthanc with its defaults (SQLite index), paths and ports of its own, and, like
    storescp, TCP_NODELAY=1 in its environment: it links the same DCMTK, whose DUL reads it.
    Without it Orthanc answered 5-6x slower here (issue 21), which measured Nagle, not Orthanc."""
    aet, port, name = "ORTHANC", ORTHANC_PORT, "orthanc"
    exe = "/usr/sbin/Orthanc"

    @classmethod
    def available(cls):
        return os.access(cls.exe, os.X_OK)

    def __init__(self, folder):
        self.folder = folder

    def start(self):
        config = {"Name": "bench", "StorageDirectory": os.path.join(self.folder, "storage"),
                  "IndexDirectory": os.path.join(self.folder, "index"),
                  "DicomAet": self.aet, "DicomPort": self.port, "HttpPort": ORTHANC_HTTP,
                  "RemoteAccessAllowed": False, "AuthenticationEnabled": False}
        path = os.path.join(self.folder, "orthanc.json")
        with open(path, "w") as f:
            json.dump(config, f)
        self.log = open(os.path.join(self.folder, "orthanc.log"), "w")
        self.proc = subprocess.Popen([self.exe, path], stdout=self.log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, TCP_NODELAY="1"))
        self.pid = self.proc.pid
        wait_echo(self.aet, self.port, deadline=60, proc=self.proc)
        return self

    def cpu(self):
        return procstat.cpu_seconds(self.pid)

    def stored(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/statistics" % ORTHANC_HTTP,
                                    timeout=30) as answer:
            return json.load(answer)["CountInstances"]

    def stop(self):
        terminate(self.proc, grace=30)
        self.log.close()
