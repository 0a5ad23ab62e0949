"""attractor bench --probabilistic (issue #15 item 4): tasks, scores, references, resume, CLI.

Closed forms used: for y and the members drawn from the same N(0, s^2), E[CRPS] = s / sqrt(pi)
(Gneiting & Raftery 2007, eq. 21 with the Gaussian mean absolute difference 2 s / sqrt(pi)); for a
Gaussian random walk the persistence ensemble (last value plus past k-step changes) samples the
exact predictive distribution, so its PIT is Uniform(0, 1).
"""
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from attractor.bench import make_prob_tasks, run_prob_task, run_probabilistic
from attractor.bench.probabilistic import AVAILABLE_MODELS, DEFAULT_SYSTEMS, PROB_MODELS, prob_expected_metrics
from attractor.bench.runner import _data_seed
from attractor.core.errors import InsufficientDataError, ValidationError
from attractor.forecast import (climatology_ensemble, crps_ensemble, crps_skill_horizon, persistence_ensemble,
                                pit_uniformity_test)

SETTINGS = dict(n_train_periods=5, n_test_periods=1, points_per_period=50, max_fits=3, n_samples=12,
                n_long_periods=5, n_forecast_origins=4)


@pytest.fixture(scope="module")
def lorenz_rows():
    tasks = make_prob_tasks(["lorenz"], ["analog", "ngrc"], **SETTINGS)
    return {t.model: (t, run_prob_task(t)) for t in tasks}


def _metrics(rows):
    return {r["metric"]: r["value"] for r in rows}


def test_default_subset_and_models_are_named_and_valid():
    assert DEFAULT_SYSTEMS == ("Lorenz", "Rossler", "Aizawa", "Halvorsen", "Chua", "Thomas")
    assert set(PROB_MODELS) == {"freefm", "analog", "esn", "ngrc", "sindy"}
    assert {"kernel", "dmd", "linear_ar"} <= set(AVAILABLE_MODELS)
    tasks = make_prob_tasks()
    assert len(tasks) == 6 * 5 and {t.system for t in tasks} == set(DEFAULT_SYSTEMS)


def test_same_data_seed_as_the_point_benchmark():
    from attractor.bench import make_tasks

    pt = make_tasks(["lorenz"], ["ngrc"], n_train_periods=5, n_test_periods=1, points_per_period=50, max_fits=3,
                    n_long_periods=5)[0]
    t = make_prob_tasks(["lorenz"], ["ngrc"], **SETTINGS)[0]
    assert t.point_task == pt and _data_seed(t.point_task) == _data_seed(pt)
    assert t.key != pt.key and t.key.startswith("prob|")


def test_task_writes_the_expected_metrics_and_scores_make_sense(lorenz_rows):
    for model, (task, rows) in lorenz_rows.items():
        m = _metrics(rows)
        assert set(m) == set(prob_expected_metrics(task)), model
        assert m["failed"] == 0, rows[0]["params"]
        # the same references for every model of the cell (same data, same verification pairs)
        assert m["crps_skill_climatology"] == pytest.approx(1 - m["crps"] / m["crps_climatology"])
        assert 0 <= m["pit_ks"] <= 1 and m["pit_n"] >= 20 and m["long_run_bounded"] == 1
    a, n = _metrics(lorenz_rows["analog"][1]), _metrics(lorenz_rows["ngrc"][1])
    assert a["crps_climatology"] == n["crps_climatology"] and a["crps_persistence"] == n["crps_persistence"]
    # clean Lorenz over one period (1.4 Lyapunov times): NGRC is far sharper than climatology, and the analogue
    # ensemble better than climatology too
    assert n["crps_skill_climatology"] > 0.8 and n["skill_horizon_lyapunov"] > 0.5
    assert a["crps_skill_climatology"] > 0.1


