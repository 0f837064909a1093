"""The report: a terminal table, and per reproduction a figure that shows its verdict, tied together by an index page.

A figure is read top down: the verdict (PASS / FAIL / ERROR, the comparison mode, what failed and where), then the
run's curves drawn over the baseline's (baseline thick and light underneath, this run thin and dark on top, so
identical curves stay visible as two), accuracies on their own 0..1 axis, the deviation from the baseline per step
on a log axis with the tolerance the comparison applied and the first step outside marked, a full run's quality
trajectory, and samples labelled with the step they were drawn at.
"""
import html
import math
import os
from pathlib import Path

import numpy as np

from reproductions import execute, quality
from reproductions.baseline import ATOL, RTOL, Verdict, compare


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

# How each verdict is written in the figure's title and the index: (word, colour).
BADGES = {"pass": ("PASS", "#1a7f37"), "FAIL": ("FAIL", "#cf222e"), "ERROR": ("ERROR", "#cf222e"),
          "NO BASELINE": ("NO BASELINE", "#6e7781")}
COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive")
NOT_COMPARED = ("FULL RUN", "#0969da")  # a full run is not compared with the (smoke-length) baseline
MODES = {"identical": "identical mode: must repeat the baseline bit for bit (same machine and versions)",
         "envelope": "envelope mode: |run - baseline| <= {atol:g} + {rtol:g}·|baseline| (another machine/versions)"}


def is_accuracy(series):
    """Series drawn on the 0..1 accuracy axis rather than the loss axis (e.g. 002's ``discriminator.accuracy``)."""
    return "acc" in series.lower()


def _smoothed(points):
    """(steps, values) of a loss series; long series (full runs) as a running mean over ~1/200 of the run."""
    steps, values = (np.asarray(column, dtype=np.float64) for column in zip(*points))
    if len(values) <= SMOOTH_ABOVE:
        return steps, values
    window = len(values) // 200
    kernel = np.ones(window) / window
    return steps[window - 1:], np.convolve(values, kernel, mode="valid")


def deviations(run_points, baseline_points):
    """``(steps, |run - baseline|, |baseline|)`` at the steps both recorded; ``inf`` where either is not finite."""
    want = {int(step): float(value) for step, value in baseline_points}
    rows = [(int(step), float(value), want[int(step)]) for step, value in run_points if int(step) in want]
    steps = np.array([s for s, _, _ in rows], dtype=np.int64)
    got, base = (np.array([row[i] for row in rows], dtype=np.float64) for i in (1, 2))
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isfinite(got) & np.isfinite(base), np.abs(got - base), np.inf)
    return steps, gap, np.abs(base)


def first_outside(verdict):
    """``(step, series)`` where the run first left its baseline's tolerance, or None."""
    hits = [(d.first_step, d.series) for d in (verdict.diffs if verdict else []) if d.first_step is not None]
    return min(hits) if hits else None


def largest_deviation(verdict):
    """``(deviation, step, series)`` of the largest deviation among the failing series, or None."""
    hits = [(d.worst, d.worst_step, d.series) for d in (verdict.diffs if verdict else []) if d.worst_step is not None]
    return max(hits) if hits else None


def _failed(result):
    """The ERROR verdict of a run that did not finish cleanly (crash, hang, non-finite loss), else None."""
    return None if result.ok else Verdict(result.name, "ERROR", details=[f"{result.status}: {result.message}"])


def _shown_verdict(result, baseline, verdict, rtol):
    """(the verdict to show, the comparison to draw): a comparison is made here when the caller passed none."""
    compared = verdict if verdict is not None and verdict.mode else None
    if compared is None and baseline is not None and result.mode != "full":
        compared = compare(result, baseline, rtol)
    if verdict is None:
        verdict = _failed(result)
    if verdict is None and result.mode != "full":
        verdict = compared or Verdict(result.name, "NO BASELINE", details=["no baseline to compare with"])
    return verdict, compared


def _badge(verdict):
    """(word, colour) of a verdict; None is an unfailed full run, which no baseline judges."""
    return BADGES.get(verdict.status, (verdict.status, "#cf222e")) if verdict else NOT_COMPARED


