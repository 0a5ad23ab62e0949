"""Sparse regression for SINDy: STLSQ, SR3, ensembles, and sparsity selection by AICc.

Every optimizer solves, for each target column ``y`` (one state's derivative), a
sparse linear regression ``y ≈ Θ ξ`` and exposes, after :meth:`fit`:

``coef_`` : (n_targets, n_features) coefficients.
``threshold_`` : (n_targets,) threshold actually used per equation.
``path_`` : per equation, a list of dicts ``{threshold, n_terms, rss, aicc, support}``
    when the threshold was selected automatically (empty list otherwise).

Automatic sparsity selection (``threshold=None``): the regression is solved on
*normalised* features (each column of Θ divided by its RMS, the target by its RMS), so
a threshold is a relative contribution. Candidate thresholds lie between consecutive
magnitudes of the least-squares coefficients (plus a geometric grid); each gives a
support. The stepwise sparse regression path (Boninsegna, Nüske & Clementi 2018: refit,
drop the smallest coefficient, repeat) adds one support per size. Of all these, the support minimising the corrected Akaike criterion

    AICc = n log(RSS_eff / n) + 2k + 2k(k + 1) / (n - k - 1)

(Hurvich & Tsai 1989; Mangan et al. 2017 for SINDy) is chosen, ties to the sparsest.
Two more paths add candidates: backward elimination dropping the term whose removal raises
the RSS least (it finds the sparse representative when a conserved quantity makes library
terms exactly collinear along the data) and forward selection adding the term that lowers it
most (robust when many collinear candidates make the full least-squares fit meaningless).

For the weak form the rows are overlapping integrals, so AICc's count of independent rows is
only a guess and selection tends to keep spurious terms fitted to noise; there the support
minimising the modified-STLS loss of Messenger & Bortz (2021),
``||Θ(ξ − ξ_LS)|| / ||Θ ξ_LS|| + k / M``, is chosen instead (:func:`mstls_select`).
On the benchmark of ``benchmarks/bench_sindy.py`` (82 polynomial flows, 1 % noise) this
raised recoveries from 57 (AICc) to 64; leave-one-trajectory-out cross-validation with the
one-standard-error rule gave 55.

AICc assumes the residual is noise. On noise-free data the residual of the true model is
instead the (smooth, deterministic) error ``e`` of the estimated derivative, e.g. the
truncation error of finite differences, which spurious small terms can partly fit: every
such term lowers RSS a little and AICc would keep it. Residual reductions below the size
of the target's own error are not significant, so RSS is floored at that size:

    RSS_eff = max(RSS, (rtol_floor · ||y||)², error_factor² · ||e||²),

i.e. all supports fitting the targets to within their estimated error tie on the
likelihood term and the penalty picks the sparsest of them. ``e`` is passed to
:meth:`fit` as ``Y_error`` (:class:`~attractor.learn.SINDy` estimates it for finite
differences by Richardson extrapolation: ``e ≈ (D_2h x − D_h x) / (2^p − 1)`` for a
difference formula ``D`` of order ``p``; Richardson 1911). It captures only the leading
error term, hence the safety factor ``error_factor`` (default 3). ``rtol_floor`` (default
1e-5, relative RMS) is a fixed floor for when no error estimate is given. On noisy data
the noise in ``e`` is damped by ``1/(2^p − 1)``, so the floor stays below the noise level
and the criterion behaves as the plain AICc.

References
----------
Brunton, Proctor & Kutz (2016). PNAS 113, 3932 (STLSQ).
Zheng, Askham, Brunton, Kutz & Aravkin (2019). IEEE Access 7, 1404 (SR3).
Champion, Zheng, Aravkin, Brunton & Kutz (2020). IEEE Access 8, 169259 (SR3 for SINDy).
Fasel, Kutz, Brunton & Brunton (2022). Proc. R. Soc. A 478, 20210904 (E-SINDy).
Mangan, Kutz, Brunton & Proctor (2017). Proc. R. Soc. A 473, 20170009 (AIC for SINDy).
Boninsegna, Nüske & Clementi (2018). J. Chem. Phys. 148, 241723 (stepwise sparse regression).
Hurvich & Tsai (1989). Biometrika 76, 297 (AICc).
Messenger & Bortz (2021). Multiscale Model. Simul. 19, 1474 (weak SINDy, MSTLS loss).
Chen, Billings & Luo (1989). Int. J. Control 50, 1873 (orthogonal least squares).
Miller (2002). Subset Selection in Regression, 2nd ed. (stepwise regression).
Richardson (1911). Phil. Trans. R. Soc. A 210, 307 (extrapolation / error estimation).
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.linalg import lstsq as _scipy_lstsq
from threadpoolctl import threadpool_limits

from ..core.errors import ConvergenceWarning, ValidationError
from ..core.validation import check_positive_float, check_positive_int

__all__ = ["STLSQ", "SR3", "EnsembleOptimizer", "aicc", "mstls_select"]


def aicc(rss: float, n: int, k: int) -> float:
    """Corrected Akaike information criterion of a least-squares fit with ``k`` terms on ``n`` samples."""
    rss = max(float(rss), 1e-300)
    corr = 2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else np.inf
    return n * np.log(rss / n) + 2 * k + corr


def _lstsq(A, y, alpha=0.0):
    if A.shape[1] == 0:
        return np.zeros(0)
    if alpha > 0:
        G = A.T @ A + alpha * np.eye(A.shape[1])
        return np.linalg.solve(G, A.T @ y)
    return np.linalg.lstsq(A, y, rcond=None)[0]


def _stlsq_1(A, y, thr, alpha, max_iter, init=None, solve=None):
    """Sequentially thresholded least squares for one target; returns coefficients.

    ``solve(support)`` (optional) returns the least-squares coefficients on a support
    (full length, zeros elsewhere); used with ``alpha == 0`` to share a cache of subset
    fits across a whole threshold path.
    """
    m = A.shape[1]
    support = np.ones(m, bool) if init is None else init.copy()
    c = np.zeros(m)
    for _ in range(max_iter):
        if solve is not None and alpha == 0:
            c = solve(support).copy()
        else:
            c = np.zeros(m)
            c[support] = _lstsq(A[:, support], y, alpha)
        new = support & (np.abs(c) >= thr)
        if np.array_equal(new, support):
            break
        support = new
        if not support.any():
            c[:] = 0.0
            break
    c[~support] = 0.0
    return c


def _refit(A, y, support):
    c = np.zeros(A.shape[1])
    if support.any():
        c[support] = _lstsq(A[:, support], y)
    return c


class _SubsetFits:
    """Least-squares fits of one target on subsets of the columns, cached by support.

    A threshold path visits the same supports many times (every threshold between two
    coefficient magnitudes repeats the same STLSQ iterations), so each distinct support is
    solved once. Solves use LAPACK's complete orthogonal factorisation (``gelsy``), which
    handles the (near-)rank-deficient column sets that conserved quantities produce and
    is several times cheaper than the SVD-based default.
    """

    def __init__(self, A, y):
        self.A, self.y = A, y
        self.cache: dict[bytes, np.ndarray] = {}

    def __call__(self, support):
        key = support.tobytes()
        c = self.cache.get(key)
        if c is None:
            c = np.zeros(self.A.shape[1])
            if support.any():
                c[support] = _scipy_lstsq(self.A[:, support], self.y, lapack_driver="gelsy",
                                          check_finite=False)[0]
            self.cache[key] = c
        return c


def _forward_selection(A, y):
    """Forward stepwise regression (orthogonal least squares; Chen, Billings & Luo 1989):
    yield the supports obtained by adding, at each step, the term that lowers the residual
    sum of squares most. Complements the elimination paths when many collinear candidate
    terms make the full least-squares coefficients (their starting point) meaningless, e.g.
    smoothed noisy data in a degree-4 library. The candidate columns are kept orthogonalised
    against the chosen ones (modified Gram–Schmidt), O(m²) per step."""
    m = A.shape[1]
    P = np.array(A, dtype=float, copy=True)
    r = np.array(y, dtype=float, copy=True)
    norms0 = np.sum(A * A, axis=0)
    support = np.zeros(m, bool)
    for _ in range(m):
        nn = np.sum(P * P, axis=0)
        ok = (~support) & (nn > 1e-12 * np.maximum(norms0, 1e-300))
        if not ok.any():
            return
        gain = np.where(ok, (r @ P) ** 2 / np.where(ok, nn, 1.0), -np.inf)
        j = int(np.argmax(gain))
        q = P[:, j] / np.sqrt(nn[j])
        r -= q * (q @ r)
        P -= np.outer(q, q @ P)
        support[j] = True
        yield float(gain[j]), support.copy()


def _backward_elimination(A, y):
    """Backward stepwise regression: yield supports dropping, at each step, the term whose
    removal raises the residual sum of squares least.

    For a least-squares fit with Gram matrix ``G = AᵀA`` on the current support, removing
    term ``j`` raises the RSS by ``c_j² / (G⁻¹)_jj`` (the squared t-statistic up to the noise
    variance; e.g. Miller 2002, Subset Selection in Regression, ch. 3). Terms that are linear
    combinations of others (a conserved quantity makes a set of monomials sum to a constant
    along the data) cost nothing to remove and go first, so the path reaches the sparse
    representative of the model that the smallest-coefficient path can miss. ``G`` gets a tiny
    ridge (1e-10 of its mean diagonal) to stay invertible; after each removal ``G⁻¹`` and the
    coefficients are downdated in O(k²) and recomputed from scratch every 16 steps.
    """
    m = A.shape[1]
    G0 = A.T @ A
    b0 = A.T @ y
    eps = 1e-10 * float(np.mean(np.diag(G0)) or 1.0)
    idx = np.arange(m)
    step = 0
    while idx.size:
        if step % 16 == 0:
            Gi = np.linalg.inv(G0[np.ix_(idx, idx)] + eps * np.eye(idx.size))
            c = Gi @ b0[idx]
        d = np.diag(Gi)
        cost = c * c / np.where(d > 0, d, np.inf)
        j = int(np.argmin(cost))
        support = np.zeros(m, bool)
        support[idx] = True
        yield float(cost[j]), support
        keep = np.arange(idx.size) != j
        c = c[keep] - Gi[keep, j] * (c[j] / Gi[j, j])
        Gi = Gi[np.ix_(keep, keep)] - np.outer(Gi[keep, j], Gi[j, keep]) / Gi[j, j]
        idx = idx[keep]
        step += 1


class _Base:
    """Shared machinery: normalisation, threshold paths, AICc selection."""

    threshold: float | None = None
    selection: str = "auto"
    rtol_floor: float = 1e-5
    error_factor: float = 3.0

    def _solve_one(self, A, y, thr, warm=None, solve=None) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, Theta: np.ndarray, Y: np.ndarray, n_effective: float | None = None,
            Y_error: np.ndarray | None = None, default_selection: str = "aicc") -> "_Base":
        """Fit coefficients for ``Y ≈ Θ ξ``; Θ (n_samples, n_features), Y (n_samples, n_targets).

        ``n_effective`` is the number of statistically independent rows used by AICc (default:
        the number of rows; the weak form passes fewer because overlapping test functions give
        correlated rows). ``Y_error`` (same shape as ``Y``, optional) is an estimate of the error
        of the targets themselves (e.g. of finite-difference derivatives); with automatic
        selection, residuals below ``error_factor · ||Y_error||`` count as exact fits (module
        docstring). ``default_selection`` is the criterion used when the optimizer's own
        ``selection`` is ``"auto"`` (:class:`~attractor.learn.SINDy` passes ``"mstls"`` for the
        weak form).
        """
        selection = self.selection if self.selection != "auto" else default_selection
        if selection not in ("aicc", "mstls"):
            raise ValidationError(f"selection must be 'auto', 'aicc' or 'mstls'; got {selection!r}.")
        Theta = np.asarray(Theta, float)
        Y = np.asarray(Y, float)
        if Y.ndim == 1:
            Y = Y[:, None]
        err_ss = np.zeros(Y.shape[1])
        if Y_error is not None:
            E = np.asarray(Y_error, float)
            E = E[:, None] if E.ndim == 1 else E
            if E.shape != Y.shape:
                raise ValidationError(f"Y_error has shape {E.shape} but Y has shape {Y.shape}.")
            err_ss = np.sum(np.where(np.isfinite(E), E, 0.0) ** 2, axis=0)
        n, m = Theta.shape
        coef = np.zeros((Y.shape[1], m))
        thresholds = np.zeros(Y.shape[1])
        paths = []
        scale = np.sqrt(np.mean(Theta ** 2, axis=0))
        scale[scale == 0] = 1.0
        # Every sub-problem is a least-squares fit on a subset of columns. With A = Q R
        # (thin QR, once), ||y - A[:, S] c||² = ||y||² - ||Qᵀy||² + ||Qᵀy - R[:, S] c||²,
        # so all the work happens on the small (m × m) R instead of the n rows.
        if n > m:
            if self.threshold is None:
                Qn, Rn = np.linalg.qr(Theta / scale)
            else:
                Qr, Rr = np.linalg.qr(Theta)
        # The selection solves thousands of small least-squares problems: a single BLAS thread is
        # faster for these, and multi-threaded OpenBLAS on a loaded machine made it 8x slower.
        with threadpool_limits(limits=1, user_api="blas"):
            for j in range(Y.shape[1]):
                y = Y[:, j]
                if self.threshold is not None:  # fixed threshold on the raw (unnormalised) coefficients
                    A, yy = (Rr, Qr.T @ y) if n > m else (Theta, y)
                    c = self._solve_one(A, yy, float(self.threshold))
                    coef[j], thresholds[j] = c, float(self.threshold)
                    paths.append([])
                    continue
                ys = np.sqrt(np.mean(y ** 2)) or 1.0
                yn = y / ys
                n_ic = n if n_effective is None else max(float(n_effective), m + 2.0)
                if n > m:
                    qy = Qn.T @ yn
                    rp = yn - Qn @ qy
                    offset = float(rp @ rp)
                    c, thr, path = self._select(Rn, qy, n_ic, offset, float(yn @ yn), n, err_ss[j] / ys ** 2)
                else:
                    c, thr, path = self._select(Theta / scale, yn, n_ic, 0.0, float(yn @ yn), n, err_ss[j] / ys ** 2)
                if selection == "mstls":
                    c, thr = mstls_select(Rn if n > m else Theta / scale, qy if n > m else yn, path, m,
                                          float(yn @ yn))
                coef[j] = c * ys / scale
                thresholds[j] = thr
                paths.append(path)
        self.coef_ = coef
        self.threshold_ = thresholds
        self.path_ = paths
        return self

    def _select(self, A, y, n, offset, yy, n_rows, err_ss=0.0):
        fits = _SubsetFits(A, y)
        c_ls = fits(np.ones(A.shape[1], bool))
        mags = np.sort(np.abs(c_ls[c_ls != 0]))
        cands = set()
        if mags.size:
            mids = np.sqrt(mags[:-1] * np.maximum(mags[1:], 1e-300)) if mags.size > 1 else np.array([])
            # gaps between the 100 largest magnitudes (sparse models live there; the grid below
            # covers the rest): keeps 200+-feature libraries affordable
            cands.update(mids[-100:].tolist())
            cands.update(np.geomspace(max(mags[0], 1e-12) * 0.5, mags[-1] * 1.01, 30).tolist())
        cands.add(0.0)
        floor = max((self.rtol_floor ** 2) * yy, (getattr(self, "error_factor", 3.0) ** 2) * float(err_ss))
        seen: dict[bytes, dict] = {}

        def supports():
            for thr in sorted(cands):  # the optimizer's own threshold path
                yield thr, self._solve_one(A, y, thr, solve=fits) != 0
            # stepwise sparse regression path (Boninsegna et al. 2018): drop the smallest
            # refitted coefficient one at a time; robust when the library is (nearly)
            # linearly dependent on the data, e.g. for conservative systems.
            support = np.ones(A.shape[1], bool)
            while support.any():
                c = fits(support)
                mags = np.where(support, np.abs(c), np.inf)
                yield float(mags.min()), support.copy()
                support[int(np.argmin(mags))] = False
            # backward elimination by the smallest rise of the residual: finds the sparse
            # representative when terms are exactly collinear along the data
            yield from _backward_elimination(A, y)
            yield from _forward_selection(A, y)

        for thr, support in supports():
            key = support.tobytes()
            if key in seen:
                continue
            c = fits(support)
            r = y - A @ c
            rss = float(r @ r) + offset
            k = int(support.sum())
            seen[key] = dict(threshold=float(thr), n_terms=k, rss=rss,
                             aicc=aicc(max(rss, floor) * n / n_rows, n, k), support=support, coef=c)
        path = sorted(seen.values(), key=lambda d: d["threshold"])
        best = min(path, key=lambda d: (round(d["aicc"], 9), d["n_terms"]))
        clean = [{k: v for k, v in d.items() if k != "coef"} for d in path]
        return best["coef"], best["threshold"], clean


def _check_selection(selection: str) -> str:
    if selection not in ("auto", "aicc", "mstls"):
        raise ValidationError(f"selection must be 'auto', 'aicc' or 'mstls'; got {selection!r}.")
    return selection


def mstls_select(A, y, path: list[dict], n_features: int, yy: float,
                 noise_factor: float = 3.0) -> tuple[np.ndarray, float]:
    """Choose a support by the modified-STLS loss of weak SINDy (Messenger & Bortz 2021):

        L(S) = ||A (ξ_S − ξ_LS)|| / ||A ξ_LS|| + |S| · τ,   τ = min(1/M, c · ε),

    the relative change of the fitted values against the full least-squares fit plus a price
    per kept term. Messenger & Bortz use ``τ = 1/M`` (the fraction of the ``M`` library terms
    kept): a term stays only if it carries more than about ``1/M`` of the fitted signal. For
    small libraries that drops genuine small terms (Lorenz's ``−y`` carries 4 % of ``dy/dt``;
    with 10 quadratic monomials ``1/M`` is 10 %), so the price is capped at ``c = 3`` times
    the full fit's relative residual ``ε = sqrt(RSS_LS / ||A ξ_LS||²)`` (the noise level): a
    term that carries several times the noise is kept. On the 82-flow benchmark at 1 % noise
    this cap recovers 66 systems (64 with ``τ = 1/M``, 64 with ``c = 10``). Because the full fit's residual is orthogonal to every
    column, ``||A(ξ_S − ξ_LS)||² = RSS_S − RSS_LS`` and ``||A ξ_LS||² = ||y||² − RSS_LS``, so the
    loss is read off the path's residuals. ``yy`` is ``||y||²`` in the row space the path's
    RSS refers to (``A``, ``y`` may be the QR-reduced system).
    """
    rss_full = min(float(e["rss"]) for e in path)
    signal = max(yy - rss_full, 1e-300)
    per_term = min(1.0 / n_features, noise_factor * np.sqrt(rss_full / signal))
    best = min(path, key=lambda e: (np.sqrt(max(float(e["rss"]) - rss_full, 0.0) / signal)
                                    + e["n_terms"] * per_term, e["n_terms"]))
    return _refit(A, y, np.asarray(best["support"], bool)), float(best["threshold"])


class STLSQ(_Base):
    """Sequentially thresholded least squares (Brunton et al. 2016).

    Repeat: least squares (ridge ``alpha``) on the current support; drop terms with
    ``|ξ_k| < threshold``; until the support stops changing (at most ``max_iter`` times).

    Parameters
    ----------
    threshold : float or None
        Fixed threshold on the raw coefficients (pysindy's convention), or None to select
        the sparsity automatically by AICc (module docstring).
    alpha : float >= 0
        Ridge penalty ``alpha ||ξ||²`` of each least-squares step.
    max_iter : int
    rtol_floor : float
        Relative residual level treated as an exact fit in the AICc selection.
    error_factor : float
        Residuals below ``error_factor`` times the targets' estimated error (``Y_error`` of
        :meth:`fit`) are treated as exact fits in the AICc selection (module docstring).
    selection : {"auto", "aicc", "mstls"}
        Criterion of the automatic selection: AICc, or the modified-STLS loss of weak SINDy
        (:func:`mstls_select`); ``"auto"`` lets the caller decide (SINDy: MSTLS for the weak
        form, AICc otherwise).
    """

    def __init__(self, threshold: float | None = None, alpha: float = 0.0, max_iter: int = 20,
                 rtol_floor: float = 1e-5, error_factor: float = 3.0, selection: str = "auto"):
        self.selection = _check_selection(selection)
        self.threshold = None if threshold is None else check_positive_float(threshold, "threshold", allow_zero=True)
        self.alpha = check_positive_float(alpha, "alpha", allow_zero=True)
        self.max_iter = check_positive_int(max_iter, "max_iter")
        self.rtol_floor = check_positive_float(rtol_floor, "rtol_floor", allow_zero=True)
        self.error_factor = check_positive_float(error_factor, "error_factor", allow_zero=True)

    def __repr__(self) -> str:
        return f"STLSQ(threshold={self.threshold}, alpha={self.alpha})"

    def _solve_one(self, A, y, thr, warm=None, solve=None):
        return _stlsq_1(A, y, thr, self.alpha, self.max_iter, solve=solve)


class SR3(_Base):
    """Sparse relaxed regularised regression (Zheng et al. 2019; Champion et al. 2020).

    Minimises ``½||y − Θξ||² + λ R(w) + ||ξ − w||² / (2ν)`` by alternating the exact ξ-step
    ``ξ = (ΘᵀΘ + I/ν)⁻¹(Θᵀy + w/ν)`` and the proximal w-step: hard thresholding at
    ``threshold`` for ``R = ||·||₀`` (λ = threshold²/(2ν)) or soft thresholding by
    ``threshold`` for ``R = ||·||₁`` (λ = threshold/ν). The returned coefficients are a
    least-squares refit on the support of ``w`` (removes the shrinkage bias).

    Parameters
    ----------
    threshold : float or None
        As in :class:`STLSQ` (None = AICc selection on normalised features).
    nu : float > 0
        Relaxation parameter.
    regularizer : {"l0", "l1"}
    max_iter : int
    tol : float
        Stop when ``||w_new − w|| <= tol · max(1, ||w||)``.
    rtol_floor, error_factor : float
        As in :class:`STLSQ`.
    selection : str
        As in :class:`STLSQ`.
    """

    def __init__(self, threshold: float | None = None, nu: float = 1.0, regularizer: str = "l0",
                 max_iter: int = 1000, tol: float = 1e-10, rtol_floor: float = 1e-5, error_factor: float = 3.0,
                 selection: str = "auto"):
        self.selection = _check_selection(selection)
        self.threshold = None if threshold is None else check_positive_float(threshold, "threshold", allow_zero=True)
        self.nu = check_positive_float(nu, "nu")
        if str(regularizer).lower() not in ("l0", "l1"):
            raise ValidationError(f"regularizer must be 'l0' or 'l1'; got {regularizer!r}.")
        self.regularizer = str(regularizer).lower()
        self.max_iter = check_positive_int(max_iter, "max_iter")
        self.tol = check_positive_float(tol, "tol")
        self.rtol_floor = check_positive_float(rtol_floor, "rtol_floor", allow_zero=True)
        self.error_factor = check_positive_float(error_factor, "error_factor", allow_zero=True)

    def __repr__(self) -> str:
        return f"SR3(threshold={self.threshold}, nu={self.nu}, regularizer={self.regularizer!r})"

    def _solve_one(self, A, y, thr, warm=None, solve=None):
        m = A.shape[1]
        G = A.T @ A + np.eye(m) / self.nu
        L = np.linalg.cholesky(G)
        Aty = A.T @ y
        w = _lstsq(A, y)
        ok = False
        for _ in range(self.max_iter):
            rhs = Aty + w / self.nu
            xi = np.linalg.solve(L.T, np.linalg.solve(L, rhs))
            if self.regularizer == "l0":
                w_new = np.where(np.abs(xi) >= thr, xi, 0.0)
            else:
                w_new = np.sign(xi) * np.maximum(np.abs(xi) - thr, 0.0)
            done = np.linalg.norm(w_new - w) <= self.tol * max(1.0, np.linalg.norm(w))
            w = w_new
            if done:
                ok = True
                break
        if not ok and self.threshold is not None:
            warnings.warn(f"SR3 did not converge in {self.max_iter} iterations.", ConvergenceWarning, stacklevel=3)
        return _refit(A, y, w != 0)


class EnsembleOptimizer:
    """Bagging ensemble of a base optimizer (E-SINDy; Fasel et al. 2022).

    Fits ``base`` on ``n_models`` bootstrap resamples of the rows (samples) and, with
    ``library_bagging``, on random subsets of the features dropping ``n_drop`` each time.
    The *inclusion probability* of a term is the fraction of models in which it is
    non-zero. Final coefficients: the median ("bragging") over models of each term,
    kept only where the inclusion probability is at least ``inclusion_threshold``, then
    refitted by least squares on that support. ``coef_std_`` is the standard deviation
    of the coefficient over the ensemble (its uncertainty).

    Parameters
    ----------
    base : STLSQ or SR3, optional
        Default ``STLSQ()`` (AICc-selected threshold per model).
    n_models : int
    sample_fraction : float in (0, 1]
        Rows drawn (with replacement) per model, as a fraction of the samples.
    library_bagging : bool
    n_drop : int
    inclusion_threshold : float in [0, 1]
    seed : int or numpy.random.Generator, optional
    """

    def __init__(self, base=None, n_models: int = 20, sample_fraction: float = 1.0, library_bagging: bool = False,
                 n_drop: int = 1, inclusion_threshold: float = 0.5, seed=None):
        self.base = STLSQ() if base is None else base
        if not hasattr(self.base, "_solve_one"):
            raise ValidationError("base must be an STLSQ or SR3 optimizer.")
        self.n_models = check_positive_int(n_models, "n_models", minimum=2)
        self.sample_fraction = check_positive_float(sample_fraction, "sample_fraction")
        if self.sample_fraction > 1:
            raise ValidationError(f"sample_fraction must be in (0, 1]; got {sample_fraction}.")
        self.library_bagging = bool(library_bagging)
        self.n_drop = check_positive_int(n_drop, "n_drop")
        self.inclusion_threshold = float(inclusion_threshold)
        if not 0 <= self.inclusion_threshold <= 1:
            raise ValidationError(f"inclusion_threshold must be in [0, 1]; got {inclusion_threshold}.")
        self.seed = seed

    def __repr__(self) -> str:
        return f"EnsembleOptimizer({self.base!r}, n_models={self.n_models})"

    @property
    def threshold(self):
        return self.base.threshold

    def fit(self, Theta: np.ndarray, Y: np.ndarray, n_effective: float | None = None,
            Y_error: np.ndarray | None = None, default_selection: str = "aicc") -> "EnsembleOptimizer":
        Theta = np.asarray(Theta, float)
        Y = np.asarray(Y, float)
        if Y.ndim == 1:
            Y = Y[:, None]
        if Y_error is not None:
            Y_error = np.asarray(Y_error, float)
            Y_error = Y_error[:, None] if Y_error.ndim == 1 else Y_error
            if Y_error.shape != Y.shape:
                raise ValidationError(f"Y_error has shape {Y_error.shape} but Y has shape {Y.shape}.")
        n, m = Theta.shape
        if self.library_bagging and self.n_drop >= m:
            raise ValidationError(f"n_drop={self.n_drop} would drop every one of the {m} library features.")
        rng = np.random.default_rng(self.seed)
        n_rows = max(m + 2, int(round(self.sample_fraction * n)))
        coefs = np.zeros((self.n_models, Y.shape[1], m))
        for b in range(self.n_models):
            rows = rng.integers(0, n, n_rows)
            cols = np.arange(m)
            if self.library_bagging:
                cols = np.sort(rng.choice(m, m - self.n_drop, replace=False))
            self.base.fit(Theta[np.ix_(rows, cols)], Y[rows], n_effective,
                          None if Y_error is None else Y_error[rows], default_selection)
            coefs[b][:, cols] = self.base.coef_
        self.coef_list_ = coefs
        self.inclusion_probabilities_ = np.mean(coefs != 0, axis=0)
        self.coef_median_ = np.median(coefs, axis=0)
        self.coef_std_ = np.std(coefs, axis=0)
        keep = self.inclusion_probabilities_ >= self.inclusion_threshold
        coef = np.zeros((Y.shape[1], m))
        for j in range(Y.shape[1]):
            coef[j] = _refit(Theta, Y[:, j], keep[j])
        self.coef_ = coef
        self.threshold_ = np.full(Y.shape[1], self.inclusion_threshold)
        self.path_ = [[] for _ in range(Y.shape[1])]
        return self
