"""Ratios, target verdicts and the Markdown table of a bench/run result."""
from pybench import flush_probe

# The noise rule of the paired trials (50 ms vs 0 ms, console open vs closed): a cell's ratio
# of means at or above this is "no measurable cost". Adjacent trials of the same cell differ by
# about 5% on this machine from their order alone (docs/performance.md, issue 17), and the
# 50 ms simulator target is the same 0.95x.
PAIRED_NOISE = 0.95


def percentile(values, p):
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def progress_line(row):
    extra = ""
    if row["receiver"] == "gateway":
        lat = row.get("registration_latency_ms") or []
        extra = " reg p50 %s ms (n=%d) sim %d ms" % (percentile(lat, 50), len(lat),
                                                     row["simulator_latency_ms"])
    if "console_events" in row:
        extra += " console: %d events, %d polls" % (row["console_events"], row["console_polls"])
    return ("%-8s %s x%d %-7s %6d inst %7.2f s %8.1f inst/s %7.1f MB/s %7.3f CPU ms/inst "
            "%6.1f MiB%s" % (row["receiver"], row["corpus"], row["associations"],
                             "nodelay" if row["sender_nodelay"] else "nagle", row["instances"],
                             row["seconds"], row["instances_per_s"], row["mb_per_s"],
                             row["cpu_ms_per_instance"], row["peak_rss_mib"], extra))


def _key(row):
    return (row["corpus"], row["sender_nodelay"], row["associations"])


def _matrix(result):
    """(corpus, nodelay, associations) -> receiver -> row, simulator at 0 ms only."""
    table = {}
    for row in result["cells"]:
        if row.get("simulator_latency_ms", 0) == 0 and row.get("label") not in ("paired",
                                                                                "console"):
            table.setdefault(_key(row), {})[row["receiver"]] = row
    return table


def _ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def summarize(result):
    table = _matrix(result)
    ratios = []
    for key, by in sorted(table.items()):
        g = by.get("gateway")
        if not g:
            continue
        entry = dict(corpus=key[0], sender_nodelay=key[1], associations=key[2])
        for peer in ("storescp", "orthanc"):
            p = by.get(peer)
            if p:
                entry["throughput_vs_" + peer] = _ratio(g["instances_per_s"], p["instances_per_s"])
                entry["cpu_vs_" + peer] = _ratio(g["cpu_ms_per_instance"], p["cpu_ms_per_instance"])
        # The physical limit of gateway/storescp (issue 21): one flush per instance on top of
        # storescp's time with one synchronous sender; storescp itself with several.
        probe = (result["machine"].get("flush_probes") or {}).get(key[0])
        p = by.get("storescp")
        if probe and p:
            limit = (flush_probe.limit_at_one_association(p["instances_per_s"],
                                                          probe["floor"]["median_ms"])
                     if key[2] == 1 else 1.0)
            entry["limit"] = round(limit, 2)
            if entry.get("throughput_vs_storescp") is not None:
                entry["throughput_vs_limit"] = round(
                    g["instances_per_s"] / p["instances_per_s"] / limit, 2)
        ratios.append(entry)
    lat0 = [v for r in result["cells"] if r["receiver"] == "gateway"
            and r.get("simulator_latency_ms") == 0 and r["sender_nodelay"]
            and r.get("label") != "console"
            and r["corpus"] in ("A", "B") for v in r.get("registration_latency_ms", [])]
    lat50 = [v for r in result["cells"] if r["receiver"] == "gateway"
             and r.get("simulator_latency_ms") == 50 for v in r.get("registration_latency_ms", [])]
    # Paired trials (0, 50, 50, 0 ms, adjacent): mean rate at 50 ms over mean rate at 0 ms.
    pairs = {}
    for r in result["cells"]:
        if r["receiver"] == "gateway" and r.get("label") == "paired":
            by = pairs.setdefault((r["corpus"], r["associations"], r["instances"]), {})
            by.setdefault(r["simulator_latency_ms"], []).append(r["instances_per_s"])
    slow = []
    for (corpus, associations, instances), by in sorted(pairs.items()):
        if by.get(0) and by.get(50):
            at_0, at_50 = sum(by[0]) / len(by[0]), sum(by[50]) / len(by[50])
            slow.append(dict(corpus=corpus, associations=associations, instances=instances,
                             at_0ms=round(at_0, 1), at_50ms=round(at_50, 1),
                             trials_0ms=by[0], trials_50ms=by[50],
                             ratio=_ratio(at_50, at_0)))
    rss = {}
    for key, by in table.items():
        if "gateway" in by and key[1]:
            rss[(key[0], key[2])] = by["gateway"]["peak_rss_mib"]
    most = max(k[1] for k in rss) if rss else None
    return dict(ratios=ratios, console=console_pairs(result),
                latency_0ms=dict(n=len(lat0), p50=percentile(lat0, 50), p99=percentile(lat0, 99)),
                latency_50ms=dict(n=len(lat50), p50=percentile(lat50, 50),
                                  p99=percentile(lat50, 99)),
                throughput_50ms_vs_0ms=slow,
                gateway_peak_rss_mib={"%s x%d" % k: v for k, v in sorted(rss.items())},
                most_associations=most, fleet=fleet_summary(result.get("fleet") or []))


