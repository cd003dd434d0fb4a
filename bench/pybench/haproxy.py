"""HAProxy in front of several gateways for one bench cell: TCP mode, round robin per
connection (each DICOM association goes to the next node), in the foreground (-db), its
configuration in the cell's folder. No health checks: a check is a TCP connection the nodes
would log as an aborted association, and every node is up before the first send."""
import os
import subprocess

from . import procstat
from .receivers import terminate

EXE = "/usr/sbin/haproxy"

CONFIG = """\
global
    maxconn 1024
defaults
    mode tcp
    timeout connect 5s
    timeout client 120s
    timeout server 120s
frontend dicom
    bind 127.0.0.1:{port}
    default_backend gateways
backend gateways
    balance roundrobin
{servers}"""


def available():
    return os.access(EXE, os.X_OK)


class HaProxy:
    """One haproxy process (its threads share it: /proc/<pid>/stat counts them all)."""

    def __init__(self, folder, port, backends):
        self.folder, self.port, self.backends = folder, port, backends   # [(name, port)]
        self.proc, self.pid = None, None

    def start(self):
        path = os.path.join(self.folder, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(CONFIG.format(port=self.port, servers="".join(
                "    server %s 127.0.0.1:%d\n" % (name, port) for name, port in self.backends)))
        check = subprocess.run([EXE, "-c", "-q", "-f", path], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError("haproxy -c: %s" % (check.stdout + check.stderr).strip())
        self.log = open(os.path.join(self.folder, "haproxy.log"), "w")
        self.proc = subprocess.Popen([EXE, "-db", "-f", path], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        return self

    def cpu(self):
        return procstat.cpu_seconds(self.pid) or 0.0

    def stop(self):
        terminate(self.proc)
        if getattr(self, "log", None):
            self.log.close()
