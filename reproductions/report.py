"""The report: a terminal table, and per reproduction a figure (its loss trajectories over the baseline's, next to
its newest sample grid), tied together by an index page."""
import html
import os
from pathlib import Path


def table(rows):
    """rows: (RunResult, Verdict or None). A fixed-width table, one line per reproduction."""
    header = ("reproduction", "dataset", "verdict", "steps", "seconds", "detail")
    lines = [header]
    for result, verdict in rows:
        status = verdict.status if verdict else result.status.upper()
        detail = (verdict.details[0] if verdict and verdict.details else "") or result.message
        if verdict and verdict.ok:
            detail = f"matches baseline ({verdict.mode})"
        lines.append((result.name, result.dataset, status, str(result.steps), f"{result.seconds:.1f}", detail))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for line in lines:
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[-1])
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


def figure(result, baseline, path):
    """Losses (this run solid, baseline dashed) beside the newest sample grid; written to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (losses, grid) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, series in enumerate(sorted(set(result.losses) | set((baseline or {}).get("losses", {})))):
        colour = colours[i % len(colours)]
        if series in result.losses:
            steps, values = zip(*result.losses[series])
            losses.plot(steps, values, color=colour, label=f"{series}")
        if baseline and series in baseline["losses"]:
            steps, values = zip(*baseline["losses"][series])
            losses.plot(steps, values, color=colour, linestyle="--", alpha=0.7, label=f"{series} (baseline)")
    losses.set_xlabel("training step (parameter update)")
    losses.set_ylabel("loss")
    losses.set_title(f"{result.name} on {result.dataset}")
    if losses.lines:
        losses.legend(fontsize=7)
    grid.axis("off")
    if result.samples and Path(result.samples).exists():
        grid.imshow(plt.imread(result.samples), cmap="gray")
        grid.set_title(f"samples: {Path(result.samples).name}", fontsize=9)
    else:
        grid.text(0.5, 0.5, "no sample grid written", ha="center", va="center")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def index(rows, figures, path):
    """An HTML page with the table and every figure."""
    cells = []
    for (result, verdict), fig in zip(rows, figures):
        status = verdict.status if verdict else result.status.upper()
        details = "<br>".join(html.escape(d) for d in ((verdict.details if verdict else []) or [result.message]))
        cells.append(f"<tr><td>{html.escape(result.name)}</td><td>{result.dataset}</td><td>{status}</td>"
                     f"<td>{result.steps}</td><td>{result.seconds:.1f}</td><td>{details}</td></tr>")
    images = "".join(f'<h3>{html.escape(Path(f).stem)}</h3><img src="{os.path.basename(f)}">' for f in figures)
    Path(path).write_text(
        "<!doctype html><meta charset=utf-8><title>reproductions</title>"
        "<style>td,th{padding:2px 8px;border-bottom:1px solid #ccc;text-align:left}</style>"
        "<h1>Reproductions against their baselines</h1><table><tr><th>reproduction</th><th>dataset</th>"
        "<th>verdict</th><th>steps</th><th>seconds</th><th>detail</th></tr>" + "".join(cells) + "</table>" + images,
        encoding="utf-8")