def _headline(fig, result, verdict, compared, rtol, deviation):
    """The title area: the verdict word, big and coloured, then what was compared and how, then why."""
    word, colour = _badge(verdict)
    badge = fig.text(0.01, 0.985, word, fontsize=30, fontweight="bold", color=colour, va="top", ha="left",
                     gid="verdict")
    right = badge.get_window_extent(fig.canvas.get_renderer()).x1
    x = fig.transFigure.inverted().transform((right, 0))[0] + 0.02
    run = f"{result.mode} run, {result.steps} steps, {result.seconds:.1f} s"
    fig.text(x, 0.985, f"{result.name} on {result.dataset}  ({run})", fontsize=13, fontweight="bold",
             va="top", ha="left")
    if verdict is None or result.mode == "full":
        how = "not compared: a full run has no baseline of its length"
    elif not result.ok:
        how = "the run failed, so it was not judged against the baseline" + (
            f" (the deviation below is drawn as {compared.mode} mode would see it)" if deviation else "")
    elif verdict.status in ("pass", "FAIL") and compared is not None:
        how = MODES[compared.mode].format(atol=ATOL, rtol=rtol)
    else:  # no baseline, or one that could not be read: the details say which
        how = "not compared with a baseline"
    lines = [how]
    if verdict is not None and verdict.ok:
        lines.append(_matches(result))
    elif verdict is not None:
        lines += verdict.details[:3] + ([f"(+{len(verdict.details) - 3} more: see the index page)"]
                                        if len(verdict.details) > 3 else [])
    elif result.message:
        lines.append(result.message)
    fig.text(x, 0.985 - 0.5 / fig.get_figheight(), "\n".join(_clip(line) for line in lines), fontsize=9,
             va="top", ha="left", color="#24292f", linespacing=1.4, gid="details")


def _matches(result):
    return f"all {len(result.losses)} series match the baseline at every recorded step ({result.steps} steps)"


def _clip(line, width=150):
    return line if len(line) <= width else line[:width - 1] + "…"


def _curves(axes, result, baseline, names, colours, failure):
    """Run over baseline for ``names``: baseline thick and light beneath, run thin, dark, dashed, with markers."""
    compared = baseline is not None
    for series in names:
        colour = colours[series]
        if compared and series in baseline["losses"]:
            steps, values = zip(*baseline["losses"][series])
            axes.plot(steps, values, color=colour, linewidth=6, alpha=0.3, solid_capstyle="round",
                      label=f"{series}: baseline (thick, light)")
        if result.losses.get(series):
            steps, values = _smoothed(result.losses[series])
            few = len(steps) <= 200
            axes.plot(steps, values, color=colour, linewidth=1.2, linestyle="--" if compared else "-",
                      marker="o" if few else None, markersize=3,
                      label=f"{series}: this run" + (" (thin, dashed)" if compared else ""))
    if failure:
        axes.axvline(failure[0], color="#cf222e", linewidth=1, linestyle=":")
    if names and not any(result.losses.get(series) for series in names):
        axes.text(0.5, 0.5, f"this run recorded no step\n({result.status})", transform=axes.transAxes,
                  ha="center", va="center", fontsize=11, color="#cf222e")
    if axes.lines:
        _compact_legend(axes, compared)
    axes.set_xlabel("training step (parameter update)")


def _compact_legend(axes, compared, extra=()):
    """One entry per series (its colour) and, when a baseline is drawn, one entry per line style: half the entries
    of a legend that names every line, so it hides less of the curves."""
    from matplotlib.lines import Line2D

    handles, seen = [], set()
    for line in axes.get_lines():
        series = line.get_label().split(":")[0]
        if not series.startswith("_") and series not in seen and line.get_label() not in extra:
            seen.add(series)
            handles.append(Line2D([], [], color=line.get_color(), linewidth=2, label=series))
    if compared:
        handles += [Line2D([], [], color="#8c959f", linewidth=6, alpha=0.4, label="baseline (thick, light)"),
                    Line2D([], [], color="#57606a", linewidth=1.2, linestyle="--", marker="o", markersize=3,
                           label="this run (thin, dashed)")]
    handles += [line for line in axes.get_lines() if line.get_label() in extra]
    axes.legend(handles=handles, fontsize=7, loc="best", ncol=2 if len(handles) > 4 else 1)