def _mean(values):
    return sum(values) / len(values) if values else None


def console_pairs(result):
    """Per corpus x associations: the console-phase trials (off, on, on, off) compared."""
    cells = {}
    for r in result["cells"]:
        if r["receiver"] == "gateway" and r.get("label") == "console":
            by = cells.setdefault((r["corpus"], r["associations"], r["instances"]),
                                  {False: [], True: []})
            by[bool(r.get("console"))].append(r)
    out = []
    for (corpus, associations, instances), by in sorted(cells.items()):
        off, on = by[False], by[True]
        if not off or not on:
            continue
        rate_off = _mean([r["instances_per_s"] for r in off])
        rate_on = _mean([r["instances_per_s"] for r in on])
        cpu_off = _mean([r["cpu_ms_per_instance"] for r in off])
        cpu_on = _mean([r["cpu_ms_per_instance"] for r in on])
        lat_off = [v for r in off for v in r.get("registration_latency_ms", [])]
        lat_on = [v for r in on for v in r.get("registration_latency_ms", [])]
        out.append(dict(
            corpus=corpus, associations=associations, instances=instances,
            trials_off=[r["instances_per_s"] for r in off],
            trials_on=[r["instances_per_s"] for r in on],
            off_inst_per_s=round(rate_off, 1), on_inst_per_s=round(rate_on, 1),
            # how far apart two trials of the same kind were: the noise this cell shows
            spread=round(max(max(v) / min(v) - 1 for v in (
                [r["instances_per_s"] for r in off], [r["instances_per_s"] for r in on])), 3),
            ratio=_ratio(rate_on, rate_off), ratio_3=round(rate_on / rate_off, 3),
            cpu_ms_off=round(cpu_off, 3), cpu_ms_on=round(cpu_on, 3),
            cpu_ratio=_ratio(cpu_on, cpu_off),
            reg_p50_ms_off=percentile(lat_off, 50), reg_p50_ms_on=percentile(lat_on, 50),
            events=[r.get("console_events") for r in on],
            polls=[r.get("console_polls") for r in on],
            seconds_on=[r["seconds"] for r in on],
            watched=all(r.get("console_watched") for r in on),
            complete=all(r["stored"] == r["instances"] and not any(r["sender_exit_codes"])
                         and r.get("registered_all", True) for r in off + on)))
    return out


def console_verdict(pairs):
    """One line: no measurable cost when every cell's ratio of means is >= PAIRED_NOISE."""
    if not pairs:
        return None
    below = [p for p in pairs if p["ratio_3"] < PAIRED_NOISE]
    worst = min(pairs, key=lambda p: p["ratio_3"])
    proven = all(p["watched"] for p in pairs)
    text = ("no measurable ingest cost (every cell >= %.2fx; lowest %s x%d %.2fx)"
            % (PAIRED_NOISE, worst["corpus"], worst["associations"], worst["ratio_3"])
            if not below else
            "a cost beyond the noise rule in %s (< %.2fx)"
            % (", ".join("%s x%d %.2fx, trials of one kind %.0f%% apart"
                         % (p["corpus"], p["associations"], p["ratio_3"], 100 * p["spread"])
                         for p in below), PAIRED_NOISE))
    if not proven:
        text += "; but the watchers did not read every event or poll every second (see notes)"
    return text


