#!/usr/bin/env python3
"""report.py - the table of a benchmark run, and BENCHMARKS.md with its plot.

usage: report.py --table SCALE.tsv
       report.py --work WORK --markdown BENCHMARKS.md --plot bench-plot.png

SCALE.tsv is what scale.sh records: one line per measurement, SIZE OP
TOOL SECONDS RSS_KIB RUNS NOTE (OP "meta": TOOL is a key, SECONDS its
value).  --table prints the medians, peak memory and ratios (weft
against gpg and sq-wot) with the targets of issue 7 marked met or
missed, and the growth exponents of import and check between sizes.

--markdown writes the whole report of a run: the same table, the
targets, the machine (CPU, cores, memory, kernel, versions of weft, gpg,
sq, sq-wot, libgcrypt), the date, the flooding benchmark (WORK/flood.tsv
from flood.sh), the output of the other benchmarks of the run
(WORK/out-*.txt), the perf profiles if the run recorded them
(WORK/perf-*.txt), the profile notes kept by hand in
tests/bench/NOTES.md, and a log-log plot (gnuplot, PNG) of cost against
keyring size for each operation.
"""
import argparse
import datetime
import math
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (op, label, other tool, target ratio other/weft or None)
OPS = [
    ("import", "import (empty keyring)", None, None),
    ("reimport", "import again (nothing new)", None, None),
    ("check", "check: every binding", None, None),
    ("list", "list", None, None),
    ("verify", "verify a detached signature", None, None),
    ("authenticate", "authenticate (per binding)", None, None),
    ("lookup", "lookup (per user ID)", None, None),
]
LABEL = {op: label for op, label, _, _ in OPS}
GPG_CMD = {"import": "--import", "check": "--check-trustdb", "list": "--list-keys",
           "verify": "--verify"}
SQ_CMD = {"check": "list", "authenticate": "authenticate", "lookup": "lookup"}
TARGET = {("import", "gpg"): 20, ("check", "gpg"): 10, ("authenticate", "sq-wot"): 100}
LIMIT_RATIO = 1.5
MEM_MB, MEM_AT = 200, 100000
GROWTH_MAX = 1.10   # "no worse than linear", with room for a noisy machine


def load(path):
    rows, meta = {}, {}
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 7:
                continue
            n, op, tool, sec, rss, runs, note = p[:7]
            n = int(n)
            if op == "meta":
                meta[(n, tool)] = sec
                continue
            rows[(n, op, tool)] = {
                "t": float(sec) if sec else None,
                "rss": int(rss) if rss else None,
                "runs": int(runs) if runs else 0, "note": note}
    return rows, meta


def ft(t):
    if t is None:
        return "-"
    if t < 1:
        return f"{t * 1000:.1f} ms"
    if t < 100:
        return f"{t:.2f} s"
    return f"{t:.0f} s"


def fm(k):
    return "-" if k is None else f"{k / 1024:.0f} MB"


def fr(a, b):
    if a is None or b is None or b <= 0:
        return "-"
    r = a / b
    return f"{r:.1f}x" if r < 10 else f"{r:.0f}x"


def fn(n):
    return f"{n:,}"


def sizes_of(rows):
    return sorted({k[0] for k in rows})


def verdict(ok):
    return "met" if ok else "MISSED"


def gpg_cap_of(rows, n):
    """When gpg's import was stopped by the cap: (cap seconds, note)."""
    r = rows.get((n, "import", "gpg"))
    if r and r["t"] is None and "stopped after" in r["note"]:
        m = re.search(r"stopped after (\d+) s", r["note"])
        return (float(m.group(1)) if m else None), r["note"]
    return None, None


def cell(rows, n, op, tool):
    r = rows.get((n, op, tool))
    return r


