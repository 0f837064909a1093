"""The report shows the verdict: synthetic runs against synthetic baselines (a pass, a failure from step 7, a NaN
run, a crash before the first step, a full run with its quality trajectory) are drawn, and the figures' texts and
lines and the index page are read as a person would read them."""
import math

import numpy as np
import pytest

from reproductions import baseline, execute, report

HERE = {"tensorflow": "2.21", "numpy": "2", "python": "3.11", "platform": "Linux-x86_64", "cpu": "this CPU"}
ELSEWHERE = {**HERE, "cpu": "another CPU"}
STEPS = range(1, 10)
RTOL = 1e-3


@pytest.fixture(autouse=True)
def this_machine(monkeypatch):
    """The environment the comparison sees: a baseline recorded with HERE is compared bit for bit."""
    monkeypatch.setattr(baseline, "environment", lambda: dict(HERE))


def trajectories():
    """Three series a 9-step smoke run of a conditional GAN records: two losses and the discriminator's accuracy."""
    return {"d_loss": [[s, 0.7 - 0.02 * s] for s in STEPS], "g_loss": [[s, 0.69 + 0.05 * s] for s in STEPS],
            "d_accuracy": [[s, 0.5 + 0.04 * s] for s in STEPS]}


def run(losses, status="ok", message="", workdir="", mode="smoke"):
    result = execute.RunResult("002_demo", "fashion-mnist", 1, mode, status=status, message=message,
                               losses=losses, variables=[["w:0", [2]]], shapes={"generator": [4, 2]},
                               seconds=12.5, workdir=str(workdir), log=str(workdir) + "/run.log" if workdir else "")
    result.steps = max((s for points in losses.values() for s, _ in points), default=0)
    return result


def recorded(environment=HERE):
    return {"format": baseline.FORMAT, "reproduction": "002_demo", "dataset": "fashion-mnist", "seed": 1,
            "steps": 9, "environment": dict(environment), "shapes": {"generator": [4, 2]},
            "variables": [["w:0", [2]]], "losses": trajectories()}


def failing_from_step_7():
    """Envelope mode (baseline from another CPU): d_loss at 0.5x its tolerance through step 6, then 4x, 9x, 16x."""
    losses = trajectories()
    for point in losses["d_loss"]:
        step, want = point
        factor = 0.5 if step < 7 else (step - 5) ** 2
        point[1] = want + factor * (baseline.ATOL + RTOL * abs(want))
    return run(losses), recorded(ELSEWHERE)


def nan_run():
    losses = {k: [p for p in v if p[0] <= 3] for k, v in trajectories().items()}
    losses["g_loss"][2][1] = math.nan
    return run(losses, "error", "non-finite loss g_loss = nan at step 3")


def texts(fig):
    """Every text a person sees in the figure: figure texts, titles, annotations, tick labels, legends."""
    found = [t.get_text() for t in fig.texts]
    for axes in fig.axes:
        found += [axes.get_title(), axes.get_ylabel()] + [t.get_text() for t in axes.texts]
        found += [t.get_text() for t in axes.get_yticklabels()]
        if axes.get_legend():
            found += [t.get_text() for t in axes.get_legend().get_texts()]
    return "\n".join(found)


def panel(fig, ylabel):
    hits = [axes for axes in fig.axes if axes.get_ylabel().startswith(ylabel)]
    assert len(hits) == 1, [axes.get_ylabel() for axes in fig.axes]
    return hits[0]


def verdict_word(fig):
    word = next(t for t in fig.texts if t.get_gid() == "verdict")
    return word.get_text(), word.get_color(), word.get_fontsize()


def lines_labelled(axes, label):
    return [line for line in axes.get_lines() if line.get_label() == label]


def test_a_pass_says_pass_and_keeps_the_baseline_visible_under_identical_lines(tmp_path):
    result, base = run(trajectories()), recorded()
    verdict = baseline.compare(result, base, RTOL)
    fig = report.figure(result, base, tmp_path / "pass.png", verdict=verdict, rtol=RTOL)
    assert (tmp_path / "pass.png").stat().st_size > 10_000
    word, colour, size = verdict_word(fig)
    assert word == "PASS" and colour == "#1a7f37" and size >= 24
    shown = texts(fig)
    assert "002_demo on fashion-mnist" in shown and "identical mode" in shown and "first outside" not in shown
    losses = panel(fig, "loss")
    under = lines_labelled(losses, "d_loss: baseline (thick, light)")[0]
    over = lines_labelled(losses, "d_loss: this run (thin, dashed)")[0]
    assert under.get_linewidth() >= 3 * over.get_linewidth() and under.get_alpha() < 1 and over.get_marker() == "o"
    np.testing.assert_array_equal(under.get_ydata(), over.get_ydata())  # the same numbers, both drawn
    deviation = panel(fig, "|run - baseline|")
    zero = float(deviation.get_yticks()[0])
    assert [t.get_text() for t in deviation.get_yticklabels()][0] == "0"
    for series in ("d_loss", "g_loss", "d_accuracy"):
        np.testing.assert_array_equal(lines_labelled(deviation, series)[0].get_ydata(), [zero] * 9)