def test_models_without_ensemble_mode_and_bad_settings_are_refused():
    with pytest.raises(ValidationError, match="cannot give an ensemble"):
        make_prob_tasks(["lorenz"], ["persistence"])
    with pytest.raises(ValidationError, match="n_samples"):
        make_prob_tasks(["lorenz"], ["analog"], n_samples=1)
    with pytest.raises(ValidationError, match="n_forecast_origins"):
        make_prob_tasks(["lorenz"], ["analog"], n_forecast_origins=1)
    with pytest.raises(ValidationError, match="backend"):
        run_probabilistic(make_prob_tasks(["lorenz"], ["analog"], **SETTINGS), backend="dask", progress=False)


def test_processes_backend_gives_the_inprocess_numbers():
    tasks = make_prob_tasks(["lorenz", "rossler"], ["analog"], **SETTINGS)
    a = run_probabilistic(tasks, progress=False)
    b = run_probabilistic(tasks, backend="processes", n_workers=2, progress=False)

    def values(t):
        t = t[~t["metric"].isin(["task_seconds", "cpu_seconds", "fit_seconds"])]
        return t.set_index(["task", "metric"])["value"].sort_index()

    pd.testing.assert_series_equal(values(a.table), values(b.table))


def test_an_ensemble_with_non_finite_members_is_an_error():
    from attractor.bench.probabilistic import _ensemble

    class Blows:
        seed = 0

        def forecast_ensemble(self, history, horizon, n):
            out = np.zeros((n, horizon, 1))
            out[1, 3:] = np.nan
            return out

    with pytest.raises(ValidationError, match="1 of 4 ensemble members diverged"):
        _ensemble(Blows(), "native", np.zeros((10, 1)), 5, 4, None, 0)


@pytest.mark.slow
def test_conditional_flow_matching_runs_in_the_track():
    pytest.importorskip("jax")
    pytest.importorskip("equinox")
    t = make_prob_tasks(["lorenz"], ["cfm"], **{**SETTINGS, "max_fits": 1})[0]
    m = _metrics(run_prob_task(t))
    assert m["failed"] == 0 and np.isfinite(m["crps"]) and m["long_run_bounded"] == 1


def test_run_writes_table_and_resumes(tmp_path):
    tasks = make_prob_tasks(["lorenz"], ["analog"], **SETTINGS)
    path = tmp_path / "prob.csv"
    res = run_probabilistic(tasks, path=path, progress=False)
    assert res.n_run == 1 and res.n_failed == 0 and path.exists()
    df = pd.read_csv(path)
    assert list(df.columns[:8]) == ["task", "system", "model", "variant", "noise", "metric", "value", "params"]
    med = res.summary.set_index(["model", "metric"])["median"]
    assert ("analog", "crps_skill_climatology") in med.index
    again = run_probabilistic(tasks, path=path, progress=False)
    assert again.n_run == 0 and again.n_resumed == 1


def test_cli_probabilistic(tmp_path):
    from attractor.cli import app

    out = tmp_path / "p.csv"
    r = CliRunner().invoke(app, ["bench", "--probabilistic", "--systems", "lorenz", "--models", "analog", "--out",
                                 str(out), "--train-periods", "5", "--test-periods", "1", "--points-per-period",
                                 "50", "--members", "10", "--long-periods", "5", "--max-fits", "2"])
    assert r.exit_code == 0, r.output
    assert "crps_skill_climatology" in r.output and "pit_ks" in r.output and out.exists()
    r = CliRunner().invoke(app, ["bench", "--probabilistic", "--systems", "lorenz", "--models", "mean", "--out",
                                 str(out)])
    assert r.exit_code == 2 and "cannot give an ensemble" in r.output