def _accuracy_panel(axes, result, baseline, names, colours, failure):
    """Accuracy series (and a full run's conditional accuracy of its samples) on their own 0..1 axis."""
    _curves(axes, result, baseline, names, colours, failure)
    points = (result.quality or {}).get("points") or []
    if points and points[0].get("conditional_accuracy") is not None:
        label = "samples: conditional accuracy (evaluation classifier)"
        axes.plot([p["step"] for p in points], [p["conditional_accuracy"] for p in points], "^-", color="tab:green",
                  markersize=3, label=label)
        _compact_legend(axes, baseline is not None, extra=(label,))
    axes.set_ylim(-0.03, 1.03)
    axes.set_ylabel("accuracy (0..1)")
    axes.set_title("accuracies", fontsize=9)


def deviation_panel(axes, result, baseline, compared, rtol, colours):
    """|run - baseline| per step on a log axis; the tolerance the comparison applied; the first step outside.

    Exact agreement (deviation 0) cannot sit on a log axis: it is drawn on a floor line labelled "0". In identical
    mode the tolerance is 0, so every point above that line is outside; in envelope mode each series' tolerance
    ``ATOL + rtol·|baseline|`` is drawn dashed in its colour.
    """
    envelope = compared.mode == "envelope"
    drawn = {}
    for series, colour in colours.items():
        if series in baseline["losses"] and result.losses.get(series):
            drawn[series] = (colour, *deviations(result.losses[series], baseline["losses"][series]))
    finite = [g for _, _, gap, _ in drawn.values() for g in gap[np.isfinite(gap) & (gap > 0)]]
    limits = [ATOL + rtol * b for _, _, _, base in drawn.values() for b in base] if envelope else []
    floor = 10.0 ** (math.floor(math.log10(min(finite + limits + [ATOL]))) - 2)
    top = 10.0 ** (math.ceil(math.log10(max(finite + limits + [ATOL]))) + 2)  # headroom for legend and notes
    for i, (series, (colour, steps, gap, base)) in enumerate(drawn.items()):
        shown = np.where(np.isfinite(gap), np.maximum(gap, floor), np.nan)
        axes.plot(steps, shown, color=colour, marker="o", markersize=4, linewidth=1, label=f"{series}")
        if envelope:  # one legend entry stands for every series' dashed line
            axes.plot(steps, ATOL + rtol * base, color=colour, linestyle="--", linewidth=1, gid=f"tolerance {series}",
                      label="_" if i else f"dashed: tolerance {ATOL:g} + {rtol:g}·|baseline| (each series' colour)")
        for step in steps[~np.isfinite(gap)]:
            axes.plot([step], [top / 3], marker="X", color="#cf222e", markersize=10, linestyle="none")
            axes.annotate(f"non-finite at step {step} ({series})", (step, top / 3), xytext=(10, -4),
                          textcoords="offset points", va="top", color="#cf222e", fontsize=10, fontweight="bold",
                          bbox={"facecolor": "white", "edgecolor": "#cf222e", "pad": 2}, zorder=6)
    axes.set_yscale("log")
    axes.set_ylim(floor / 3, top)
    axes.axhline(floor, color="#6e7781", linewidth=0.8)
    decades = [10.0 ** k for k in range(round(math.log10(floor)) + 1, round(math.log10(top)) + 1)]
    axes.set_yticks([floor] + decades, ["0"] + [f"1e{round(math.log10(d))}" for d in decades])
    axes.minorticks_off()
    if not envelope:
        axes.annotate("identical mode: tolerance 0 - every point above the '0' line is outside", (0.5, floor),
                      xycoords=("axes fraction", "data"), xytext=(0, 6), textcoords="offset points", ha="center",
                      va="bottom", fontsize=8, color="#57606a", bbox={"facecolor": "white", "edgecolor": "none",
                                                                      "alpha": 0.8, "pad": 1})
    failure = first_outside(compared)
    if failure:
        step, series = failure
        _, steps, gap, _ = drawn.get(series, (None, np.array([]), np.array([]), None))
        at = gap[steps == step]
        y = top / 3 if not len(at) or not np.isfinite(at[0]) else max(at[0], floor)
        axes.axvline(step, color="#cf222e", linewidth=1, linestyle=":")
        axes.plot([step], [y], marker="o", markersize=14, markerfacecolor="none", markeredgecolor="#cf222e",
                  markeredgewidth=2, linestyle="none")
        left = step > np.mean(axes.get_xlim())  # the note on the side with room for it
        axes.annotate(f"first outside at step {step} ({series})", (step, y), xytext=(-12 if left else 12, 10),
                      textcoords="offset points", ha="right" if left else "left", color="#cf222e", fontsize=10,
                      fontweight="bold", bbox={"facecolor": "white", "edgecolor": "#cf222e", "pad": 2},
                      zorder=6)  # above the legend
    axes.set_ylabel("|run - baseline|")
    axes.set_xlabel("training step (parameter update)")
    axes.set_title("deviation from the baseline per step (log scale)", fontsize=9)
    if drawn:
        axes.legend(fontsize=7, loc="upper left", ncol=2)
    else:
        axes.text(0.5, 0.5, "no series this run and the baseline both recorded", transform=axes.transAxes,
                  ha="center", va="center", fontsize=11, color="#cf222e")


