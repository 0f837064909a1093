"""The comparison's boundaries, pinned: identical mode accepts the baseline's own bits and nothing one ulp away;
envelope mode accepts a deviation of 0.99x its limit ``ATOL + rtol * |baseline|`` and refuses 1.01x, whether the
absolute or the relative term dominates, above or below a positive or negative baseline. A looser or tighter rule
fails here."""
import numpy as np
import pytest

from reproductions import baseline, execute

HERE = {"tensorflow": "2.21", "numpy": "2", "python": "3.11", "platform": "Linux-x86_64", "cpu": "this CPU"}
# baselines from the absolute-term regime (|baseline| * rtol << ATOL) to the relative-term one, both signs
WANTS = (0.0, 1e-4, -3e-3, 0.69, -1.7, 2.5e3)


@pytest.fixture(autouse=True)
def this_machine(monkeypatch):
    monkeypatch.setattr(baseline, "environment", lambda: dict(HERE))


def result(values):
    r = execute.RunResult("demo", "fashion-mnist", 1, "smoke", variables=[["w:0", [2]]], shapes={"generator": [4, 2]},
                          losses={"loss": [[i + 1, v] for i, v in enumerate(values)]})
    r.steps = len(values)
    return r


def recorded(values, environment):
    return {"format": baseline.FORMAT, "steps": len(values), "environment": dict(environment),
            "shapes": {"generator": [4, 2]}, "variables": [["w:0", [2]]],
            "losses": {"loss": [[i + 1, v] for i, v in enumerate(values)]}}


def limit(want, rtol):
    """The envelope as documented in reproductions/baseline.py: |got - want| <= ATOL + rtol * |want|."""
    return 1e-5 + rtol * abs(want)


@pytest.mark.parametrize("rtol", [1e-3, 1e-2])
@pytest.mark.parametrize("sign", [1, -1])
def test_envelope_accepts_just_inside_and_refuses_just_outside(rtol, sign):
    base = recorded(WANTS, {**HERE, "cpu": "the CPU the baseline was recorded on"})
    inside = [w + sign * 0.99 * limit(w, rtol) for w in WANTS]
    verdict = baseline.compare(result(inside), base, rtol)
    assert verdict.ok and verdict.mode == "envelope", verdict.details
    for step, want in enumerate(WANTS, start=1):
        outside = list(inside)
        outside[step - 1] = want + sign * 1.01 * limit(want, rtol)
        verdict = baseline.compare(result(outside), base, rtol)
        assert verdict.status == "FAIL" and verdict.mode == "envelope", (want, verdict.details)
        assert verdict.diffs[0].first_step == step
        deviations = [abs(got - w) for got, w in zip(outside, WANTS)]
        assert verdict.diffs[0].worst == pytest.approx(max(deviations), rel=1e-9)


def test_envelope_uses_the_reproductions_rtol_not_the_default():
    base = recorded([2.0], {**HERE, "cpu": "another CPU"})
    between = [2.0 + 1.01 * limit(2.0, baseline.RTOL)]  # outside the default envelope, inside one 10x wider
    assert baseline.compare(result(between), base, rtol=10 * baseline.RTOL).ok
    assert not baseline.compare(result(between), base).ok


def test_identical_mode_accepts_the_same_bits_and_refuses_one_ulp():
    base = recorded(WANTS, HERE)
    verdict = baseline.compare(result(WANTS), base)
    assert verdict.ok and verdict.mode == "identical"
    for step, want in enumerate(WANTS, start=1):
        for moved in (np.nextafter(np.float32(want), np.float32(np.inf)), 0.99 * limit(want, baseline.RTOL) + want):
            values = list(WANTS)
            values[step - 1] = float(moved)
            verdict = baseline.compare(result(values), base)
            assert verdict.status == "FAIL" and verdict.mode == "identical", (want, moved)
            assert verdict.diffs[0].first_step == step


def test_the_mode_follows_the_environment_field_by_field():
    for key in HERE:
        verdict = baseline.compare(result([0.5]), recorded([0.5], {**HERE, key: "other"}))
        assert verdict.ok and verdict.mode == "envelope", key
    assert baseline.compare(result([0.5]), recorded([0.5], HERE)).mode == "identical"