def test_a_failure_is_marked_where_it_starts_against_the_drawn_tolerance(tmp_path):
    result, base = failing_from_step_7()
    verdict = baseline.compare(result, base, RTOL)
    fig = report.figure(result, base, tmp_path / "fail.png", verdict=verdict, rtol=RTOL)
    word, colour, _ = verdict_word(fig)
    assert word == "FAIL" and colour == "#cf222e"
    shown = texts(fig)
    assert "envelope mode" in shown and "first outside at step 7 (d_loss)" in shown
    assert "d_loss: left the baseline at step 7" in shown
    deviation = panel(fig, "|run - baseline|")
    want = np.array([0.7 - 0.02 * s for s in STEPS])
    tolerance = baseline.ATOL + RTOL * want
    gap = lines_labelled(deviation, "d_loss")[0].get_ydata()
    np.testing.assert_allclose(gap, tolerance * np.array([0.5] * 6 + [4, 9, 16]), rtol=1e-6)
    drawn = [line for line in deviation.get_lines() if line.get_gid() == "tolerance d_loss"][0]
    assert drawn.get_linestyle() == "--" and drawn.get_color() == lines_labelled(deviation, "d_loss")[0].get_color()
    assert f"dashed: tolerance {baseline.ATOL:g} + {RTOL:g}·|baseline|" in texts(fig)
    np.testing.assert_allclose(drawn.get_ydata(), tolerance, rtol=1e-12)
    assert all(gap[:6] < drawn.get_ydata()[:6]) and all(gap[6:] > drawn.get_ydata()[6:])
    assert deviation.get_yscale() == "log"
    marker = [line for line in deviation.get_lines() if list(line.get_xdata()) == [7, 7]]  # the vertical mark
    assert marker and marker[0].get_color() == "#cf222e"


def test_accuracies_have_their_own_axis(tmp_path):
    result, base = failing_from_step_7()
    fig = report.figure(result, base, tmp_path / "fail.png", rtol=RTOL)  # verdict reached by the figure itself
    assert verdict_word(fig)[0] == "FAIL"
    accuracy, losses = panel(fig, "accuracy"), panel(fig, "loss")
    assert accuracy.get_ylim()[0] <= 0 and 1 <= accuracy.get_ylim()[1] < 1.1
    assert {line.get_label().split(":")[0] for line in accuracy.get_lines() if not line.get_label().startswith("_")} \
        == {"d_accuracy"}
    assert not [line for line in losses.get_lines() if "accuracy" in line.get_label()]


def test_a_nan_run_is_an_error_marked_at_its_step(tmp_path):
    result, base = nan_run(), recorded()
    verdict = baseline.Verdict(result.name, "ERROR", details=[f"error: {result.message}"])  # as `check` makes it
    fig = report.figure(result, base, tmp_path / "nan.png", verdict=verdict, rtol=RTOL)
    assert verdict_word(fig)[0] == "ERROR"
    shown = texts(fig)
    assert "non-finite loss g_loss = nan at step 3" in shown and "non-finite at step 3" in shown
    gap = lines_labelled(panel(fig, "|run - baseline|"), "g_loss")[0].get_ydata()
    assert not np.isfinite(gap[2]) and np.all(np.isfinite(gap[:2]))


def test_an_error_before_the_first_step_says_so_and_draws_no_empty_panels(tmp_path):
    result = run({}, "error", "exit status 1: ValueError: boom (log: out/run.log)")
    fig = report.figure(result, recorded(), tmp_path / "error.png", rtol=RTOL)
    assert verdict_word(fig)[0] == "ERROR"
    shown = texts(fig)
    assert "error: exit status 1: ValueError: boom" in shown and "this run recorded no step" in shown
    assert "no sample panel: the script wrote no sample grid before it failed (after 0 steps)" in shown
    assert "deviation below" not in shown
    assert not [axes for axes in fig.axes if axes.get_ylabel() == "|run - baseline|"]
    assert not [axes for axes in fig.axes if not axes.axison]  # no image panel standing empty


def test_a_sound_run_beside_an_unreadable_baseline_is_not_blamed(tmp_path):
    result = run(trajectories())
    verdict = baseline.Verdict(result.name, "ERROR", details=["corrupt baseline b.json: Expecting value; restore it"])
    fig = report.figure(result, None, tmp_path / "corrupt.png", verdict=verdict)
    assert verdict_word(fig)[0] == "ERROR"
    shown = texts(fig)
    assert "not compared with a baseline" in shown and "corrupt baseline b.json" in shown
    assert "the run failed" not in shown


def test_series_the_baseline_does_not_have_are_said_to_be_missing(tmp_path):
    result, base = run({"renamed_loss": [[s, 0.5] for s in STEPS]}), recorded()
    fig = report.figure(result, base, tmp_path / "renamed.png")
    assert verdict_word(fig)[0] == "FAIL"
    shown = texts(fig)
    assert "d_loss: series missing from this run" in shown and "(+1 more: see the index page)" in shown
    assert "no series this run and the baseline both recorded" in shown


