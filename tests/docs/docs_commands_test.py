#!/usr/bin/env python3
"""The docs say only what is true: every command in README.md and docs/*.md is run here, or,
where it can only run on a server (systemctl, apt), shown to exist; every configuration example
loads.

  docs_commands_test.py --source DIR --gateway BIN --simulator BIN --fixtures DIR

What is run, against a sandbox (a simulator, a temporary state, free ports):
- `dicom-gateway …`: with --config pointed at the sandbox's file and file arguments at a
  fixture. It must not answer 2 (usage error: an option or subcommand the docs invented) and
  must not crash; `run` must reach gateway_ready and stop on SIGTERM.
- `storescu`, `echoscu`: sent to the sandbox gateway.
- `scripts/…`: the file exists and parses (bash -n); they install and build, so are not run.
- `sqlite3 … .backup`: run against the sandbox's database.
- Anything else must be a program this machine has (systemctl, journalctl, curl, …).
Configuration examples (```yaml blocks with the gateway's sections) are merged into the
sandbox's file and `check-config` must accept them; Prometheus rule groups go to promtool.
A failure names the file, the line and what the administrator would have seen.
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

GATEWAY_SECTIONS = {"dicom", "storage", "state", "viewer_api", "registration", "logging",
                    "metrics", "console", "alerts", "routing", "shutdown_grace", "node"}
# Programs that manage a server (or need one): shown to exist, not run. Each names the Debian
# package that has it, for those a build machine may lack (nft on a machine without a firewall).
SERVER_PROGRAMS = {
    "systemctl": "systemd", "journalctl": "systemd", "systemd-analyze": "systemd",
    "systemd-creds": "systemd", "apt": "apt", "apt-get": "apt", "dpkg": "dpkg",
    "dpkg-buildpackage": "dpkg-dev", "sudo": "sudo", "sudoedit": "sudo", "curl": "curl",
    "openssl": "openssl", "promtool": "prometheus", "lintian": "lintian", "nft": "nftables",
    "setpriv": "util-linux", "runuser": "util-linux", "storescp": "dcmtk", "dcmdump": "dcmtk",
    "findscu": "dcmtk", "dcmsend": "dcmtk", "git": "git", "cmake": "cmake", "ctest": "cmake",
    "perf": "linux-perf", "strace": "strace", "wrk": "wrk", "hyperfine": "hyperfine",
    "valgrind": "valgrind", "python3": "python3", "bash": "bash", "watch": "procps",
    "psql": "postgresql-client-15", "pg_basebackup": "postgresql-client-15",
    "pg_dump": "postgresql-client-15", "haproxy": "haproxy",
    "ss": "iproute2", "tcpdump": "tcpdump", "useradd": "passwd", "id": "coreutils",
    "install": "coreutils", "cp": "coreutils", "mv": "coreutils", "mkdir": "coreutils",
    "chown": "coreutils", "chmod": "coreutils", "ls": "coreutils", "cat": "coreutils",
    "tail": "coreutils", "head": "coreutils", "cut": "coreutils", "printf": "coreutils",
    "echo": "coreutils", "test": "coreutils", "rm": "coreutils", "ln": "coreutils",
    "kill": "procps", "grep": "grep", "sed": "sed", "jq": "jq", "man": "man-db",
    "haproxy": "haproxy", "psql": "postgresql-client", "ssh": "openssh-client", "scp": "openssh-client",
}
SHELL_WORDS = {"export", "cd", "for", "while", "do", "done", "if", "then", "fi", "else"}
SKIP_PREFIXES = ("#", "}", "{", "-", "|")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def code_blocks(path):
    """(line, language, text) of each fenced block and each indented block after a blank line."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, i = [], 0
    while i < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[i])
        if fence:
            start, lang, body = i + 1, fence.group(1), []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append((start + 1, lang, "\n".join(body)))
        elif lines[i].startswith("    ") and i > 0 and lines[i - 1].strip() == "" and \
                not re.match(r"^\s*([-*]|\d+\.)\s", lines[i - 1] if i > 1 else ""):
            start, body = i, []
            while i < len(lines) and (lines[i].startswith("    ") or lines[i].strip() == ""):
                body.append(lines[i][4:])
                i += 1
            blocks.append((start + 1, "indented", "\n".join(body).strip("\n")))
            continue
        i += 1
    return blocks


def shell_commands(text):
    """Logical command lines: continuations joined, prompts and trailing comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    for raw in joined.split("\n"):
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:]
        if not line or line.startswith(SKIP_PREFIXES):
            continue
        line = re.sub(r"\s+#\s.*$", "", line)
        yield line


def program_words(line):
    """The command's words without sudo, `sudo -u USER` and leading VAR=value assignments."""
    try:
        words = shlex.split(line, comments=False)
    except ValueError:
        return []
    while words:
        if words[0] == "sudo":
            words = words[1:]
            if words[:1] == ["-u"]:
                words = words[2:]
        elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        else:
            break
    return words