# ---------------------------------------------------------------------- reference ensembles and skill horizon
def test_climatology_ensemble_crps_matches_the_gaussian_closed_form():
    rng = np.random.default_rng(0)
    train = rng.standard_normal(20_000)
    obs = rng.standard_normal((4000, 1))
    ens = climatology_ensemble(train, 1, n_members=200)[:, 0]          # (200, 1)
    ens = np.broadcast_to(ens[:, None, :], (ens.shape[0], obs.shape[0], 1))
    crps = crps_ensemble(obs, ens, fair=True).mean()
    # E[CRPS] = 1/sqrt(pi) = 0.5642; sampling sd of the mean over 4000 obs is about 0.005
    assert crps == pytest.approx(1 / math.sqrt(math.pi), abs=0.02)


def test_persistence_ensemble_is_calibrated_on_a_random_walk_and_beats_climatology():
    rng = np.random.default_rng(1)
    walk = np.cumsum(rng.standard_normal(30_000))
    train, test = walk[:20_000], walk[20_000:]
    h = 10
    obs, ens_p, ens_c = [], [], []
    for o in range(100, test.size - h, 97):            # origins 97 samples apart: almost independent pairs
        obs.append(test[o + h - 1])
        # 2000 members: with the same k-step changes at every origin, a 100-member empirical CDF would itself
        # be off by ~0.1 (KS), which the test would (rightly) see; over seeds 0-39, 0 of 40 rejected at 5 %
        ens_p.append(persistence_ensemble(train, test[o - 1:o], h, 2000)[:, -1, 0])
        ens_c.append(climatology_ensemble(train, h, 100)[:, -1, 0])
    obs, ens_p, ens_c = np.array(obs), np.array(ens_p).T, np.array(ens_c).T
    test_p = pit_uniformity_test(obs, ens_p)
    assert test_p.calibrated and test_p.statistic < test_p.critical_value
    assert crps_ensemble(obs, ens_p, fair=True).mean() < 0.5 * crps_ensemble(obs, ens_c, fair=True).mean()
    with pytest.raises(InsufficientDataError):
        persistence_ensemble(train[:5], train[-1:], 10)


def test_skill_horizon_counts_only_material_significant_leading_leads():
    rng = np.random.default_rng(2)
    ref = np.ones((8, 20))
    better = ref.copy()
    better[:, :6] = 0.5 + 0.01 * rng.standard_normal((8, 6))   # clearly better for 6 leads
    sh = crps_skill_horizon(better, ref)
    assert sh.n_leads == 6 and not sh.lower_bound
    # equal in distribution (pure noise vs noise): not better at the first lead
    a, b = 1 + 0.1 * rng.standard_normal((8, 20)), 1 + 0.1 * rng.standard_normal((8, 20))
    assert crps_skill_horizon(a, b).n_leads == 0
    fp = sum(crps_skill_horizon(1 + 0.1 * rng.standard_normal((8, 1)), 1 + 0.1 * rng.standard_normal((8, 1))).n_leads
             for _ in range(400))
    assert fp <= 20            # false skill claims at a lead: at most 5 % of 400 draws (about 2 % expected)
    assert crps_skill_horizon(a, a).n_leads == 0
    # better by less than the 5 % margin: no skill claimed
    assert crps_skill_horizon(0.97 * ref, ref).n_leads == 0
    full = crps_skill_horizon(0.5 * ref, ref)
    assert full.n_leads == 20 and full.lower_bound
    # a reference CRPS that varies by orders of magnitude between origins (an observation near the climatological
    # median or in a tail) does not hide a forecast that is 100 times better at every origin
    het = np.outer(10.0 ** rng.uniform(-3, 0, 4), np.ones(20))
    assert crps_skill_horizon(0.01 * het, het).n_leads == 20
    # round-off below zero of an exact forecast's CRPS is zero, not an error
    assert crps_skill_horizon(np.full((4, 5), -1e-17), ref[:4, :5]).n_leads == 5
    with pytest.raises(ValidationError, match=">= 0"):
        crps_skill_horizon(ref - 2, ref)
    with pytest.raises(InsufficientDataError):
        crps_skill_horizon(ref[:1], ref[:1])
    with pytest.raises(ValidationError):
        crps_skill_horizon(ref, ref[:, :5])