def full_run(tmp_path):
    folder = tmp_path / "run" / execute.SAMPLES_DIR
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for step in (0, 600, 1200):
        np.savez(folder / f"step-{step}.npz", images=rng.random((100, 28, 28), dtype=np.float32),
                 labels=np.arange(100) % 10)
    steps = range(1, 1201)
    result = run({"discriminator.loss": [[s, 0.6 + 0.1 * math.sin(s / 50)] for s in steps],
                  "discriminator.accuracy": [[s, 0.5 + 0.3 * math.sin(s / 80) ** 2] for s in steps],
                  "combined.loss": [[s, 1.2 - 0.0002 * s] for s in steps]}, workdir=tmp_path / "run", mode="full")
    point = {"n": 100, "classifier_score": 2.0, "frechet_distance": 300.0, "conditional_accuracy": 0.1}
    result.quality = {"points": [{**point, "step": s, "conditional_accuracy": 0.1 + s / 2000} for s in (0, 600, 1200)],
                      "real": {**point, "classifier_score": 9.0, "frechet_distance": 2.0, "conditional_accuracy": 0.9},
                      "real_spread": {"classifier_score": 0.1, "frechet_distance": 0.2, "conditional_accuracy": 0.01},
                      "floor": None, "skipped": []}
    return result


def test_a_full_run_is_not_compared_and_its_samples_carry_their_step(tmp_path):
    result = full_run(tmp_path)
    fig = report.figure(result, None, tmp_path / "full.png")
    assert verdict_word(fig)[0] == "FULL RUN"
    shown = texts(fig)
    assert "generator samples at step 1200" in shown and "not compared" in shown
    accuracy = panel(fig, "accuracy")
    labels = [line.get_label() for line in accuracy.get_lines()]
    assert "discriminator.accuracy: this run" in labels
    assert "samples: conditional accuracy (evaluation classifier)" in labels
    np.testing.assert_allclose(lines_labelled(accuracy, "samples: conditional accuracy (evaluation classifier)")[0]
                               .get_ydata(), [0.1, 0.4, 0.7])
    assert not [axes for axes in fig.axes if axes.get_ylabel() == "|run - baseline|"]


def test_samples_of_an_untrained_generator_say_so(tmp_path):
    result = full_run(tmp_path)
    for step in (600, 1200):
        (tmp_path / "run" / execute.SAMPLES_DIR / f"step-{step}.npz").unlink()
    assert "untrained (step 0)" in texts(report.figure(result, None, tmp_path / "full.png"))
    grid = tmp_path / "run" / "images" / "0.png"
    grid.parent.mkdir()
    import matplotlib.pyplot as plt

    plt.imsave(grid, np.zeros((20, 20)), cmap="gray")
    smoke = run(trajectories())
    smoke.samples = str(grid)
    assert "untrained: script's grid 0.png" in texts(report.figure(smoke, recorded(), tmp_path / "smoke.png"))


def test_the_index_page_carries_the_details(tmp_path):
    passing, base = run(trajectories(), workdir=tmp_path / "runs" / "a"), recorded()
    failing, other = failing_from_step_7()
    failing.log = str(tmp_path / "runs" / "b" / "run.log")
    crashed = run({}, "error", "exit status 1: ValueError: boom", workdir=tmp_path / "runs" / "c")
    rows = [(passing, baseline.compare(passing, base, RTOL)), (failing, baseline.compare(failing, other, RTOL)),
            (crashed, baseline.Verdict(crashed.name, "ERROR", details=[f"error: {crashed.message}"])),
            (nan_run(), baseline.Verdict("002_demo", "ERROR", details=["error: non-finite loss g_loss = nan"]))]
    folder = tmp_path / "report"
    figures = [str(folder / f"{i}.png") for i in range(len(rows))]
    report.index(rows, figures, folder / "index.html")
    page = (folder / "index.html").read_text(encoding="utf-8")
    rows_html = page.split("<tr>")[2:]
    assert "PASS" in rows_html[0] and "identical" in rows_html[0]
    assert "all 3 series match the baseline at every recorded step" in rows_html[0]
    assert 'href="../runs/a/run.log"' in rows_html[0] and 'href="#0"' in rows_html[0] and 'href="0.png"' in rows_html[0]
    assert "FAIL" in rows_html[1] and "envelope" in rows_html[1] and "<td>7 (d_loss)</td>" in rows_html[1]
    worst = 16 * (baseline.ATOL + RTOL * (0.7 - 0.02 * 9))
    assert f"{worst:.3g} at step 9 (d_loss)" in rows_html[1] and "12.5" in rows_html[1]
    assert "ERROR" in rows_html[2] and "ValueError: boom" in rows_html[2]
    assert "3 (non-finite g_loss)" in rows_html[3]
    assert page.count("<img ") == 4 and '<h3 id="1">' in page