def _fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return ("%." + str(digits) + "f") % v
    return str(v)


def console_table(pairs):
    """'Console open vs closed': Markdown lines, none without console trials."""
    if not pairs:
        return []
    out = ["Console open vs closed (gateway, NODELAY sender, simulator 0 ms; adjacent trials "
           "off, on, on, off; \"on\" = `GET /api/v1/events` read to the end and a page polling "
           "`/api/v1/studies?limit=50` and `/api/v1/status` once per second):", "",
           "| corpus | assoc | inst | closed inst/s (trials) | open inst/s (trials) | "
           "open/closed | same-kind spread | CPU ms/inst closed → open | reg p50 ms closed → open | "
           "events read (open trials) | polls (open trials, s) |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in pairs:
        flag = "" if p["complete"] else " ⚠"
        out.append("| %s | %d | %d | %s (%s) | %s (%s) | %s%s | %.0f%% | %s → %s | %s → %s | %s | %s |" % (
            p["corpus"], p["associations"], p["instances"], _fmt(p["off_inst_per_s"]),
            ", ".join(_fmt(v) for v in p["trials_off"]), _fmt(p["on_inst_per_s"]),
            ", ".join(_fmt(v) for v in p["trials_on"]), _fmt(p["ratio_3"], 2), flag,
            100 * p["spread"],
            _fmt(p["cpu_ms_off"], 3), _fmt(p["cpu_ms_on"], 3), _fmt(p["reg_p50_ms_off"]),
            _fmt(p["reg_p50_ms_on"]), ", ".join(str(v) for v in p["events"]),
            ", ".join("%s (%.1f s)" % (n, t) for n, t in zip(p["polls"], p["seconds_on"]))))
    out += ["", "Console verdict (open/closed inst/s, ratio of the means; >= %.2fx counts as no "
            "measurable cost, the noise of adjacent trials here): %s."
            % (PAIRED_NOISE, console_verdict(pairs)), ""]
    return out


FLEET_CELLS = ("sqlite", "postgres", "fleet")
FLEET_LABELS = {"sqlite": "1 node, SQLite", "postgres": "1 node, PostgreSQL",
                "fleet": "3 nodes, PostgreSQL, HAProxy"}


def fleet_summary(rows):
    """Per corpus x cell: the trials' rates, their mean, pooled latencies, mean CPU by part,
    and the exactly-once count; per corpus the shared store's CPU cost per instance."""
    cells, failed = {}, []
    for r in rows:
        if "error" in r:
            failed.append("%s %s: %s" % (r["corpus"], r["cell"], r["error"]))
            continue
        cells.setdefault((r["corpus"], r["cell"]), []).append(r)
    out = []
    for (corpus, kind), trials in sorted(cells.items(),
                                         key=lambda kv: (kv[0][0], FLEET_CELLS.index(kv[0][1]))):
        lat = [v for r in trials for v in r["registration_latency_ms"]]
        parts = {}
        for r in trials:
            for k, v in r["cpu_ms_per_instance_by"].items():
                parts.setdefault(k, []).append(v)
        store = {}
        for r in trials:
            for k, v in (r.get("store_per_instance") or {}).items():
                store.setdefault(k, []).append(v)
        conns = {}
        for r in trials:
            for name, v in (r.get("store_connections") or {}).items():
                conns.setdefault(name, set()).add(int(v))
        per_node = {}
        for r in trials:
            for name, v in r["per_node"].items():
                per_node.setdefault(name, []).append(v.get("instances_received"))
        out.append(dict(
            corpus=corpus, cell=kind, nodes=trials[0]["nodes"],
            associations=trials[0]["associations"], instances=trials[0]["instances"],
            studies=trials[0]["studies"],
            split=trials[0].get("studies_over_several_associations"), trials=[r["instances_per_s"] for r in trials],
            inst_per_s=round(_mean([r["instances_per_s"] for r in trials]), 1),
            reg_p50_ms=percentile(lat, 50), reg_p99_ms=percentile(lat, 99), reg_n=len(lat),
            cpu_ms=round(_mean([r["cpu_ms_per_instance"] for r in trials]), 3),
            cpu_ms_by={k: round(_mean(v), 3) for k, v in parts.items()},
            store_per_instance={k: round(_mean(v), 2) for k, v in store.items()},
            store_connections={k: sorted(v) for k, v in sorted(conns.items())},
            cores_busy=[r.get("cores_busy") for r in trials],
            other_cores_busy=[r.get("other_cores_busy") for r in trials],
            sender_ms=round(_mean([r["not_counted_cpu_ms_per_instance"]["storescu"]
                                   for r in trials]), 3)
            if all("not_counted_cpu_ms_per_instance" in r for r in trials) else None,
            exactly_once=sum(r["posts"]["exactly_once"] for r in trials),
            studies_sent=sum(r["studies"] for r in trials),
            instances_per_node={k: v for k, v in sorted(per_node.items())},
            complete=all(r["stored"] == r["instances"] and not any(r["sender_exit_codes"])
                         and r["registered_all"] for r in trials)))
    store_cost = {}
    for corpus in sorted({e["corpus"] for e in out}):
        by = {e["cell"]: e for e in out if e["corpus"] == corpus}
        if "sqlite" in by and "postgres" in by:
            store_cost[corpus] = dict(
                cpu_ms=round(by["postgres"]["cpu_ms"] - by["sqlite"]["cpu_ms"], 3),
                gateway_ms=round(by["postgres"]["cpu_ms_by"]["gateways"]
                                 - by["sqlite"]["cpu_ms_by"]["gateways"], 3),
                postgres_ms=by["postgres"]["cpu_ms_by"].get("postgres"))
    settings = next((r["postgres"] for r in rows if r.get("postgres")), None)
    return dict(cells=out, store_cost=store_cost, failed=failed, postgres=settings)


def fleet_limits(cells):
    """The note on what limits the fleet on this machine, with the run's own figures."""
    by = {(e["corpus"], e["cell"]): e for e in cells}
    figures, waits = [], []
    for corpus in sorted({e["corpus"] for e in cells}):
        got = [by.get((corpus, k)) for k in FLEET_CELLS]
        if not all(got) or not all(e["cores_busy"] and None not in e["cores_busy"] for e in got):
            continue
        s, p, f = got
        figures.append(
            "corpus %s: cores busy (every process's CPU, storescu and the simulator included, "
            "from the send to the last registration) %s one node on SQLite, %s on PostgreSQL, %s three nodes; the "
            "store's commits per instance %s with one node, %s with three"
            % (corpus, _fmt(_mean(s["cores_busy"]), 2), _fmt(_mean(p["cores_busy"]), 2),
               _fmt(_mean(f["cores_busy"]), 2),
               _fmt(p["store_per_instance"].get("commits"), 2),
               _fmt(f["store_per_instance"].get("commits"), 2)))
        if _mean(p["cores_busy"]) < _mean(s["cores_busy"]) - 0.2 \
                and p["inst_per_s"] < s["inst_per_s"]:
            waits.append(corpus)
    text = ("What limits three nodes here: the machine has 2 cores and one disk, shared by "
            "the three gateways, PostgreSQL, HAProxy, six storescu and the simulator. Three "
            "nodes add no core and no disk, only a proxy hop, three processes' fixed costs and "
            "several writers on the one store: they cannot be faster than one node on "
            "this machine, and the cell shows that every study is registered once and what "
            "that costs, not how a fleet scales (that needs a core and a disk per node).")
    if figures:
        text += " Measured: " + "; ".join(figures) + "."
    others = [v for e in cells for v in e.get("other_cores_busy") or [] if v is not None]
    if others:
        text += (" Other work on the machine (its /proc/stat busy time minus this run's) "
                 "took %s–%s cores during the cells (the table's last column, per trial)."
                 % (_fmt(min(others), 2), _fmt(max(others), 2)))
        totals = [a + b for e in cells for a, b in zip(e["cores_busy"], e["other_cores_busy"])
                  if a is not None and b is not None]
        full = sum(1 for t in totals if t >= 1.8)
        text += (" This run and the other work together kept %d of %d trials at 1.8 cores or "
                 "more of the 2: there the cores set the pace, and a cell's rate roughly follows "
                 "the CPU it spends per instance, the store's and the senders' included." % (full,
                                                                                  len(totals)))
    if waits:
        text += (" In corpus %s one node on PostgreSQL was slower than on SQLite with fewer "
                 "cores busy: it waited on the store (a round trip per statement and a durable "
                 "commit, a WAL flush on the spool's disk), not on CPU."
                 % " and ".join(waits))
    return [text, ""]


def fleet_table(f):
    """'Fleet': Markdown lines, none without fleet cells."""
    if not f or not (f["cells"] or f["failed"]):
        return []
    out = ["Fleet (issue 19): the same corpus into one node on SQLite, one node on PostgreSQL, "
           "and three nodes on one PostgreSQL behind HAProxy (TCP mode, round robin per "
           "connection); storescu with TCP_NODELAY=1 (HAProxy sets TCP_NODELAY on both of its "
           "sockets, the gateway on its own), simulator 0 ms shared by every node. CPU counts "
           "every receiving process: the gateways, PostgreSQL's postmaster with all its "
           "children (backends, checkpointer, WAL writer, background writer, autovacuum), "
           "HAProxy; not storescu, not the simulator. Latency: first instance durable → "
           "registered, from the state. Exactly once: POSTs per StudyInstanceUID counted at the "
           "simulator, each must be 1.", ""]
    if f.get("postgres"):
        p = f["postgres"]
        out += ["PostgreSQL %s, initdb defaults (a fresh cluster per cell, trust "
                "authentication over 127.0.0.1): fsync %s, synchronous_commit %s, "
                "full_page_writes %s, wal_sync_method %s — every commit is durable, as the "
                "shared store must be." % (p.get("server_version"), p.get("fsync"),
                                           p.get("synchronous_commit"),
                                           p.get("full_page_writes"),
                                           p.get("wal_sync_method")), ""]
    if f["cells"]:
        out += ["| corpus | cell | assoc | inst (studies, over 2+ assoc) | inst/s (trials) | vs 1 node SQLite | reg p50 ms "
                "| reg p99 ms | CPU ms/inst | gateways | PostgreSQL | HAProxy | PG commits, WAL "
                "flushes, WAL KB per inst | exactly once | instances per node | store "
                "connections per node | storescu CPU ms/inst (not counted) | cores busy: this "
                "run / other work (trials) |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        base = {e["corpus"]: e["inst_per_s"] for e in f["cells"] if e["cell"] == "sqlite"}
        for e in f["cells"]:
            flag = "" if e["complete"] else " ⚠"
            once = "%d/%d" % (e["exactly_once"], e["studies_sent"])
            if e["exactly_once"] != e["studies_sent"]:
                once = "**%s ✗**" % once
            st = e["store_per_instance"]
            store = ("%.2f, %.2f, %.1f" % (st["commits"], st["wal_syncs"], st["wal_bytes"] / 1e3)
                     if st else "–")
            out.append("| %s | %s | %d | %s | %s (%s)%s | %s | %s | %s | %s | %s | %s | %s | %s "
                       "| %s | %s | %s | %s | %s |" % (
                           e["corpus"], FLEET_LABELS[e["cell"]], e["associations"],
                           "%d (%d, %s)" % (e["instances"], e["studies"], _fmt(e["split"])),
                           _fmt(e["inst_per_s"]),
                           ", ".join(_fmt(v) for v in e["trials"]), flag,
                           _fmt(_ratio(e["inst_per_s"], base.get(e["corpus"])), 2),
                           _fmt(e["reg_p50_ms"]), _fmt(e["reg_p99_ms"]), _fmt(e["cpu_ms"], 3),
                           _fmt(e["cpu_ms_by"].get("gateways"), 3),
                           _fmt(e["cpu_ms_by"].get("postgres"), 3),
                           _fmt(e["cpu_ms_by"].get("haproxy"), 3), store, once,
                           " / ".join("%s %s" % (k, ", ".join(str(x) for x in v))
                                      for k, v in e["instances_per_node"].items()),
                           " / ".join("%s %s" % (k, ", ".join(str(x) for x in v))
                                      for k, v in e["store_connections"].items()) or "–",
                           _fmt(e["sender_ms"], 3),
                           ", ".join("%s / %s" % (_fmt(a, 2), _fmt(b, 2)) for a, b in
                                     zip(e["cores_busy"], e["other_cores_busy"]))))
        out.append("")
    for corpus, c in sorted(f["store_cost"].items()):
        out.append("Shared store's cost, corpus %s: %s ms of CPU per instance (PostgreSQL cell "
                   "minus SQLite cell: the gateway %+.3f ms, PostgreSQL's processes %s ms)."
                   % (corpus, _fmt(c["cpu_ms"], 3), c["gateway_ms"], _fmt(c["postgres_ms"], 3)))
    if f["store_cost"]:
        out.append("")
    out += fleet_limits(f["cells"])
    if f["failed"]:
        out += ["**%d fleet cell(s) could not run** (see the notes below)." % len(f["failed"]),
                ""]
    return out


def markdown(result):
    s = result["summary"]
    m = result["machine"]
    out = ["## bench/run %s" % result["kind"], "",
           "`%s` — %s; %s cores (%s), kernel %s, %s; load average at start %s, at end %s; "
           "%.0f s." % (result["command"], result["started"], m["nproc"], m["cpu"].strip(),
                        m["kernel"], m["disk"], " ".join("%.2f" % x for x in result["load_start"]),
                        " ".join("%.2f" % x for x in result["load_end"]), result["seconds"]), "",
           "Gateway binary built %s; HEAD %s with %s uncommitted files under src/ and include/ "
           "at the time of the run; DCMTK %s; Orthanc %s%s."
           % (m["gateway_binary_built"], m["gateway_commit"], m["uncommitted_source_files"],
              m["dcmtk"], m["orthanc"] or "not installed",
              "; PostgreSQL %s; HAProxy %s" % (m.get("postgresql") or "not installed",
                                               m.get("haproxy") or "not installed")
              if result.get("fleet") else ""), "",
           "File system probe before the run: write 525 KB, fsync, rename, fsync folder: "
           "median %s ms, max %s ms." % (m["write_fsync_rename_fsync_dir_525KB"]["median_ms"],
                                         m["write_fsync_rename_fsync_dir_525KB"]["max_ms"]), ""]
    probes = m.get("flush_probes") or {}
    if probes:
        out.append("Flush probes, per corpus at its mean instance size (median ms): " + "; ".join(
            "%s %d B: floor (preallocated write + fdatasync) %s, spool path (create, write, "
            "write out, rename, syncfs) %s, two fsyncs (create, write, fsync, rename, fsync "
            "folder) %s" % (k, p["bytes"], p["floor"]["median_ms"], p["spool"]["median_ms"],
                            (p.get("fsyncs") or {}).get("median_ms"))
            for k, p in sorted(probes.items())) + ". `limit`: the best gw/storescp a durable "
            "receiver can reach, t_storescp / (t_storescp + t_floor) at one association, 1.0 "
            "with several (one flush can cover many instances).")
        out.append("")
    out.append("Corpora: " + "; ".join(
        "%s %d instances in %d studies, %.0f MB (Nagle-on sender: first %d; Orthanc: first %d)"
        % (k, c["instances"], c["studies"], c["mb"], min(c["nagle_subset"], c["instances"]),
           min(c["orthanc_subset"], c["instances"]))
        for k, c in sorted(result["corpora"].items())))
    out.append("")
    receivers = [r for r in ("gateway", "storescp", "orthanc")
                 if any(c["receiver"] == r for c in result["cells"])]
    head = ["corpus", "sender", "assoc"]
    for r in receivers:
        head += ["%s inst/s" % r, "MB/s", "CPU ms/inst", "RSS MiB"]
        if r == "gateway":
            head += ["flushes/inst"]   # the spool's file-system flushes per instance
    head += ["gw/storescp inst/s", "gw/storescp CPU", "limit", "gw/limit"]
    if "orthanc" in receivers:
        head += ["gw/orthanc inst/s"]
    table = _matrix(result)
    if table:
        out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ratios = {(e["corpus"], e["sender_nodelay"], e["associations"]): e for e in s["ratios"]}
    order = sorted(table, key=lambda k: (k[0], not k[1], k[2]))
    for key in order:
        by = table[key]
        cells = [key[0], "nodelay" if key[1] else "Nagle", str(key[2])]
        for r in receivers:
            row = by.get(r)
            if row:
                flag = "" if row["stored"] == row["instances"] and not any(
                    row["sender_exit_codes"]) else " ⚠"
                cells += [_fmt(row["instances_per_s"]) + flag, _fmt(row["mb_per_s"]),
                          _fmt(row["cpu_ms_per_instance"], 2), _fmt(row["peak_rss_mib"])]
                if r == "gateway":
                    cells += [_fmt(row.get("spool_flushes_per_instance"), 2)]
            else:
                cells += ["–"] * (5 if r == "gateway" else 4)
        e = ratios.get(key, {})
        cells += [_fmt(e.get("throughput_vs_storescp"), 2), _fmt(e.get("cpu_vs_storescp"), 2),
                  _fmt(e.get("limit"), 2), _fmt(e.get("throughput_vs_limit"), 2)]
        if "orthanc" in receivers:
            cells += [_fmt(e.get("throughput_vs_orthanc"), 2)]
        out.append("| " + " | ".join(cells) + " |")
    if table:
        out.append("")
    l0, l50 = s["latency_0ms"], s["latency_50ms"]
    if l0["n"] or l50["n"]:
        out.append("Gateway, first instance durable → registered (ms, from the database: "
                   "`attempts.at` of the successful attempt − `studies.first_seen`; 1 ms "
                   "resolution): simulator 0 ms: p50 %s, p99 %s (n=%d studies, corpora A+B, all "
                   "association counts, NODELAY sender); simulator 50 ms: p50 %s, p99 %s (n=%d)."
                   % (_fmt(l0["p50"]), _fmt(l0["p99"]), l0["n"], _fmt(l50["p50"]),
                      _fmt(l50["p99"]), l50["n"]))
        out.append("")
    out += console_table(s.get("console") or [])
    out += fleet_table(s.get("fleet"))
    if s["throughput_50ms_vs_0ms"]:
        out.append("Gateway throughput with the simulator at 50 ms vs 0 ms (adjacent trials at "
                   "0, 50, 50, 0 ms; mean of each pair): " + "; ".join(
            "%s x%d, %d inst: %s → %s inst/s (%s×)" % (
                t["corpus"], t["associations"], t["instances"], _fmt(t["at_0ms"]),
                _fmt(t["at_50ms"]), _fmt(t["ratio"], 2))
            for t in s["throughput_50ms_vs_0ms"]) + ".")
        out.append("")
    d = result.get("backlog_drain")
    if d:
        out.append("Backlog drain (simulator 50 ms, max_in_flight 4): %d studies in %s s = %s "
                   "studies/s, %s of the ideal %s/s; all registered: %s; distinct TLS "
                   "connections seen by sampling: %s (during the outage: %s). Ingest of the "
                   "backlog (one instance per study, 4 associations): %s inst/s."
                   % (d["studies"], d["drain_seconds"], d["drain_studies_per_s"],
                      "%.0f%%" % (100 * d["fraction_of_ideal"]), d["ideal_studies_per_s"],
                      d["all_registered"], d["tls_connections_seen"],
                      d["tls_connections_seen_during_outage"], d["ingest_instances_per_s"]))
        out.append("")
    if s["gateway_peak_rss_mib"]:
        out.append("Gateway peak RSS (MiB, NODELAY sender): " + ", ".join(
            "%s %s" % (k, v) for k, v in s["gateway_peak_rss_mib"].items()) + ".")
        out.append("")
    for n in result["notes"]:
        out.append("- note: " + n)
    return "\n".join(out) + "\n"
