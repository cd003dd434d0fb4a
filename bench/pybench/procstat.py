"""Receiver CPU time and memory from /proc, and a sampler for forked children and sockets."""
import os
import threading
import time

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open("/proc/%d/stat" % pid) as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on


def cpu_seconds(pid, children=False):
    """utime+stime of `pid` (with children=True, also its reaped children's cutime+cstime)."""
    try:
        f = _stat_fields(pid)
    except OSError:
        return None
    total = int(f[11]) + int(f[12])  # utime, stime (fields 14, 15)
    if children:
        total += int(f[13]) + int(f[14])  # cutime, cstime (16, 17)
    return total / TICKS


def status_kib(pid, key):
    """VmHWM / VmRSS of a process in KiB, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def children_of(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


class Sampler:
    """Samples, every `interval` s, the peak RSS of a process and of its children, the CPU of
    children not yet reaped, and which of its own connections to `watch_port` exist (by local port)."""

    def __init__(self, pid, watch_port=None, interval=0.05):
        self.pid, self.watch_port, self.interval = pid, watch_port, interval
        self.peak_kib = 0          # the largest VmHWM of any one process (parent or child)
        self.child_cpu = {}        # child pid -> last seen utime+stime (s)
        self.client_ports = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()
        self._sample()

    def _sample(self):
        hwm = status_kib(self.pid, "VmHWM")
        if hwm:
            self.peak_kib = max(self.peak_kib, hwm)
        for child in children_of(self.pid):
            c = status_kib(child, "VmHWM")
            if c:
                self.peak_kib = max(self.peak_kib, c)
            cpu = cpu_seconds(child)
            if cpu is not None:
                self.child_cpu[child] = cpu
        if self.watch_port:
            self.client_ports |= connected_clients(self.watch_port, self.pid)

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()


def connected_clients(port, pid):
    """Local ports of `pid`'s established TCP connections to `port` (its sockets' inodes matched
    in /proc/net/tcp): the benchmark's own requests to the same server are not counted."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return set()
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    local, remote, state, inode = parts[1], parts[2], parts[3], parts[9]
                    if state == "01" and int(remote.rsplit(":", 1)[1], 16) == port \
                            and inode in inodes:
                        found.add(int(local.rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return found
