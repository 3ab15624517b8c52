"""results.json -> Markdown tables (printed, and pasted into docs/performance.md) and one plot."""

from __future__ import annotations

from pathlib import Path

__all__ = ["plot", "tables"]


def _row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _f(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _targets(section: dict) -> list[str]:
    return [f"- {'met' if ok else 'MISSED'}: {name}" for name, ok in section.get("targets", {}).items()]


def _machine(m: dict) -> list[str]:
    blas = ", ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('architecture')}, {b.get('num_threads')} threads)"
                     for b in m.get("blas") or [])
    return [
        "### Machine", "",
        f"{m['nproc']} cores, {m['memory_gib']} GiB, {m['cpu']}; Python {m['python']}, numpy {m['numpy']}, "
        f"scipy {m['scipy']}, scikit-learn {m['sklearn']}; BLAS: {blas or 'unknown'}; "
        f"OPENBLAS_CORETYPE={m.get('openblas_coretype') or '(unset)'}", "",
    ]


def _train(t: dict) -> list[str]:
    lines = ["### Training (each in its own process)", "",
             _row("catalog", "shows", "reviews", "vocabulary", "wall s", "CPU s", "peak MB", "artifact MB"),
             _row(*["---"] * 8)]
    for name, r in t["runs"].items():
        if "skipped" in r:
            lines.append(_row(name, f"skipped: {r['skipped']}", "", "", "", "", "", ""))
            continue
        lines.append(_row(name, r["n_shows"], r["n_reviews"], r["vocabulary"], _f(r["wall_s"], 1),
                          _f(r.get("cpu_s"), 1), _f(r.get("max_rss_mb"), 0), _f(r["artifact_mb"], 1)))
    if "ratio_50k_over_5k" in t:
        ratio = t["ratio_50k_over_5k"]
        cpu = f", CPU {ratio['cpu']:.1f}x" if "cpu" in ratio else ""
        lines += ["", f"50k / 5k: wall time {ratio['time']:.1f}x{cpu}, peak memory {ratio['memory']:.1f}x."]
    lines += ["", "Phases (seconds, as `train` reports them):", ""]
    names = [n for n, r in t["runs"].items() if "phases" in r]
    phases = list(dict.fromkeys(p for n in names for p in t["runs"][n]["phases"]))
    lines += [_row("phase", *names), _row(*["---"] * (len(names) + 1))]
    lines += [_row(p, *(_f(t["runs"][n]["phases"].get(p), 1) for n in names)) for p in phases]
    return lines + [""] + _targets(t) + [""]