def quality_panel(axes, quality):
    """The quality trajectory: classifier score (left axis) and Fréchet distance (right axis) at each checkpoint,
    with the real-data reference (dashed, band of ±2 sd over draws). Conditional accuracy goes on the accuracy
    panel."""
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


def _samples(result, scored):
    """``(image, title)`` of the samples to show, or ``(None, why there are none)``.

    A full run's checkpoints carry their step. A script's own grid does not: in a smoke run it was written within
    its first few steps, before the generator learned anything, and is labelled so.
    """
    import matplotlib.pyplot as plt

    checkpoints = quality.step_files(Path(result.workdir) / execute.SAMPLES_DIR) if scored and result.workdir else []
    if checkpoints:
        step, last = checkpoints[-1]
        title = "untrained (step 0): no later checkpoint" if step == 0 else f"generator samples at step {step}"
        return samples_mosaic(last), title
    if result.samples and Path(result.samples).exists():
        name = Path(result.samples).name
        if result.mode == "smoke":
            title = f"untrained: script's grid {name},\nwritten within this smoke run's {result.steps} steps"
        else:
            title = f"script's newest grid {name}\n(run ended at step {result.steps})"
        return plt.imread(result.samples), title
    if result.ok:
        return None, f"no sample panel: the script wrote no sample grid during its {result.steps} steps"
    return None, f"no sample panel: the script wrote no sample grid before it failed (after {result.steps} steps)"