def table_rows(rows):
    """The rows of the main table: one per size and operation."""
    out = []
    for n in sizes_of(rows):
        for op, label, _, _ in OPS:
            w = cell(rows, n, op, "weft")
            g = cell(rows, n, op, "gpg")
            s = cell(rows, n, op, "sq-wot")
            if not (w or g or s):
                continue
            wt = w["t"] if w else None
            gt = g["t"] if g else None
            st = s["t"] if s else None
            gr = fr(gt, wt)
            cap, _ = gpg_cap_of(rows, n) if op == "import" else (None, None)
            if op == "import" and cap and wt:
                gr = f"> {cap / wt:.0f}x"
            tgt = ""
            for tool, t in (("gpg", gt), ("sq-wot", st)):
                want = TARGET.get((op, tool))
                if want is None or not wt:
                    continue
                if t is None and tool == "gpg" and cap:
                    t = cap
                if t is None:
                    continue
                tgt = f"{tool}/weft >= {want}x: {verdict(t / wt >= want)}"
            if op == "import":
                lim = cell(rows, n, "limit", "verifyrate")
                if lim and wt:
                    extra = f"weft/limit {wt / lim['t']:.2f}x (<= {LIMIT_RATIO}): {verdict(wt / lim['t'] <= LIMIT_RATIO)}"
                    tgt = f"{tgt}; {extra}" if tgt else extra
            out.append({
                "n": n, "op": op, "label": label,
                "weft": ft(wt), "weft_rss": fm(w["rss"]) if w else "-",
                "gpg": ("stopped" if (op == "import" and cap) else ft(gt)),
                "gpg_rss": fm(g["rss"]) if g else "-", "gpg_ratio": gr,
                "sq": ft(st), "sq_rss": fm(s["rss"]) if s else "-",
                "sq_ratio": fr(st, wt), "target": tgt})
        lim = cell(rows, n, "limit", "verifyrate")
        if lim:
            out.append({
                "n": n, "op": "limit", "label": "  limit: verifications alone",
                "weft": ft(lim["t"]), "weft_rss": "", "gpg": "", "gpg_rss": "",
                "gpg_ratio": "", "sq": "", "sq_rss": "", "sq_ratio": "",
                "target": "weft verifier, 2 threads"})
    return out


def growth(rows, op):
    """Exponents k of t ~ n^k between consecutive sizes (weft)."""
    ns = [n for n in sizes_of(rows) if cell(rows, n, op, "weft") and cell(rows, n, op, "weft")["t"]]
    out = []
    for a, b in zip(ns, ns[1:]):
        ta, tb = rows[(a, op, "weft")]["t"], rows[(b, op, "weft")]["t"]
        out.append((a, b, math.log(tb / ta) / math.log(b / a)))
    return out


def targets(rows):
    """(target, per-size results, verdict or None) for each target."""
    res = []
    ns = sizes_of(rows)

    def ratio_target(op, tool, label):
        want = TARGET[(op, tool)]
        parts, oks = [], []
        for n in ns:
            w, o = cell(rows, n, op, "weft"), cell(rows, n, op, tool)
            if not w or not w["t"]:
                continue
            ot = o["t"] if o else None
            cap, _ = gpg_cap_of(rows, n) if (op, tool) == ("import", "gpg") else (None, None)
            if ot is None and cap:
                r = cap / w["t"]
                parts.append(f"{fn(n)}: > {r:.0f}x (gpg stopped at {cap:.0f} s)")
                oks.append(r >= want)
            elif ot is not None:
                r = ot / w["t"]
                parts.append(f"{fn(n)}: {r:.1f}x")
                oks.append(r >= want)
            else:
                why = f" ({o['note']})" if o and o["note"] else ""
                parts.append(f"{fn(n)}: -{why}")
        res.append((label, "; ".join(parts), verdict(all(oks)) if oks else None, oks))

    ratio_target("import", "gpg", "import at least 20x faster than gpg --import")
    ratio_target("check", "gpg", "weft check at least 10x faster than gpg --check-trustdb")
    ratio_target("authenticate", "sq-wot", "authenticate at least 100x faster than sq-wot authenticate")
    parts, oks = [], []
    for n in ns:
        w, lim = cell(rows, n, "import", "weft"), cell(rows, n, "limit", "verifyrate")
        if w and lim and w["t"]:
            r = w["t"] / lim["t"]
            parts.append(f"{fn(n)}: {r:.2f}x")
            oks.append(r <= LIMIT_RATIO)
    res.append(("import within 1.5x of the signature verifications alone (2 threads)",
                "; ".join(parts), verdict(all(oks)) if oks else None, oks))
    big = [n for n in ns if n >= MEM_AT]
    if big:
        parts, oks = [], []
        for n in big:
            worst = max(((r["rss"], op) for (m, op, tool), r in rows.items()
                         if m == n and tool == "weft" and r["rss"]), default=None)
            if worst:
                parts.append(f"{fn(n)}: largest {fm(worst[0])} ({worst[1]})")
                oks.append(worst[0] < MEM_MB * 1024)
        res.append((f"peak memory under {MEM_MB} MB at {fn(MEM_AT)} keys", "; ".join(parts),
                    verdict(all(oks)) if oks else None, oks))
    else:
        res.append((f"peak memory under {MEM_MB} MB at {fn(MEM_AT)} keys",
                    f"not measured (no size of {fn(MEM_AT)} keys in this run)", None, []))
    for op in ("import", "check"):
        g = growth(rows, op)
        if g:
            parts = [f"{fn(a)} -> {fn(b)}: n^{k:.2f}" for a, b, k in g]
            oks = [k <= GROWTH_MAX for _, _, k in g]
            res.append((f"weft {op} grows no worse than linearly (exponent <= {GROWTH_MAX})",
                        "; ".join(parts), verdict(all(oks)), oks))
        else:
            res.append((f"weft {op} grows no worse than linearly", "needs two sizes", None, []))
    return res


