"""What durability costs on this disk, per instance, measured in the same run as the cells.

Three probes per corpus, at the corpus's mean instance size:
- floor: write the record into a preallocated, already-written file and fdatasync it, the
  cheapest way this disk makes that many bytes durable (no file creation, no metadata);
- spool: the spool's path when no other association shares its flush: create, write, write
  out the data (sync_file_range, waiting), rename, syncfs (src/storage/spool.cpp);
- fsyncs: the spool's path before issue 21: create, write, fsync, rename, fsync the folder.
With a synchronous sender on one association, a durable receiver can at best take storescp's
time plus one floor flush per instance: limit = t_storescp / (t_storescp + t_floor)
(issue 21). With several associations one flush can cover many instances, so there the
limit is storescp's own rate.
"""
import ctypes
import os
import time

_libc = ctypes.CDLL(None, use_errno=True)
# <fcntl.h>: SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER
_WRITE_AND_WAIT = 1 | 2 | 4

PREALLOCATED = 64 << 20  # written once, so that the probe's writes allocate nothing


def _median_and_max(times, digits=3):
    times = sorted(times)
    return dict(median_ms=round(times[len(times) // 2], digits), max_ms=round(times[-1], digits))


def floor(folder, size, count=60):
    """pwrite `size` bytes at rotating offsets of a preallocated file, then fdatasync."""
    path = os.path.join(folder, "floor-%d.bin" % size)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        chunk = b"\0" * (1 << 20)
        for _ in range(PREALLOCATED // len(chunk)):
            os.write(fd, chunk)
        os.fsync(fd)
        record = b"x" * size
        slots = max(1, PREALLOCATED // size)
        times = []
        for i in range(count):
            t = time.monotonic()
            os.pwrite(fd, record, (i % slots) * size)
            os.fdatasync(fd)
            times.append((time.monotonic() - t) * 1000)
        return _median_and_max(times)
    finally:
        os.close(fd)
        os.unlink(path)


def _check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def _renames(sub, size, count, digits, settle, publish):
    """Per instance: create, write, settle(fd), close, rename into place, publish(sub);
    the median and max ms of `count` of them in a new folder `sub`."""
    os.makedirs(sub)
    record = b"x" * size
    times = []
    for i in range(count):
        t = time.monotonic()
        path = os.path.join(sub, "%d.tmp" % i)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.write(fd, record)
            settle(fd)
        finally:
            os.close(fd)
        os.rename(path, path[:-4] + ".dcm")
        publish(sub)
        times.append((time.monotonic() - t) * 1000)
    return _median_and_max(times, digits)


def _on_folder(sub, call):
    fd = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
    try:
        call(fd)
    finally:
        os.close(fd)


def _write_out(fd):
    _check(_libc.sync_file_range(fd, ctypes.c_int64(0), ctypes.c_int64(0),
                                 ctypes.c_uint(_WRITE_AND_WAIT)), "sync_file_range")


def spool_path(folder, size, count=40, digits=3):
    """create + write + write out (sync_file_range, waiting) + rename + syncfs, as the spool
    does per instance when no other association shares its flush."""
    return _renames(os.path.join(folder, "flush-%d" % size), size, count, digits, _write_out,
                    lambda sub: _on_folder(sub, lambda fd: _check(_libc.syncfs(fd), "syncfs")))


def two_fsyncs(folder, size, count=40, digits=3):
    """create + write + fsync + rename + fsync the folder, as the spool did per instance
    before issue 21."""
    return _renames(os.path.join(folder, "fsyncs-%d" % size), size, count, digits, os.fsync,
                    lambda sub: _on_folder(sub, os.fsync))


def probe(folder, size):
    os.makedirs(folder, exist_ok=True)
    return dict(bytes=size, floor=floor(folder, size), spool=spool_path(folder, size),
                fsyncs=two_fsyncs(folder, size))


def limit_at_one_association(storescp_per_s, floor_ms):
    """The best gateway/storescp ratio a durable receiver can reach with one synchronous sender."""
    if not storescp_per_s or floor_ms is None:
        return None
    t_storescp_ms = 1000.0 / storescp_per_s
    return t_storescp_ms / (t_storescp_ms + floor_ms)