class Sandbox:
    """A simulator and a gateway configuration of its own, on free ports, in a temporary folder."""

    def __init__(self, gateway, simulator, fixtures):
        self.gateway, self.fixtures = gateway, fixtures
        self.dir = tempfile.mkdtemp(prefix="docs-commands-")
        self.api_port, self.dicom_port = free_port(), free_port()
        self.metrics_port, self.console_port = free_port(), free_port()
        self.env = dict(os.environ, DOCS_TEST_API_KEY="docs-test-key", AVARA_API_KEY="docs-test-key")
        self.simulator = subprocess.Popen(
            [simulator, "--listen", "127.0.0.1", "--port", str(self.api_port),
             "--api-key-env", "DOCS_TEST_API_KEY", "--cert-out", f"{self.dir}/ca.pem"],
            stdout=open(f"{self.dir}/simulator.log", "w"), stderr=subprocess.STDOUT, env=self.env)
        for _ in range(200):
            if "listening on" in open(f"{self.dir}/simulator.log").read():
                break
            time.sleep(0.05)
        self.base = {
            "dicom": {"ae_title": "AVARA_GW", "bind": "127.0.0.1", "port": self.dicom_port},
            "storage": {"spool_dir": f"{self.dir}/spool"},
            "state": {"database": f"{self.dir}/state.db"},
            "viewer_api": {"base_url": f"https://127.0.0.1:{self.api_port}/v1",
                           "api_key_env": "DOCS_TEST_API_KEY", "ca_file": f"{self.dir}/ca.pem"},
            "metrics": {"listen": f"127.0.0.1:{self.metrics_port}"},
            "routing": {"default": {"assign": {
                "express_customer_id": "cus_0123456789abcdef0123456789abcdef"}}},
        }
        self.config = self.write_config(self.base, "gateway.yaml")
        self.daemon = None

    def write_config(self, data, name):
        path = f"{self.dir}/{name}"
        with open(path, "w") as f:
            yaml.safe_dump(data, f)
        return path

    def start_gateway(self):
        if self.daemon:
            return
        log = open(f"{self.dir}/gateway.log", "w")
        self.daemon = subprocess.Popen([self.gateway, "run", "--config", self.config],
                                       stderr=log, stdout=log, env=self.env)
        for _ in range(400):
            if "gateway_ready" in open(f"{self.dir}/gateway.log").read():
                return
            if self.daemon.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("the sandbox gateway did not start:\n" + open(f"{self.dir}/gateway.log").read())

    def stop_gateway(self):
        if self.daemon:
            self.daemon.send_signal(signal.SIGTERM)
            self.daemon.wait(timeout=60)
            self.daemon = None

    def close(self):
        self.stop_gateway()
        self.simulator.kill()
        self.simulator.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def fixture(self):
        return os.path.join(self.fixtures, "ct_chest_s1_i1.dcm")


def gateway_args(words, box):
    """The documented arguments with the sandbox's config and a fixture for file arguments."""
    args, i = [], 0
    while i < len(words):
        w = words[i]
        if w in ("--config", "-c") and i + 1 < len(words):
            args += [w, box.config]
            i += 2
            continue
        if w.startswith("--config="):
            args.append("--config=" + box.config)
        elif w.endswith(".dcm") or w.rstrip("/").endswith(("testdata", "study")) or \
                w in ("FILE.dcm…", "FILE…", "FILE", "DIR", "FOLDER") or "/path/to" in w:
            args.append(box.fixture())
        elif re.fullmatch(r"(__[A-Za-z_-]+__|UID|STUDY_UID|[0-9][0-9.]*…?)", w):
            args.append("1.2.826.0.1.3680043.10.543.1")
        else:
            args.append(w)
        i += 1
    if "--config" not in args and "-c" not in args and not any(a.startswith("--config=") for a in args) \
            and args and args[0] not in ("--help", "--version", "-h"):
        args += ["--config", box.config]
    return args