def text_table(rows, meta):
    tr = table_rows(rows)
    hdr = ("keys", "operation", "weft", "RSS", "gpg", "RSS", "gpg/weft",
           "sq-wot", "RSS", "sq/weft", "target")
    cols = [(fn(r["n"]), r["label"], r["weft"], r["weft_rss"], r["gpg"], r["gpg_rss"],
             r["gpg_ratio"], r["sq"], r["sq_rss"], r["sq_ratio"], r["target"]) for r in tr]
    w = [max(len(str(x[i])) for x in cols + [hdr]) for i in range(len(hdr) - 1)]
    lines = []

    def fmt(x):
        return "  ".join(str(v).ljust(w[i]) if i < 2 else str(v).rjust(w[i])
                         for i, v in enumerate(x[:-1])) + "  " + x[-1]
    lines.append(fmt(hdr))
    last = None
    for c in cols:
        if last is not None and c[0] != last:
            lines.append("")
        last = c[0]
        lines.append(fmt(c))
    notes = []
    for (n, op, tool), r in sorted(rows.items()):
        if tool in ("gpg", "sq-wot", "weft") and r["note"] and (
                "stopped" in r["note"] or "not run" in r["note"]):
            notes.append(f"{fn(n)} {tool} {op}: {r['note']}")
    for (n, key), v in sorted(meta.items()):
        if key == "agreement":
            notes.append(f"{fn(n)}: {v}")
    lines.append("")
    lines.append("targets (ratios from this run):")
    for label, detail, v, _ in targets(rows):
        lines.append(f"  {v or 'n/a':7s} {label}: {detail}")
    if notes:
        lines.append("")
        lines.extend(notes)
    return "\n".join(lines)


