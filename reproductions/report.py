"""The report: a terminal table, and per reproduction a figure (its loss trajectories over the baseline's, its
quality trajectory when it was a full run, its newest samples), tied together by an index page."""
import html
import os
from pathlib import Path

import numpy as np

from reproductions import execute, quality


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


SMOOTH_ABOVE = 2000  # points per series beyond which a loss curve is drawn as a running mean (full runs)


def _smoothed(points):
    """(steps, values) of a loss series; long series (full runs) as a running mean over ~1/200 of the run."""
    steps, values = (np.asarray(column, dtype=np.float64) for column in zip(*points))
    if len(values) <= SMOOTH_ABOVE:
        return steps, values
    window = len(values) // 200
    kernel = np.ones(window) / window
    return steps[window - 1:], np.convolve(values, kernel, mode="valid")


def quality_panel(axes, quality):
    """The quality trajectory: classifier score (left axis) and Fréchet distance (right axis) at each checkpoint,
    with the real-data reference (dashed, band of ±2 sd over draws) and the untrained generator (step 0)."""
    points = quality["points"]
    steps = [p["step"] for p in points]
    axes.plot(steps, [p["classifier_score"] for p in points], "o-", color="tab:blue", markersize=3,
              label="classifier score")
    axes.set_ylabel("classifier score (higher is better)", color="tab:blue", fontsize=8)
    distance = axes.twinx()
    distance.plot(steps, [p["frechet_distance"] for p in points], "s-", color="tab:red", markersize=3,
                  label="Fréchet distance")
    distance.set_ylabel("Fréchet distance (lower is better)", color="tab:red", fontsize=8)
    distance.set_yscale("log")
    for ax, key, colour in ((axes, "classifier_score", "tab:blue"), (distance, "frechet_distance", "tab:red")):
        mean, spread = quality["real"][key], quality["real_spread"][key]
        ax.axhline(mean, color=colour, linestyle="--", linewidth=1)
        ax.axhspan(mean - 2 * spread, mean + 2 * spread, color=colour, alpha=0.1)
    if points[0].get("conditional_accuracy") is not None:
        axes.plot(steps, [10 * p["conditional_accuracy"] for p in points], "^-", color="tab:green", markersize=3,
                  label="conditional accuracy x 10")
    axes.set_xlabel("training step")
    axes.set_title(f"sample quality ({quality['real']['n']} samples; dashed: real data)", fontsize=9)
    handles = axes.get_legend_handles_labels()[0] + distance.get_legend_handles_labels()[0]
    axes.legend(handles, [h.get_label() for h in handles], fontsize=7, loc="center right")


def samples_mosaic(path, rows=8, cols=8):
    """A checkpoint's samples (``step-<k>.npz``) as one image: rows x cols tiles; conditional samples ordered so
    that column c shows class c."""
    images, labels = quality.read_samples(path)
    if labels is not None:
        cols = int(labels.max()) + 1
        rows = min([rows] + [int(np.sum(labels == c)) for c in range(cols)])
        images = np.stack([images[labels == c][:rows] for c in range(cols)], axis=1)  # (rows, cols, 28, 28)
    else:
        rows = min(rows, len(images) // cols)  # fewer samples than tiles: as many full rows as there are
        images = images[:rows * cols].reshape(rows, cols, 28, 28)
    return images.transpose(0, 2, 1, 3).reshape(rows * 28, cols * 28)


def figure(result, baseline, path, dpi=80):
    """Losses (this run solid, baseline dashed) beside the newest sample grid; a full run with a quality
    trajectory also gets its quality panel, and its last checkpoint's samples stand in for the grid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scored = bool(result.quality and result.quality.get("points"))
    if scored:
        fig, (losses, trend, grid) = plt.subplots(1, 3, figsize=(15, 4), gridspec_kw={"width_ratios": [3, 3, 2]})
        quality_panel(trend, result.quality)
    else:
        fig, (losses, grid) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, series in enumerate(sorted(set(result.losses) | set((baseline or {}).get("losses", {})))):
        colour = colours[i % len(colours)]
        if series in result.losses:
            steps, values = _smoothed(result.losses[series])
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
    checkpoints = quality.step_files(Path(result.workdir) / execute.SAMPLES_DIR) if scored else []
    if checkpoints:
        step, last = checkpoints[-1]
        grid.imshow(samples_mosaic(last), cmap="gray", vmin=0, vmax=1)
        grid.set_title(f"samples at step {step}", fontsize=9)
    elif result.samples and Path(result.samples).exists():
        grid.imshow(plt.imread(result.samples), cmap="gray")
        grid.set_title(f"samples: {Path(result.samples).name}", fontsize=9)
    else:
        grid.text(0.5, 0.5, "no sample grid written", ha="center", va="center")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
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