def check_gateway_command(words, box, where, failures):
    args = gateway_args(words[1:], box)
    if args[:1] == ["run"]:
        box.stop_gateway()  # one state, one process: the documented run takes its place
        log_path = f"{box.dir}/documented-run.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen([box.gateway] + args, stderr=log, stdout=log, env=box.env)
        for _ in range(400):
            if proc.poll() is not None or "gateway_ready" in open(log_path).read():
                break
            time.sleep(0.05)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        output = open(log_path).read()
        if "gateway_ready" not in output or proc.returncode != 0:
            failures.append(f"{where}: `{' '.join(words)}` did not start and stop cleanly "
                            f"(exit {proc.returncode}):\n{output[-2000:]}")
        return
    proc = subprocess.run([box.gateway] + args, capture_output=True, text=True, env=box.env, timeout=120)
    if proc.returncode == 2 or proc.returncode < 0 or proc.returncode > 3:
        failures.append(f"{where}: `{' '.join(words)}` → exit {proc.returncode} "
                        f"(ran as: {' '.join(args)}):\n{proc.stderr[-1500:]}")


def check_dicom_tool(words, box, where, failures):
    box.start_gateway()
    args = []
    positional = [w for w in words[1:] if not w.startswith("-")]
    skip_next = False
    for i, w in enumerate(words[1:]):
        if skip_next:
            skip_next = False
            args.append(w)
            continue
        if w in ("-aec", "-aet", "-to", "-ta", "-td"):
            skip_next = True
            args.append(w)
        elif w in ("localhost", "127.0.0.1") or w.startswith("__") or w == positional[0]:
            args.append("127.0.0.1")
        elif re.fullmatch(r"\d{2,5}", w):
            args.append(str(box.dicom_port))
        elif not w.startswith("-") and ("/" in w or w.endswith(".dcm")):
            args.append(box.fixture())
        else:
            args.append(w)
    proc = subprocess.run([words[0]] + args, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        failures.append(f"{where}: `{' '.join(words)}` failed against the gateway (exit "
                        f"{proc.returncode}, ran as {' '.join([words[0]] + args)}):\n{proc.stderr[-1500:]}")


def check_sqlite(words, box, where, failures):
    box.stop_gateway()
    if not os.path.exists(f"{box.dir}/state.db"):
        box.start_gateway()
        box.stop_gateway()
    command = [w for w in words[2:]]
    dot = " ".join(command)
    dot = re.sub(r"'[^']*'", f"'{box.dir}/backup.db'", dot)
    proc = subprocess.run(["sqlite3", f"{box.dir}/state.db", dot], capture_output=True, text=True)
    if proc.returncode != 0:
        failures.append(f"{where}: `{' '.join(words)}` failed: {proc.stderr}")


def pipeline_parts(line):
    """A line's commands: `a | b`, `a; b`, `a && b` give a and b (redirections dropped)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return [line]
    parts, current, skip = [], [], False
    for token in tokens:
        if skip:
            skip = False
        elif token == "case":
            break  # the rest is the shell's flow (`case $? in 1) …;; esac`), not commands
        elif token in ("|", "||", "&&", ";", "&"):
            if current:
                parts.append(shlex.join(current))
            current = []
        elif token in (">", ">>", "<", ">&", "2>"):
            skip = True
        else:
            current.append(token)
    if current:
        parts.append(shlex.join(current))
    return parts


def check_command(line, source, box, where, failures, counts):
    # NAME=$(command …) checks the command; <server>-style placeholders survive the lexer.
    inner = re.match(r"^[A-Za-z_][A-Za-z0-9_]*=\$\((.*)\)$", line)
    if inner:
        line = inner.group(1)
    line = re.sub(r"<([A-Za-z_-]+)>", r"__\1__", line)
    for part in pipeline_parts(line):
        check_simple_command(part, source, box, where, failures, counts)


def script_parses(path):
    """bash -n, or Python's compiler, as the script's first line says."""
    first = open(path, encoding="utf-8").readline()
    if "python" in first:
        command = [sys.executable, "-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", path]
    else:
        command = ["bash", "-n", path]
    return subprocess.run(command, capture_output=True).returncode == 0


def check_simple_command(line, source, box, where, failures, counts):
    words = program_words(line)
    if not words:
        return
    program = words[0]
    base = os.path.basename(program)
    if base in ("dicom-gateway", "storescu", "echoscu") or (base == "sqlite3" and ".backup" in line):
        print(f"run    {where}: {line}")
    if base == "dicom-gateway":
        counts["run"] += 1
        check_gateway_command(words, box, where, failures)
    elif base in ("storescu", "echoscu"):
        counts["run"] += 1
        check_dicom_tool(words, box, where, failures)
    elif base == "sqlite3" and any(".backup" in w for w in words):
        counts["run"] += 1
        check_sqlite(words, box, where, failures)
    elif program.startswith(("scripts/", "./scripts/", "bench/", "./bench/")):
        counts["exists"] += 1
        path = os.path.join(source, program.removeprefix("./"))
        if not os.access(path, os.X_OK) or not script_parses(path):
            failures.append(f"{where}: `{line}`: {path} is not an executable script that parses")
    elif base in SERVER_PROGRAMS or base in SHELL_WORDS:
        counts["exists"] += 1
        if base in SERVER_PROGRAMS and shutil.which(base) is None and subprocess.run(
                ["apt-cache", "show", SERVER_PROGRAMS[base]], capture_output=True).returncode != 0:
            failures.append(f"{where}: `{line}`: no program {base} here, nor Debian package "
                            f"{SERVER_PROGRAMS[base]}")
    elif base.endswith(".deb") or program.startswith(("/", "$", "build/", "~")):
        counts["exists"] += 1  # a path shown as an example of where something is
    else:
        failures.append(f"{where}: `{line}`: the test does not know how to check {program!r}; "
                        "run it here, or list it in SERVER_PROGRAMS with its Debian package")


def check_yaml(text, box, where, failures, counts):
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        failures.append(f"{where}: the example is not YAML: {e}")
        return
    if not isinstance(data, dict):
        return
    if "groups" in data:
        counts["yaml"] += 1
        path = box.write_config(data, "rules.yml")
        proc = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
        if proc.returncode != 0:
            failures.append(f"{where}: promtool rejects the rules: {proc.stdout}{proc.stderr}")
        return
    if not set(data) <= GATEWAY_SECTIONS or not data:
        return
    counts["yaml"] += 1
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in box.base.items()}
    for section, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(section), dict):
            merged[section].update(value)
        else:
            merged[section] = value
    # Files an example names (keys, hashes, certificates) are the administrator's: give
    # check-config what it needs to read them where the example points into the sandbox.
    path = box.write_config(merged, "example.yaml")
    proc = subprocess.run([box.gateway, "check-config", "--config", path], capture_output=True,
                          text=True, env=box.env)
    # The files an example names (certificates, password hashes) are the administrator's:
    # their absence here is expected; any other diagnostic is the example's own error.
    errors = [l for l in (proc.stdout + proc.stderr).splitlines()
              if re.match(r"^.*:\d+:\d+: ", l) and "warning" not in l.split(":", 4)[-1][:12]
              and not re.search(r"no such file|cannot read|cannot open", l, re.I)]
    if proc.returncode == 2 or errors:
        failures.append(f"{where}: check-config rejects the example (exit {proc.returncode}):\n"
                        + "\n".join(errors or [proc.stderr]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--simulator", required=True)
    parser.add_argument("--fixtures", required=True)
    a = parser.parse_args()
    docs = [os.path.join(a.source, "README.md")] + sorted(
        os.path.join(a.source, "docs", f) for f in os.listdir(os.path.join(a.source, "docs"))
        if f.endswith(".md"))
    box = Sandbox(a.gateway, a.simulator, a.fixtures)
    failures, counts = [], {"run": 0, "exists": 0, "yaml": 0}
    try:
        # The checks themselves: an invented flag, a rejected example and an unknown program
        # must each be reported, or this test would pass on anything.
        probe = []
        check_command("dicom-gateway route --explain FILE.dcm", a.source, box, "probe", probe, dict(counts))
        check_yaml("dicom:\n  port: 99999\n", box, "probe", probe, dict(counts))
        check_command("frobnicate --all", a.source, box, "probe", probe, dict(counts))
        if len(probe) != 3:
            failures.append(f"the checker missed a planted error: {probe}")
        for doc in docs:
            rel = os.path.relpath(doc, a.source)
            for line, lang, text in code_blocks(doc):
                where = f"{rel}:{line}"
                if lang == "yaml" or (lang == "indented" and re.match(r"^[a-z_]+:\s*(#.*)?$", text.split("\n")[0])):
                    if not rel.endswith("routing.md"):  # routing.md's examples: docs_examples_test
                        check_yaml(text, box, where, failures, counts)
                elif lang in ("sh", "bash", "console", "shell", "indented"):
                    if re.search(r"(^|[;\s])(done|fi)\s*$", text, re.M):
                        # A small script: it must parse; its programs must exist.
                        counts["exists"] += 1
                        parsed = subprocess.run(["bash", "-n"], input=text, text=True,
                                                capture_output=True)
                        if parsed.returncode != 0:
                            failures.append(f"{where}: the script does not parse: {parsed.stderr}")
                        continue
                    for command in shell_commands(text):
                        check_command(command, a.source, box, where, failures, counts)
    finally:
        box.close()
    print(f"docs: ran {counts['run']} commands, found {counts['exists']} programs and scripts, "
          f"loaded {counts['yaml']} configuration examples")
    for failure in failures:
        print("FAIL " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