def _query(q: dict) -> list[str]:
    lines = ["### Query cost in process (ms; same run, round-robin per seed)", ""]
    variants = ("engine", "bare_matvec", "bare_gather", "nearest_neighbors", "recommend_3", "mmr")
    for name, r in q.items():
        if "skipped" in r:
            lines += [f"{name}: skipped ({r['skipped']})", ""]
            continue
        block = r["text_block"]
        lines += [f"**{name}**: {r['n_shows']} shows, {r['seeds']} seeds ({r['nn_seeds']} for NearestNeighbors); "
                  f"text block {block['shape'][0]} x {block['shape'][1]}, {block['nnz_per_row']} nnz/row; "
                  f"stacked {r['stacked_nnz_per_row']} nnz/row", "",
                  _row("variant", "p50 ms", "p99 ms", "mean ms"), _row("---", "---", "---", "---")]
        lines += [_row(v, _f(r["stats"][v]["p50_ms"], 3), _f(r["stats"][v]["p99_ms"], 3), _f(r["stats"][v]["mean_ms"], 3))
                  for v in variants]
        ratios = r["ratios"]
        lines += ["", "Ratios of p50: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()), ""]
        lines += _targets(r) + [""]
    return lines


def _startup(s: dict) -> list[str]:
    return ["### Start-up and footprint", "",
            _row("model", "artifact MB", "import s", "load s", "serve -> first answer s", "RSS at rest MB"),
            _row(*["---"] * 6),
            _row(s["model"], _f(s["artifact_mb"], 1), _f(s["import_s"]), _f(s["load_s"]), _f(s["first_answer_s"]),
                 _f(s["rss_at_rest_mb"], 0)),
            "", f"First answers of the {s['repeats']} cold starts: {s['all_first_answers_s']} s", ""] + _targets(s) + [""]


def _http(h: dict) -> list[str]:
    lines = [f"### HTTP ({h['model']} model, {h['connections']} connections, {h['duration_s']:.0f} s per run)", "",
             _row("workers", "endpoint", "req/s", "p50 ms", "p99 ms", "errors", "client CPU (cores)"),
             _row(*["---"] * 7)]
    for key, r in h["runs"].items():
        for endpoint in ("health", "similar", "serial_health", "serial_similar"):
            if endpoint not in r:
                continue
            e = r[endpoint]
            shown = endpoint.replace("serial_", "") + (" (1 connection)" if endpoint.startswith("serial") else "")
            lines.append(_row(key.split("_")[0], shown, _f(e["rps"], 0), _f(e["p50_ms"], 2), _f(e["p99_ms"], 1),
                              e["errors"], _f(e["client_cpu"])))
    engine = h.get("engine")
    if engine:
        lines += ["", f"engine in process (same call, {engine['n']} shows, before the servers start): p50 "
                      f"{engine['p50_ms']:.3f} ms, p99 {engine['p99_ms']:.3f} ms"]
    lines += ["", "efficiency = similar_rps x (engine_p50 + 1 / health_rps): " + ", ".join(
        f"{k.replace('_', ' ')} {r['efficiency']:.2f}" for k, r in h["runs"].items() if "efficiency" in r)]
    runs = h["runs"]
    if "1_workers" in runs and "2_workers" in runs:
        lines.append(f"2 workers / 1 worker, similar throughput: "
                     f"{runs['2_workers']['similar']['rps'] / runs['1_workers']['similar']['rps']:.2f}x")
    lines += ["", "similar / health throughput: " + ", ".join(
        f"{k.replace('_', ' ')} {r['similar_over_health']:.2f}" for k, r in h["runs"].items()), ""]
    return lines + _targets(h) + [""]


def tables(results: dict) -> str:
    lines = _machine(results["machine"])
    for key, render in (("train", _train), ("query", _query), ("startup", _startup), ("http", _http)):
        if "error" in results.get(key, {}):
            lines += [f"### {key}: failed", "", f"    {results[key]['error']}", ""]
        elif key in results:
            lines += render(results[key])
    return "\n".join(lines)


def plot(results: dict, path: Path) -> Path | None:
    """Four panels: query p50/p99, training time and memory, HTTP throughput, start-up."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    ax = axes[0][0]
    query = {k: v for k, v in results.get("query", {}).items() if "stats" in v}
    variants = ("engine", "bare_matvec", "bare_gather", "nearest_neighbors", "recommend_3", "mmr")
    width = 0.8 / max(len(query), 1)
    for n, (name, r) in enumerate(query.items()):
        xs = [i + n * width for i in range(len(variants))]
        ax.bar(xs, [r["stats"][v]["p50_ms"] for v in variants], width, label=f"{name} p50")
        ax.scatter(xs, [r["stats"][v]["p99_ms"] for v in variants], marker="_", s=200, color="black",
                   label="p99" if n == 0 else None)
    ax.set_xticks([i + width * (len(query) - 1) / 2 for i in range(len(variants))], variants, rotation=20)
    ax.set_yscale("log")
    ax.set_ylabel("ms per query")
    ax.set_title("Query cost in process")
    ax.legend(fontsize=8)

    ax = axes[0][1]
    runs = {k: v for k, v in results.get("train", {}).get("runs", {}).items() if "wall_s" in v}
    synthetic = sorted((v["n_shows"], v) for k, v in runs.items() if k.startswith("syn-"))
    if synthetic:
        ax.plot([n for n, _ in synthetic], [v["wall_s"] for _, v in synthetic], "o-", label="time (s), synthetic")
        ax.set_xscale("log")
        ax.set_yscale("log")
        twin = ax.twinx()
        twin.plot([n for n, _ in synthetic], [v.get("max_rss_mb") or 0 for _, v in synthetic], "s--", color="tab:red",
                  label="peak MB, synthetic")
        twin.set_ylabel("peak RSS (MB)")
        if "mdl" in runs:
            ax.plot([runs["mdl"]["n_shows"]], [runs["mdl"]["wall_s"]], "*", markersize=14, label="time (s), real MDL")
            twin.plot([runs["mdl"]["n_shows"]], [runs["mdl"].get("max_rss_mb") or 0], "*", color="tab:red", markersize=14)
        ax.legend(loc="upper left", fontsize=8)
        twin.legend(loc="lower right", fontsize=8)
    ax.set_xlabel("shows")
    ax.set_ylabel("training wall time (s)")
    ax.set_title("Training scale")

    ax = axes[1][0]
    http_runs = results.get("http", {}).get("runs", {})
    labels, values = [], []
    for key, r in http_runs.items():
        for endpoint in ("health", "similar"):
            labels.append(f"{key.split('_')[0]}w {endpoint}")
            values.append(r[endpoint]["rps"])
    ax.bar(labels, values, color=["tab:gray", "tab:blue"] * max(len(http_runs), 1))
    ax.set_yscale("log")
    ax.set_ylabel("requests / s (log)")
    ax.set_title(f"HTTP on loopback ({results.get('http', {}).get('model', '')})")

    ax = axes[1][1]
    s = results.get("startup", {})
    if s and "error" not in s:
        parts = {"import": s["import_s"], "load": s["load_s"], "serve -> first answer": s["first_answer_s"]}
        ax.barh(list(parts), list(parts.values()))
        ax.axvline(3.0, color="red", linestyle=":", label="target 3 s")
        ax.set_xlabel("seconds")
        ax.legend(fontsize=8)
        ax.set_title(f"Start-up ({s['model']}, RSS at rest {s['rss_at_rest_mb'] or 0:.0f} MB)")
    m = results["machine"]
    fig.suptitle(f"kdrama performance - {m['nproc']} cores, {m['cpu']}" + (" (smoke)" if results.get("smoke") else ""))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
