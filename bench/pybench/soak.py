"""bench/soak: many short associations against the release gateway while the Viewer API
simulator fails now and then; threads, descriptors and RSS sampled at quiet points; every
study checked registered exactly once at the simulator and in the gateway's database.

The plan (instances per association, which study each instance belongs to, when faults are
injected) comes from a seeded random generator; UIDs are fresh (`2.25.<uuid>`) every run.
"""
import collections
import datetime
import json
import os
import platform
import random
import shutil
import ssl
import subprocess
import sys
import time
import urllib.request

from . import corpus, procstat, receivers

COLUMNS, ROWS = 64, (12, 150)          # corpus B's geometry: 2.3-20 KB per instance
DESCRIPTION = "CT CHEST SOAK"          # matches config/local.yaml's ct-urgent rule
API_PREFIX = "/v1/viewer/studies"
MAX_IN_FLIGHT = 4                      # receivers.Gateway's default: the HTTPS pool's bound


# --- plan --------------------------------------------------------------------------------

class Study:
    def __init__(self, number):
        self.number = number
        self.uid, self.series = corpus.new_uid(), corpus.new_uid()
        self.patient = "SOAK^STUDY^%d" % number
        self.instances = 0


def make_plan(associations, seed, new_share=0.7, earlier_share=0.2):
    """[(association, [(study, count), ...]), ...]: 1-5 instances per association; an
    association carries a new study (new_share), instances of an earlier study
    (earlier_share), or both (the rest; a single instance goes to a new study)."""
    rng = random.Random(seed)
    studies, plan = [], []
    for a in range(associations):
        n = rng.randint(1, 5)
        roll = rng.random()
        parts = []
        if roll < new_share or not studies or (roll >= new_share + earlier_share and n == 1):
            kind = "new"
        elif roll < new_share + earlier_share:
            kind = "earlier"
        else:
            kind = "both"
        if kind in ("new", "both"):
            s = Study(len(studies))
            studies.append(s)
        if kind == "new":
            parts.append((s, n))
        elif kind == "earlier":
            parts.append((studies[rng.randrange(len(studies))], n))
        else:
            k = rng.randint(1, n - 1)
            older = studies[rng.randrange(len(studies) - 1)]
            parts += [(s, k), (older, n - k)]
        plan.append((a, parts))
    return studies, plan


def write_instances(root, plan, seed):
    """One folder per association, its files relative to `root`; returns files per
    association and the total of instances and bytes."""
    rng = random.Random(seed + 1)
    block = bytes(range(256)) * (COLUMNS * ROWS[1] * 2 // 256 + 1)
    view = memoryview(block)
    files, count, total = [], 0, 0
    for a, parts in plan:
        folder = "a%05d" % a
        os.makedirs(os.path.join(root, folder))
        names = []
        for study, n in parts:
            for _ in range(n):
                study.instances += 1
                count += 1
                rows = rng.randint(*ROWS)
                head = corpus.header(study.uid, study.series, corpus.new_uid(), rows, COLUMNS,
                                     study.instances, DESCRIPTION, study.patient)
                name = "%s/i%d.dcm" % (folder, len(names))
                with open(os.path.join(root, name), "wb") as out:
                    out.write(head)
                    out.write(view[:rows * COLUMNS * 2])
                names.append(name)
                total += len(head) + rows * COLUMNS * 2
        files.append(names)
    return files, count, total


# --- the gateway process -----------------------------------------------------------------

def fd_kinds(pid):
    kinds = collections.Counter()
    try:
        names = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return None, {}
    for name in names:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, name))
        except OSError:
            continue
        if target.startswith("socket:"):
            kinds["socket"] += 1
        elif target.startswith("pipe:"):
            kinds["pipe"] += 1
        elif target.startswith("anon_inode:"):
            kinds[target[len("anon_inode:"):].strip("[]")] += 1
        elif target.endswith((".db", ".db-wal", ".db-shm")):
            kinds["database"] += 1
        elif "/spool/" in target:
            kinds["spool"] += 1
        else:
            kinds["other file"] += 1
    return len(names), dict(kinds)


def sample(pid, sim_port):
    fds, kinds = fd_kinds(pid)
    return dict(threads=procstat.status_kib(pid, "Threads"), fds=fds, fd_kinds=kinds,
                rss_kib=procstat.status_kib(pid, "VmRSS"),
                rss_anon_kib=procstat.status_kib(pid, "RssAnon"),
                hwm_kib=procstat.status_kib(pid, "VmHWM"),
                api_connections=len(procstat.connected_clients(sim_port)),
                cpu_s=procstat.cpu_seconds(pid))