def figure(result, baseline, path, dpi=80, verdict=None, rtol=None):
    """Draw ``result`` against ``baseline`` and save the figure as ``path``.

    Args:
      result: the run (:class:`reproductions.execute.RunResult`).
      baseline: its loaded baseline, or None (a full run, or none recorded).
      path: the PNG to write.
      dpi: resolution.
      verdict: the :class:`reproductions.baseline.Verdict` the caller reached (``check``'s); when None it is
        reached here with :func:`reproductions.baseline.compare` (an error run is shown as ERROR; a full run as
        not compared).
      rtol: the reproduction's envelope (its catalog entry's ``rtol``) for drawing the tolerance and for a
        comparison made here; default :data:`reproductions.baseline.RTOL`.

    Returns:
      the matplotlib Figure (closed; its texts and lines are what the PNG shows).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rtol = RTOL if rtol is None else rtol
    verdict, compared = _shown_verdict(result, baseline, verdict, rtol)
    names = sorted(set(result.losses) | set((baseline or {}).get("losses", {})))
    colours = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}  # one colour a series, all panels
    losses, accuracies = [n for n in names if not is_accuracy(n)], [n for n in names if is_accuracy(n)]
    scored = bool(result.quality and result.quality.get("points"))
    conditional = scored and result.quality["points"][0].get("conditional_accuracy") is not None
    image, sample_title = _samples(result, scored)
    deviation = compared is not None and any(result.losses.get(n) for n in names)

    top = ["losses"] + (["accuracy"] if accuracies or conditional else []) + (["quality"] if scored else [])
    columns = len(top) + (image is not None)
    rows = 2 if deviation else 1
    height = 3.6 * rows + 2.0  # inches: the panels and, above them, the verdict's title area (up to five lines)
    fig = plt.figure(figsize=(4.6 * columns + 0.8, height))
    grid = fig.add_gridspec(rows, columns, width_ratios=[3] * len(top) + ([2.4] if image is not None else []),
                            top=1 - 1.85 / height, bottom=0.75 / height, left=0.06, right=0.98, hspace=0.3,
                            wspace=0.28)
    _headline(fig, result, verdict, compared, rtol, deviation)
    nonfinite = result.first_nonfinite()
    failure = first_outside(compared) or (nonfinite[:2] if nonfinite else None)  # marked on every curve panel
    panels = {name: fig.add_subplot(grid[0, i]) for i, name in enumerate(top)}
    _curves(panels["losses"], result, baseline if compared is not None else None, losses, colours, failure)
    panels["losses"].set_ylabel("loss")
    panels["losses"].set_title("losses", fontsize=9)
    if "accuracy" in panels:
        _accuracy_panel(panels["accuracy"], result, baseline if compared is not None else None, accuracies, colours,
                        failure)
    if scored:
        quality_panel(panels["quality"], result.quality)
    if deviation:
        axes = fig.add_subplot(grid[1, :len(top)], sharex=panels["losses"])
        deviation_panel(axes, result, baseline, compared, rtol, colours)
    if image is not None:
        samples = fig.add_subplot(grid[:, -1])
        samples.imshow(image, cmap="gray", vmin=0 if image.ndim == 2 else None, vmax=1 if image.ndim == 2 else None)
        samples.set_title(sample_title, fontsize=9)
        samples.axis("off")
    else:
        fig.text(0.01, 0.01, sample_title, fontsize=8, color="#57606a", va="bottom", ha="left")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return fig


def _link(target, folder):
    """A link from the index page in ``folder`` to ``target`` (relative, so the report folder can move with OUT)."""
    return html.escape(os.path.relpath(target, folder)) if target else ""


def index(rows, figures, path):
    """An HTML page: one table row per run with its verdict and what decided it, then every figure.

    rows: (RunResult, Verdict or None) as for :func:`table`; figures: the PNG written for each row, in order.
    """
    folder = Path(path).parent
    cells = []
    for (result, verdict), fig in zip(rows, figures):
        verdict = verdict or _failed(result)
        word, colour = _badge(verdict)
        if verdict and verdict.ok:
            details = [_matches(result)]
        elif verdict:
            details = verdict.details or [result.message]
        else:
            details = ["full run: not compared with a baseline", result.message]
        failure, worst = first_outside(verdict), largest_deviation(verdict)
        nonfinite = result.first_nonfinite()
        first = (f"{failure[0]} ({html.escape(failure[1])})" if failure else
                 f"{nonfinite[0]} (non-finite {html.escape(nonfinite[1])})" if nonfinite else "")
        largest = f"{worst[0]:.3g} at step {worst[1]} ({html.escape(worst[2])})" if worst else ""
        links = [f'<a href="#{html.escape(Path(fig).stem)}">figure</a>', f'<a href="{_link(fig, folder)}">png</a>']
        if result.log:
            links.append(f'<a href="{_link(result.log, folder)}">run log</a>')
        cells.append(
            f"<tr><td>{html.escape(result.name)}</td><td>{html.escape(result.dataset)}</td>"
            f'<td style="color:{colour};font-weight:bold">{word}</td>'
            f"<td>{html.escape((verdict.mode if verdict else '') or '-')}</td>"
            f"<td>{html.escape(result.mode)}</td><td>{result.steps}</td><td>{result.seconds:.1f}</td>"
            f"<td>{first or '-'}</td><td>{largest or '-'}</td>"
            f"<td>{'<br>'.join(html.escape(d) for d in details if d) or '-'}</td><td>{' '.join(links)}</td></tr>")
    folder.mkdir(parents=True, exist_ok=True)
    images = "".join(f'<h3 id="{html.escape(Path(f).stem)}">{html.escape(Path(f).stem)}</h3>'
                     f'<img src="{_link(f, folder)}" style="max-width:100%">' for f in figures)
    Path(path).write_text(
        "<!doctype html><meta charset=utf-8><title>reproductions</title>"
        "<style>td,th{padding:2px 8px;border-bottom:1px solid #ccc;text-align:left;vertical-align:top}</style>"
        "<h1>Reproductions against their baselines</h1><table><tr><th>reproduction</th><th>dataset</th>"
        "<th>verdict</th><th>comparison</th><th>run</th><th>steps</th><th>seconds</th><th>first step outside</th>"
        "<th>largest deviation</th><th>detail</th><th>links</th></tr>" + "".join(cells) + "</table>" + images,
        encoding="utf-8")