def md_table(rows):
    tr = table_rows(rows)
    out = ["| keys | operation | weft | weft RSS | gpg | gpg RSS | gpg/weft | sq-wot | sq-wot RSS | sq-wot/weft | target |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in tr:
        out.append("| " + " | ".join([fn(r["n"]), r["label"].strip(), r["weft"], r["weft_rss"],
                                       r["gpg"], r["gpg_rss"], r["gpg_ratio"], r["sq"], r["sq_rss"],
                                       r["sq_ratio"], r["target"]]) + " |")
    return "\n".join(out)


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except Exception:
        return ""


def machine(weft):
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    gcry = sh("dpkg-query -W -f='${Version}' libgcrypt20") or \
        sh("gpg --version | sed -n 's/^libgcrypt //p'")
    return [
        ("CPU", cpu), ("cores", sh("nproc")), ("memory", mem),
        ("kernel", sh("uname -srm")),
        ("weft", sh(f"'{weft}' --version | head -n 1") + ", built from commit " +
         (os.environ.get("WEFT_BENCH_COMMIT") or
          sh(f"git -C '{HERE}' rev-parse --short HEAD") or "?") +
         " (" + (sh(f"git -C '{HERE}' log -1 --format=%cs") or "?") + ")" +
         (", with uncommitted changes to keyring/, src/ or include/"
          if sh(f"cd '{HERE}/../..' && git status --porcelain -- keyring src include") else "")),
        ("gpg", sh("gpg --version | head -n 1")),
        ("sq", sh("sq --version 2>&1 | head -n 1")),
        ("sq-wot", sh("sq-wot --version 2>&1 | head -n 1")),
        ("libgcrypt", gcry),
    ]


def plot(rows, png, work):
    """A log-log panel per operation: seconds against keys, a line per tool."""
    if not shutil.which("gnuplot"):
        return "gnuplot is not installed (make deps installs gnuplot-nox): no plot"
    panels = [("import", [("weft", "import", "weft"), ("gpg", "import", "gpg --import"),
                          ("verifyrate", "limit", "verifications alone")]),
              ("check", [("weft", "check", "weft check"), ("gpg", "check", "gpg --check-trustdb"),
                         ("sq-wot", "check", "sq-wot list")]),
              ("list", [("weft", "list", "weft list"), ("gpg", "list", "gpg --list-keys")]),
              ("verify", [("weft", "verify", "weft verify"), ("gpg", "verify", "gpg --verify")]),
              ("authenticate", [("weft", "authenticate", "weft authenticate"),
                                ("sq-wot", "authenticate", "sq-wot authenticate")]),
              ("lookup", [("weft", "lookup", "weft lookup"), ("sq-wot", "lookup", "sq-wot lookup")])]
    color = {"weft": "#1b7837", "gpg": "#2166ac", "sq-wot": "#b2182b", "verifyrate": "#777777"}
    ns = sizes_of(rows)
    script = [f"set terminal pngcairo size 1500,900 font 'sans,10'",
              f"set output '{png}'",
              "set multiplot layout 2,3 title 'cost against keyring size (log-log; wall seconds, median)'",
              "set logscale xy", "set format y '10^{%T}'", "set xlabel 'keys'",
              "set ylabel 'seconds'", "set key top left font ',8' opaque", "set grid",
              f"set xrange [{min(ns) / 1.5}:{max(ns) * 1.5}]",
              "set xtics (" + ", ".join(f"'{fn(n)}' {n}" for n in ns) + ")"]
    for title, series in panels:
        cmds = []
        for tool, op, label in series:
            pts = [(n, rows[(n, op, tool)]["t"]) for n in ns
                   if (n, op, tool) in rows and rows[(n, op, tool)]["t"]]
            if not pts:
                continue
            path = os.path.join(work, f"plot-{op}-{tool}.dat")
            with open(path, "w") as f:
                for n, t in pts:
                    f.write(f"{n} {t}\n")
            dash = " dt 2" if tool == "verifyrate" else ""
            cmds.append(f"'{path}' using 1:2 with linespoints lw 2 pt 7{dash} "
                        f"lc rgb '{color[tool]}' title '{label}'")
            if tool == "weft" and len(ns) > 1:
                # linear growth from weft's smallest size, for the eye
                n0, t0 = pts[0]
                cmds.append(f"{t0 / n0:.12g} * x lc rgb '#999999' dt 3 lw 1 "
                            f"title 'linear from weft at {fn(n0)}'")
            if tool == "gpg" and op == "import":
                stopped = [(n, gpg_cap_of(rows, n)[0]) for n in ns if gpg_cap_of(rows, n)[0]]
                if stopped:
                    path = os.path.join(work, "plot-import-gpg-stopped.dat")
                    with open(path, "w") as f:
                        for n, cap in stopped:
                            f.write(f"{n} {cap}\n")
                    cmds.append(f"'{path}' using 1:2 with points pt 9 ps 2 lc rgb "
                                f"'{color['gpg']}' title 'gpg stopped (more than this)'")
        script.append(f"set title '{title}'")
        script.append("plot " + ", ".join(cmds) if cmds else
                      "plot 1 lc rgb '#ffffff' title 'not measured'")
    script.append("unset multiplot")
    gp = os.path.join(work, "plot.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if r.returncode:
        return "gnuplot failed: " + r.stderr.strip()[:300]
    return None


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def markdown(work, out, png, weft):
    rows, meta = load(os.path.join(work, "scale.tsv"))
    now = datetime.datetime.now(datetime.timezone.utc)
    ns = sizes_of(rows)
    md = ["# Benchmarks", "",
          f"Written by `make bench` (tests/bench/run) on {now:%Y-%m-%d %H:%M} UTC; "
          f"sizes {', '.join(fn(n) for n in ns)} keys (WEFT_BENCH_SIZES). "
          "Every tool ran in the same run on the same files; times are wall clock of "
          "whole processes (start-up included), the median of 7 runs under 0.5 s, "
          "of 3 under 5 s, else one run; RSS is the peak resident memory of the "
          "process (GNU time). Ratios are the other tool's time over weft's. The machine "
          "is shared: other work on it skews every column (the load average is below). Keyrings are generated at benchmark time "
          "(tests/bench/genkeyring.py) and kept out of the repository.", ""]
    md += ["## Machine", ""]
    for k, v in machine(weft):
        md.append(f"- {k}: {v}")
    la = read(os.path.join(work, "load"))
    if la:
        md.append(f"- load average (1, 5, 15 min) at start and end: {la.strip()}")
    md.append("")
    md += ["## Generated webs of trust", ""]
    for n in ns:
        sig = meta.get((n, "signatures"))
        b = meta.get((n, "bytes"))
        deg = meta.get((n, "degree"), "")
        md.append(f"- {fn(n)} keys: {int(sig):,} signatures, {int(b) / 1e6:.1f} MB; {deg}."
                  if sig and b else f"- {fn(n)} keys")
    md += ["", "Each keyring: 3 roots (trust roots for all three tools: `weft root add`, "
           "ultimate ownertrust for gpg, `-r` for sq-wot), an introducer backbone of trust "
           "signatures, and a scale-free web of plain certifications grown by preferential "
           "attachment, with expired and revoked certifications (see the top of "
           "genkeyring.py). Queries: 20 bindings the generator picks (level-1 and level-2 "
           "introducers, ordinary keys); sq-wot answers a few of them, since every call "
           "reads and verifies the whole keyring.", ""]
    md += ["## Results", "", md_table(rows), ""]
    if os.path.exists(png):
        md += [f"![cost against keyring size]({os.path.basename(png)})", ""]
    md += ["## Targets", "", "| target | this run | verdict |", "|---|---|---|"]
    for label, detail, v, _ in targets(rows):
        md.append(f"| {label} | {detail} | {v or 'n/a'} |")
    md.append("")
    notes = []
    order = [o for o, _, _, _ in OPS] + ["limit"]
    tools = ["weft", "gpg", "sq-wot", "verifyrate"]
    for (n, op, tool), r in sorted(rows.items(), key=lambda kv: (
            kv[0][0], order.index(kv[0][1]) if kv[0][1] in order else 99,
            tools.index(kv[0][2]) if kv[0][2] in tools else 99)):
        if r["note"] and tool in tools:
            notes.append(f"- {fn(n)}, {tool} {GPG_CMD.get(op, '') if tool == 'gpg' else ''}"
                         f"{SQ_CMD.get(op, '') if tool == 'sq-wot' else ''}"
                         f"{op if tool in ('weft', 'verifyrate') else ''}: {r['note']}")
    for (n, key), v in sorted(meta.items()):
        if key == "agreement":
            notes.append(f"- {fn(n)}: {v}")
    if notes:
        md += ["Notes on the rows:", ""] + notes + [""]
    fl = read(os.path.join(work, "flood.md"))
    if fl:
        md += [fl.strip(), ""]
    prof = sorted((p for p in os.listdir(work) if p.startswith("perf-") and p.endswith(".txt")),
                  key=lambda p: (["import", "check", "list"].index(p.split("-")[1])
                                 if p.split("-")[1] in ("import", "check", "list") else 9, p))
    hand = read(os.path.join(HERE, "NOTES.md"))
    if hand or prof:
        md += ["## Profiles", ""]
        if hand:
            md += [hand.strip(), ""]
        for p in prof:
            md += ["```", read(os.path.join(work, p)).rstrip(), "```", ""]
    others = sorted(p for p in os.listdir(work) if p.startswith("out-") and p.endswith(".txt"))
    if others:
        md += ["## The other benchmarks of the run", "",
               "Their own output (tests/bench/*.sh: the Debian keyring, verification "
               "throughput):", ""]
        for p in others:
            md += [f"### {p[4:-4]}", "", "```", read(os.path.join(work, p)).rstrip(), "```", ""]
    with open(out, "w") as f:
        f.write("\n".join(md))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table")
    ap.add_argument("--work")
    ap.add_argument("--markdown")
    ap.add_argument("--plot")
    ap.add_argument("--weft", default="weft")
    a = ap.parse_args()
    if a.table:
        rows, meta = load(a.table)
        print(text_table(rows, meta))
        return
    if not (a.work and a.markdown):
        ap.error("--table, or --work and --markdown")
    rows, meta = load(os.path.join(a.work, "scale.tsv"))
    if a.plot:
        err = plot(rows, a.plot, a.work)
        if err:
            print("report: " + err, file=sys.stderr)
    markdown(a.work, a.markdown, a.plot or "", a.weft)


if __name__ == "__main__":
    main()