# --- the simulator -------------------------------------------------------------------------

def api_get(sim, target):
    context = ssl.create_default_context(cafile=sim.cert)
    request = urllib.request.Request("https://127.0.0.1:%d%s" % (sim.port, target),
                                     headers={"Authorization": "Bearer " + receivers.API_KEY})
    with urllib.request.urlopen(request, context=context, timeout=60) as answer:
        return json.load(answer)


def simulator_studies(sim):
    """Every study the simulator holds, walking GET /v1/viewer/studies 100 at a time."""
    out, cursor = [], None
    while True:
        target = API_PREFIX + "?limit=100" + ("&cursor=" + cursor if cursor else "")
        page = api_get(sim, target)
        out += page["data"]
        if not page["hasMore"]:
            return out
        cursor = page["cursor"]


# --- the run -------------------------------------------------------------------------------

class Soak:
    def __init__(self, args, root):
        self.args, self.root = args, root
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.out = os.path.abspath(args.out or "/tmp/gw-soak-%s" % stamp)
        self.data = os.path.join(self.out, "data")
        os.makedirs(self.data)
        self.bin = os.path.join(args.build_dir, "src", "app", "dicom-gateway")
        self.sim_exe = os.path.join(args.build_dir, "tools", "viewer_simulator",
                                    "viewer-simulator")
        self.rng = random.Random(args.seed + 2)
        self.faults = collections.Counter()
        self.samples, self.notes, self.codes = [], [], collections.Counter()

    def note(self, text):
        print("note:", text, flush=True)
        self.notes.append(text)

    def machine(self):
        def sh(cmd):
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        return dict(nproc=os.cpu_count(), kernel=platform.release(),
                    cpu=sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
                    dcmtk=sh("storescu --version | head -1"),
                    gateway_commit=sh("git -C %s rev-parse --short HEAD" % self.root),
                    gateway_binary_built=datetime.datetime.fromtimestamp(
                        os.path.getmtime(self.bin)).isoformat(timespec="seconds"),
                    uncommitted_source_files=sh("git -C %s status --short -- src include "
                                                "| wc -l" % self.root))

    # faults ------------------------------------------------------------------------------

    def fault(self, kind, body):
        body = dict(body, only_path_prefix=API_PREFIX)
        self.gateway.simulator.control("POST", "faults", body)
        self.faults[kind] += 1

    def maybe_fault(self, new_studies):
        """Per new study, with probability --fail-rate, one failed answer: 503 (70%), 429 with
        Retry-After: 1 (15%), or the connection closed without an answer (15%)."""
        for _ in range(new_studies):
            if self.rng.random() >= self.args.fail_rate:
                continue
            roll = self.rng.random()
            if roll < 0.70:
                self.fault("503", {"status": 503, "count": 1})
            elif roll < 0.85:
                self.fault("429", {"status": 429, "retry_after": "1", "count": 1})
            else:
                self.fault("drop", {"drop": True, "count": 1})

    # sending -----------------------------------------------------------------------------

    def launch(self, names):
        return subprocess.Popen(["storescu", "-aet", "SOAK", "-aec", self.gateway.aet, "-pdu",
                                 "131072", "127.0.0.1", str(self.gateway.port)] + names,
                                cwd=self.data, env=self.sender_env, stdout=self.sender_log,
                                stderr=subprocess.STDOUT)

    def reap(self, running, block):
        while running:
            still = []
            for p in running:
                code = p.poll()
                if code is None:
                    still.append(p)
                else:
                    self.codes[code] += 1
            running[:] = still
            if not block or not running:
                return
            time.sleep(0.003)

    def registered(self):
        return self.gateway.registered()

    def catch_up(self, studies, timeout):
        """Until the gateway's database says `studies` studies are registered."""
        t = time.monotonic()
        while time.monotonic() - t < timeout:
            if self.gateway.proc.poll() is not None:
                raise SystemExit("bench/soak: the gateway exited with %s"
                                 % self.gateway.proc.returncode)
            if self.registered() >= studies:
                return time.monotonic() - t
            time.sleep(0.05)
        return None

    def take_sample(self, associations, studies_so_far, instances_so_far, t0):
        self.reap(self.running, block=True)
        waited = self.catch_up(studies_so_far, self.args.catch_up_timeout)
        if waited is None:
            self.note("after %d associations: %d of %d studies registered after %d s"
                      % (associations, self.registered(), studies_so_far,
                         self.args.catch_up_timeout))
        time.sleep(self.args.settle)
        s = sample(self.gateway.pid, self.gateway.simulator.port)
        s.update(associations=associations, studies_sent=studies_so_far,
                 instances_sent=instances_so_far, registered=self.registered(),
                 catch_up_s=None if waited is None else round(waited, 2),
                 elapsed_s=round(time.monotonic() - t0, 1),
                 simulator_rss_kib=procstat.status_kib(self.gateway.simulator.proc.pid,
                                                       "VmRSS"))
        self.samples.append(s)
        print("%6d assoc %6.0f s  threads %3s  fds %3s %s  RSS %7.2f MiB (anon %7.2f)  "
              "api conns %d  registered %d/%d  catch-up %s s"
              % (associations, s["elapsed_s"], s["threads"], s["fds"],
                 json.dumps(s["fd_kinds"], sort_keys=True), s["rss_kib"] / 1024,
                 s["rss_anon_kib"] / 1024, s["api_connections"], s["registered"],
                 studies_so_far, s["catch_up_s"]), flush=True)

    def soak(self, plan, files):
        a = self.args
        self.sender_env = dict(os.environ, TCP_NODELAY="1")
        self.sender_log = open(os.path.join(self.out, "storescu.log"), "ab")
        self.running = []
        seen = set()
        studies_so_far = instances_so_far = 0
        t0 = time.monotonic()
        self.take_sample(0, 0, 0, t0)
        block_burst = block_hang = None
        for i, (assoc, parts) in enumerate(plan):
            if i % a.sample_every == 0:   # where in this block the outage and the hang fall
                block_burst = i + self.rng.randrange(a.sample_every // 5,
                                                     max(a.sample_every // 5 + 1,
                                                         a.sample_every * 3 // 5))
                block_hang = i + self.rng.randrange(a.sample_every // 10 + 1,
                                                    max(a.sample_every // 10 + 2,
                                                        a.sample_every * 4 // 5))
            while len(self.running) >= a.parallel:
                self.reap(self.running, block=False)
                if len(self.running) >= a.parallel:
                    time.sleep(0.002)
            new = 0
            for study, n in parts:
                if study.uid not in seen:
                    seen.add(study.uid)
                    new += 1
            studies_so_far += new
            instances_so_far += len(files[i])
            self.maybe_fault(new)
            if i == block_burst and a.outage_requests:
                self.fault("outage (burst of %d x 503)" % a.outage_requests,
                           {"status": 503, "count": a.outage_requests})
            if i == block_hang and a.hangs:
                self.fault("hang (until viewer_api.timeout)", {"hang": True, "count": 1})
            self.running.append(self.launch(files[i]))
            if (i + 1) % a.sample_every == 0 or i + 1 == len(plan):
                self.take_sample(i + 1, studies_so_far, instances_so_far, t0)
        self.reap(self.running, block=True)
        self.sender_log.close()
        return time.monotonic() - t0

    # checks ------------------------------------------------------------------------------

    def check(self, studies, instances_sent):
        sim_studies = simulator_studies(self.gateway.simulator)
        by_uid = collections.Counter(s["studyInstanceUid"] for s in sim_studies)
        sent = {s.uid: s for s in studies}
        missing = [u for u in sent if by_uid[u] == 0]
        duplicated = {u: c for u, c in by_uid.items() if c > 1}
        unknown = [u for u in by_uid if u not in sent]
        sim_id = {s["studyInstanceUid"]: s["studyId"] for s in sim_studies}

        rows = self.gateway.query("SELECT study_instance_uid, state, study_id, instances, "
                                  "attempts FROM studies")
        states = collections.Counter(r[1] for r in rows)
        db = {r[0]: r for r in rows}
        not_registered = [u for u in sent if u not in db or db[u][1] != "registered"]
        wrong_id = [u for u in sent if u in db and u in sim_id and db[u][2] != sim_id[u]]
        wrong_count = [u for u in sent if u in db and db[u][3] != sent[u].instances]
        stored = self.gateway.stored()
        attempts = collections.Counter()
        for (n,) in self.gateway.query("SELECT attempts FROM studies"):
            attempts[n] += 1
        outcomes = dict(self.gateway.query("SELECT outcome || ' ' || http_status, COUNT(*) "
                                           "FROM attempts GROUP BY 1"))

        log = []
        context = ssl.create_default_context(cafile=self.gateway.simulator.cert)
        request = urllib.request.Request(
            "https://127.0.0.1:%d/_sim/requests" % self.gateway.simulator.port,
            headers={"Authorization": "Bearer " + receivers.API_KEY})
        with urllib.request.urlopen(request, context=context, timeout=120) as answer:
            log = json.load(answer)
        statuses = collections.Counter("%s %s" % (r["method"], r["status"]) for r in log)
        # the gateway's POSTs (the GETs are this script's own listing above)
        api = [r for r in log if r["target"].startswith(API_PREFIX) and r["method"] == "POST"]
        failed = [r for r in api if not 200 <= r["status"] < 300]
        created = collections.Counter()
        for r in api:
            if r["method"] == "POST" and r["status"] == 201:
                try:
                    created[json.loads(r["body"])["studyInstanceUid"]] += 1
                except (ValueError, KeyError):
                    pass
        keys = collections.defaultdict(set)
        for r in api:
            if r["method"] == "POST":
                try:
                    keys[json.loads(r["body"])["studyInstanceUid"]].add(r["idempotency_key"])
                except (ValueError, KeyError):
                    pass
        return dict(
            studies_sent=len(sent), instances_sent=instances_sent,
            simulator_studies=len(sim_studies), simulator_distinct_uids=len(by_uid),
            missing_at_simulator=len(missing), duplicated_at_simulator=len(duplicated),
            unknown_at_simulator=len(unknown),
            gateway_states=dict(states), gateway_not_registered=len(not_registered),
            gateway_instances_stored=stored, study_id_mismatches=len(wrong_id),
            instance_count_mismatches=len(wrong_count),
            attempts_per_study=dict(sorted(attempts.items())), attempt_outcomes=outcomes,
            api_requests=len(api), api_requests_failed=len(failed),
            api_failure_rate=round(len(failed) / len(api), 4) if api else None,
            simulator_answers=dict(statuses),
            posts_created_201_per_uid_max=max(created.values()) if created else 0,
            uids_with_more_than_one_idempotency_key=sum(1 for k in keys.values() if len(k) > 1),
            examples=dict(missing=missing[:5], duplicated=list(duplicated)[:5],
                          not_registered=not_registered[:5]))

    def verdict(self, counts):
        s = [x for x in self.samples if x["associations"] > 0]
        if len(s) < 3:
            return dict(flat=None, reason="fewer than 3 samples: no verdict"), False
        ref, last = s[1], s[-1]
        rss_growth = (last["rss_kib"] - ref["rss_kib"]) / 1024
        rss_limit = max(self.args.rss_limit_mib, ref["rss_kib"] / 1024 * 0.05)
        post = s[1:]
        flat = dict(reference_associations=ref["associations"],
                    last_associations=last["associations"],
                    threads_equal=last["threads"] == ref["threads"],
                    # The HTTPS keep-alive pool holds 0..max_in_flight connections to the
                    # simulator, whichever the last requests needed: compared apart.
                    fds_equal=last["fds"] - last["api_connections"]
                    == ref["fds"] - ref["api_connections"],
                    fds_raw_equal=last["fds"] == ref["fds"],
                    api_connections_max=max(x["api_connections"] for x in post),
                    api_connections_ok=max(x["api_connections"] for x in post) <= MAX_IN_FLIGHT,
                    rss_growth_mib=round(rss_growth, 2), rss_limit_mib=round(rss_limit, 2),
                    rss_ok=rss_growth < rss_limit,
                    threads_range=[min(x["threads"] for x in post),
                                   max(x["threads"] for x in post)],
                    fds_range=[min(x["fds"] for x in post), max(x["fds"] for x in post)],
                    rss_mib_range=[round(min(x["rss_kib"] for x in post) / 1024, 2),
                                   round(max(x["rss_kib"] for x in post) / 1024, 2)])
        flat["flat"] = (flat["threads_equal"] and flat["fds_equal"] and flat["api_connections_ok"]
                        and flat["rss_ok"])
        once = (counts["missing_at_simulator"] == 0 and counts["duplicated_at_simulator"] == 0
                and counts["unknown_at_simulator"] == 0 and counts["gateway_not_registered"] == 0
                and counts["study_id_mismatches"] == 0
                and counts["gateway_instances_stored"] == counts["instances_sent"]
                and counts["instance_count_mismatches"] == 0
                and counts["posts_created_201_per_uid_max"] <= 1
                and counts["uids_with_more_than_one_idempotency_key"] == 0)
        flat["registered_once"] = once
        flat["senders_all_ok"] = set(self.codes) <= {0}
        return flat, bool(flat["flat"] and once and flat["senders_all_ok"])

    def main(self, command):
        a = self.args
        started = datetime.datetime.now().isoformat(timespec="seconds")
        load_start = os.getloadavg()
        t_all = time.monotonic()
        print("bench/soak: %d associations, a sample every %d; results in %s"
              % (a.associations, a.sample_every, self.out), flush=True)
        machine = self.machine()
        studies, plan = make_plan(a.associations, a.seed)
        t = time.monotonic()
        files, instances, total = write_instances(self.data, plan, a.seed)
        gen_s = time.monotonic() - t
        print("generated %d instances (%.1f MB) in %d studies for %d associations (%.1f s)"
              % (instances, total / 1e6, len(studies), len(plan), gen_s), flush=True)
        folder = os.path.join(self.out, "gateway")
        os.makedirs(folder)
        self.gateway = receivers.Gateway(self.bin, self.sim_exe, folder, latency_ms=0,
                                         fast_retry=True)
        self.gateway.start()
        ok = False
        try:
            soak_s = self.soak(plan, files)
            t = time.monotonic()
            drained = self.catch_up(len(studies), a.catch_up_timeout)
            final_wait = time.monotonic() - t
            if drained is None:
                self.note("not every study registered %d s after the last association"
                          % a.catch_up_timeout)
            counts = self.check(studies, instances)
            flat, ok = self.verdict(counts)
            result = dict(
                command=command, started=started, machine=machine,
                load_start=load_start, load_end=os.getloadavg(),
                options=dict(associations=a.associations, sample_every=a.sample_every,
                             parallel=a.parallel, seed=a.seed, fail_rate=a.fail_rate,
                             outage_requests=a.outage_requests, hangs=a.hangs,
                             settle_s=a.settle),
                gateway_config=dict(max_associations=16, max_in_flight=MAX_IN_FLIGHT,
                                    retry="initial 50ms, max 200ms", timeout="30s"),
                seconds=dict(total=round(time.monotonic() - t_all, 1),
                             generate=round(gen_s, 1), soak=round(soak_s, 1),
                             final_catch_up=round(final_wait, 1)),
                generated=dict(instances=instances, mb=round(total / 1e6, 1),
                               studies=len(studies),
                               associations_by_instances=dict(sorted(collections.Counter(
                                   len(f) for f in files).items()))),
                faults_injected=dict(self.faults), sender_exit_codes=dict(self.codes),
                samples=self.samples, counts=counts, verdict=flat, ok=ok, notes=self.notes)
            with open(os.path.join(self.out, "results.json"), "w") as f:
                json.dump(result, f, indent=1)
            text = markdown(result)
            with open(os.path.join(self.out, "results.md"), "w") as f:
                f.write(text)
            print(text, flush=True)
        finally:
            self.gateway.stop()
            for name in ("gateway.log", "simulator.log", "gateway.yaml"):
                path = os.path.join(folder, name)
                if os.path.exists(path):
                    shutil.copy(path, self.out)
            if not a.keep:
                print("deleting %s and the gateway's spool" % self.data, flush=True)
                shutil.rmtree(self.data, ignore_errors=True)
                shutil.rmtree(os.path.join(folder, "spool"), ignore_errors=True)
        return 0 if ok else 1


def markdown(r):
    m, c, v = r["machine"], r["counts"], r["verdict"]
    o = r["options"]
    out = ["## bench/soak", "",
           "`%s` — %s; %s cores (%s), kernel %s; load average at start %s, at end %s. "
           "Wall time %.0f s (generate %.0f s, associations %.0f s, final catch-up %.0f s)."
           % (r["command"], r["started"], m["nproc"], m["cpu"], m["kernel"],
              " ".join("%.2f" % x for x in r["load_start"]),
              " ".join("%.2f" % x for x in r["load_end"]), r["seconds"]["total"],
              r["seconds"]["generate"], r["seconds"]["soak"], r["seconds"]["final_catch_up"]),
           "",
           "Gateway binary built %s, HEAD %s, %s uncommitted files under src/ and include/ "
           "at the time of the run; %s."
           % (m["gateway_binary_built"], m["gateway_commit"], m["uncommitted_source_files"],
              m["dcmtk"]), "",
           "Sent: %d associations (%d storescu at a time; instances per association: %s), "
           "%d instances (%.1f MB), %d studies. Sender exit codes: %s."
           % (o["associations"], o["parallel"],
              ", ".join("%s×%s" % (k, n) for k, n in r["generated"]
                        ["associations_by_instances"].items()),
              c["instances_sent"], r["generated"]["mb"], c["studies_sent"],
              ", ".join("%s: %d" % (k, n) for k, n in r["sender_exit_codes"].items())), "",
           "Faults injected (`POST /_sim/faults`): %s. The gateway's registration POSTs: %d, "
           "of which %d failed (%.1f%%; 503, 429, dropped or hung); simulator answers: %s."
           % (", ".join("%s %d" % (k, n) for k, n in sorted(r["faults_injected"].items())),
              c["api_requests"], c["api_requests_failed"], 100 * (c["api_failure_rate"] or 0),
              ", ".join("%s: %d" % (k, n) for k, n in sorted(c["simulator_answers"].items()))),
           "",
           "| associations | elapsed s | threads | open fds | API pool | fds − pool | RSS MiB | "
           "RSS anon MiB | registered / sent | catch-up s |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for s in r["samples"]:
        out.append("| %d | %.0f | %s | %s | %d | %d | %.2f | %.2f | %d / %d | %s |"
                   % (s["associations"], s["elapsed_s"], s["threads"], s["fds"],
                      s["api_connections"], s["fds"] - s["api_connections"],
                      s["rss_kib"] / 1024, s["rss_anon_kib"] / 1024,
                      s["registered"], s["studies_sent"],
                      "–" if s["catch_up_s"] is None else "%.1f" % s["catch_up_s"]))
    out.append("")
    out.append("Descriptors by kind at the last sample: %s."
               % ", ".join("%s %d" % kv for kv in sorted(r["samples"][-1]["fd_kinds"].items())))
    out.append("")
    out.append("Registration: simulator holds %d studies (%d distinct UIDs): missing %d, "
               "duplicated %d, unknown %d; the most 201 answers for one UID: %d; UIDs POSTed "
               "under more than one idempotency key: %d. Gateway database: states %s, "
               "not registered %d, studyId differing from the simulator's %d, instances "
               "stored %d of %d, per-study instance counts differing %d."
               % (c["simulator_studies"], c["simulator_distinct_uids"],
                  c["missing_at_simulator"], c["duplicated_at_simulator"],
                  c["unknown_at_simulator"], c["posts_created_201_per_uid_max"],
                  c["uids_with_more_than_one_idempotency_key"], c["gateway_states"],
                  c["gateway_not_registered"], c["study_id_mismatches"],
                  c["gateway_instances_stored"], c["instances_sent"],
                  c["instance_count_mismatches"]))
    out.append("")
    if v.get("reference_associations") is not None:
        out.append("Verdict: %s. From %d to %d associations: threads %s (range %s), fds "
                   "besides the API keep-alive pool %s (all fds: %s, range %s; pool at most %d "
                   "of max_in_flight %d), RSS %+.2f MiB (limit %.2f; range %s MiB); registered "
                   "once: %s; every storescu exit 0: %s."
                   % ("PASS" if r["ok"] else "FAIL", v["reference_associations"],
                      v["last_associations"], "equal" if v["threads_equal"] else "DIFFER",
                      v["threads_range"], "equal" if v["fds_equal"] else "DIFFER",
                      "equal" if v["fds_raw_equal"] else "differ", v["fds_range"],
                      v["api_connections_max"], r["gateway_config"]["max_in_flight"],
                      v["rss_growth_mib"], v["rss_limit_mib"],
                      v["rss_mib_range"], v["registered_once"], v["senders_all_ok"]))
    else:
        out.append("Verdict: " + v["reason"])
    for n in r["notes"]:
        out.append("- note: " + n)
    return "\n".join(out) + "\n"
