"""The coupling section of the report: which channel drives which (files with >= 2 channels).

For every ordered pair of channels (at most :data:`MAX_CHANNELS` channels, the first ones) the
item estimates

* the transfer entropy (KSG, :func:`attractor.transfer_entropy`; target history 2, source
  history 1, on the series sampled every ``step`` samples, ``step = max(1, delay // 2)`` with
  the delay of the reconstruction section) with shuffle surrogates;
* linear Granger causality (:func:`attractor.granger`, lag order by BIC);
* convergent cross mapping (``attractor.ccm``, first :data:`CCM_SAMPLES` samples, ``E`` from the
  reconstruction section clipped to 2..4) when this installation has it, and lagged CCM
  (``attractor.ccm_lagged``, Ye et al. 2015) for pairs found linked both ways.

A link is *claimed* only when its transfer-entropy p-value, Holm-corrected over all ordered
pairs, is at most 0.05. With few surrogates a rank p-value cannot go below
``1 / (n_surrogates + 1)``, so the report uses the surrogates' Gaussian (Student-t prediction)
p-value ``p_gaussian`` for the correction; the rank p-value is shown beside it. With three or
more channels every claimed link is re-tested by conditional transfer entropy given the past of
the (at most :data:`MAX_CONDITIONS`) other channels that carry most transfer entropy into its
target; a link that is no longer significant (uncorrected p > 0.05) is drawn grey and called
possibly indirect or common-driven. Granger and CCM are listed for comparison; they do not
create links on their own.

Cost (3 channels, 10^4 samples, ``quick``): about 3 s of CPU (``tests/report/
test_coupling_section.py``): the series is cut to :data:`QUICK_SAMPLES` (``quick``) or
:data:`FULL_SAMPLES` samples after thinning, with 19 (quick) or 39 TE surrogates per pair and
39 or 99 CCM surrogates (CCM's test needs ``p < alpha``).
"""
from __future__ import annotations

import itertools

import numpy as np

from .figures import new_figure, render_png

__all__ = ["COUPLING_SECTION", "MAX_CHANNELS", "QUICK_SAMPLES", "FULL_SAMPLES", "holm"]

#: Channels examined (the first ones in the file); 6 channels are 30 ordered pairs.
MAX_CHANNELS = 6
#: Samples used (after thinning) in quick and in full mode.
QUICK_SAMPLES = 1500
FULL_SAMPLES = 4000
#: Channels conditioned on when checking a link (those carrying most TE into the target).
MAX_CONDITIONS = 2
#: Samples given to CCM (its cost grows faster than transfer entropy's).
CCM_SAMPLES = 1000
_ALPHA = 0.05


def holm(p: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values (family-wise error control, any dependence)."""
    p = np.asarray(p, dtype=float)
    m = p.size
    order = np.argsort(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def _fmt_p(p: float) -> str:
    if not np.isfinite(p):
        return "—"
    return f"{p:.2g}" if p >= 1e-4 else "< 1e-4"


def _graph(ax, names: list[str], links: list[dict], ccm_links: list[dict] = ()) -> None:
    """Channels on a circle, an arrow per claimed link (width by effective transfer entropy) and
    a thin dashed arrow per significant CCM direction (label: cross-map skill)."""
    k = len(names)
    ang = np.pi / 2 - 2 * np.pi * np.arange(k) / k
    pos = np.column_stack([np.cos(ang), np.sin(ang)])
    top = max([lk["effective_te"] for lk in links] + [1e-12])
    for lk in links:
        a, b = pos[lk["i"]], pos[lk["j"]]
        d = b - a
        d = d / (np.linalg.norm(d) or 1)
        start, end = a + 0.16 * d, b - 0.16 * d
        width = 1.0 + 4.0 * lk["effective_te"] / top
        color = "tab:red" if lk.get("direct", True) else "0.6"
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", lw=width, color=color,
                                    connectionstyle="arc3,rad=0.15", mutation_scale=12 + 2 * width))
        mid = (start + end) / 2 + 0.12 * np.array([-d[1], d[0]])
        ax.text(mid[0], mid[1], f"{lk['effective_te']:.2g}", fontsize=7, ha="center", va="center",
                color=color)
    for lk in ccm_links:
        a, b = pos[lk["i"]], pos[lk["j"]]
        d = (b - a) / (np.linalg.norm(b - a) or 1)
        start, end = a + 0.16 * d, b - 0.16 * d
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", lw=0.9, ls="--", color="tab:blue",
                                    connectionstyle="arc3,rad=-0.25", mutation_scale=10))
        mid = (start + end) / 2 - 0.2 * np.array([-d[1], d[0]])
        ax.text(mid[0], mid[1], f"ρ {lk['rho']:.2f}", fontsize=6, ha="center", va="center", color="tab:blue")
    for (x, y), name in zip(pos, names):
        ax.add_patch(_circle((x, y)))
        ax.text(x, y, name if len(name) <= 10 else name[:9] + "…", ha="center", va="center", fontsize=8)
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    if not links:
        ax.text(0, 0, "no link claimed", ha="center", va="center", fontsize=9, color="0.4")


def _circle(xy):
    from matplotlib.patches import Circle

    return Circle(xy, 0.15, facecolor="white", edgecolor="0.3", lw=1.0, zorder=3)


def _te_curve(te_fn, src: np.ndarray, tgt: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Transfer entropy on the first n samples for growing n (its convergence with data length)."""
    sizes = np.unique(np.linspace(max(100, src.size // 8), src.size, 6).astype(int))
    vals = np.array([te_fn(src[:n], tgt[:n], target_history=2, n_surrogates=0, seed=seed).te for n in sizes])
    return sizes, vals


def _coupling(ctx) -> dict:
    import warnings

    from .sections import SkipItem, _capability, _num

    d = ctx.data
    if d.n_channels < 2:
        raise SkipItem("coupling needs at least two channels; these data have one.")
    transfer_entropy = _capability("analysis.transfer_entropy", "transfer_entropy")
    granger = _capability("analysis.granger", "granger")
    names_all = list(d.columns)
    use = list(range(min(d.n_channels, MAX_CHANNELS)))
    constant = [names_all[c] for c in use if np.ptp(d.x[:, c]) == 0]
    use = [c for c in use if np.ptp(d.x[:, c]) > 0]
    if len(use) < 2:
        raise SkipItem("coupling needs at least two non-constant channels"
                       + (f" (constant: {', '.join(constant)})." if constant else "."))
    delay = int(ctx.shared.get("delay", 1) or 1)
    step = max(1, delay // 2)
    cap = QUICK_SAMPLES if ctx.quick else FULL_SAMPLES
    X = d.x[::step][:cap][:, use]
    n = X.shape[0]
    if n < 200:
        raise SkipItem(f"coupling needs at least 200 samples after thinning every {step} samples; there are {n}.")
    names = [names_all[c] for c in use]
    n_surr = 19 if ctx.quick else 39
    pairs = list(itertools.permutations(range(len(use)), 2))
    rows = []
    for i, j in pairs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            te = transfer_entropy(X[:, i], X[:, j], target_history=2, n_surrogates=n_surr, seed=ctx.seed)
            gr = granger(X[:, i], X[:, j], max_lag=5 if ctx.quick else 10)
        rows.append({"i": i, "j": j, "te": te, "granger": gr})
    p_te = holm(np.array([r["te"].p_gaussian for r in rows]))
    p_gr = holm(np.array([r["granger"].p_value for r in rows]))
    for r, pt, pg in zip(rows, p_te, p_gr):
        r["p_te_holm"], r["p_granger_holm"] = float(pt), float(pg)
        r["claimed"] = bool(pt <= _ALPHA and r["te"].effective_te > 0)
        r["granger_sig"] = bool(pg <= _ALPHA)
    # with three or more channels, is a link still there given the other channels' past?
    if len(use) >= 3:
        into = {(r["i"], r["j"]): r["te"].effective_te for r in rows}
        for r in rows:
            if not r["claimed"]:
                continue
            others = sorted((c for c in range(len(use)) if c not in (r["i"], r["j"])),
                            key=lambda c: -into[(c, r["j"])])[:MAX_CONDITIONS]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cte = transfer_entropy(X[:, r["i"]], X[:, r["j"]], condition=X[:, others], target_history=2,
                                       n_surrogates=n_surr, seed=ctx.seed)
            r["conditional"], r["given"] = cte, others
            r["direct"] = bool(cte.p_gaussian <= _ALPHA and cte.effective_te > 0)
    links = [{"i": r["i"], "j": r["j"], "effective_te": r["te"].effective_te, "direct": r.get("direct", True)}
             for r in rows if r["claimed"]]

    # CCM where the installation has it (the edm module); it never creates a link on its own
    ccm_note = ""
    ccm_res: dict = {}
    try:
        ccm = _capability("analysis.ccm", "ccm")
    except SkipItem:
        ccm = None
        ccm_note = "Convergent cross mapping is not available in this installation."
    n_ccm = min(n, CCM_SAMPLES)
    n_ccm_surr = 39 if ctx.quick else 99  # CCM's test is p < alpha: 19 surrogates cannot reach 0.05
    E = int(min(max(int(ctx.shared.get("dimension", 2) or 2), 2), 4))
    if ccm is not None:
        sizes = np.unique(np.linspace(max(10, 2 * (E + 1)), n_ccm - (E - 1) - 1, 8 if ctx.quick else 12).astype(int))
        for a, b in itertools.combinations(range(len(use)), 2):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ccm_res[(a, b)] = ccm(X[:n_ccm, a], X[:n_ccm, b], E=E, lib_sizes=sizes, n_surrogates=n_ccm_surr,
                                          n_samples=20 if ctx.quick else 50, n_bootstrap=200 if ctx.quick else 500,
                                          seed=ctx.seed)
            except Exception as exc:  # noqa: BLE001 -- CCM is an optional, independent check
                ccm_note = f"CCM could not be computed ({exc})."
                ccm_res = {}
                break
    ccm_sig = {}
    for (a, b), res in ccm_res.items():
        ccm_sig[(a, b)] = bool(res.significant[0])
        ccm_sig[(b, a)] = bool(res.significant[1])
    # both directions supported by TE or CCM: the lagged CCM test of Ye et al. (2015)
    lagged = {}
    if ccm_res:
        ccm_lagged = _capability("analysis.ccm", "ccm_lagged")
        for (a, b) in ccm_res:
            two_way = ((any(r["claimed"] for r in rows if (r["i"], r["j"]) == (a, b))
                        and any(r["claimed"] for r in rows if (r["i"], r["j"]) == (b, a)))
                       or (ccm_sig[(a, b)] and ccm_sig[(b, a)]))
            if two_way:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    lagged[(a, b)] = ccm_lagged(X[:n_ccm, a], X[:n_ccm, b], E=E)

    numbers: dict = {}
    for r in rows:
        key = f"{names[r['i']]} → {names[r['j']]}"
        te = r["te"]
        numbers[f"{key}: TE (nats) / effective"] = f"{te.te:.3g} / {te.effective_te:.3g}"
        numbers[f"{key}: TE p (Holm) / rank p"] = f"{_fmt_p(r['p_te_holm'])} / {_fmt_p(te.p_value)}"
        numbers[f"{key}: Granger F (lag {r['granger'].lag}), p (Holm)"] = (
            f"{r['granger'].f_statistic:.3g}, {_fmt_p(r['p_granger_holm'])}")
        if "conditional" in r:
            given = ", ".join(names[c] for c in r["given"])
            numbers[f"{key}: TE given {given} (effective), p"] = (
                f"{r['conditional'].effective_te:.3g}, {_fmt_p(r['conditional'].p_gaussian)}")
    for (a, b), res in ccm_res.items():
        for k, (src, tgt) in enumerate(((a, b), (b, a))):
            numbers[f"{names[src]} → {names[tgt]}: CCM ρ (full library), p"] = (
                f"{_num(res.rho_full[k], 3)}, {_fmt_p(float(res.p_value[k]))}")
    for (a, b), lg in lagged.items():
        for k, (src, tgt) in enumerate(((a, b), (b, a))):
            numbers[f"{names[src]} → {names[tgt]}: lagged CCM best lag"] = int(lg.best_lag[k])
    numbers["links claimed"] = len(links)

    # figures: graph, and the convergence curves of the strongest links
    figs = []
    fig, axes = new_figure(7.5, 3.2, ncols=2)
    ccm_links = [{"i": i, "j": j, "rho": float(ccm_res[(min(i, j), max(i, j))].rho_full[0 if i < j else 1])}
                 for (i, j), sig in ccm_sig.items() if sig]
    _graph(axes[0], names, links, ccm_links)
    axes[0].set_title("TE links claimed (red, effective TE in nats)" + ("; CCM significant (blue dashed)"
                                                                       if ccm_res else ""), fontsize=7)
    strongest = sorted((r for r in rows if r["claimed"]), key=lambda r: -r["te"].effective_te)[:2]
    ax = axes[1]
    if ccm_res and strongest:
        for r in strongest:
            a, b = min(r["i"], r["j"]), max(r["i"], r["j"])
            res = ccm_res.get((a, b))
            if res is None:
                continue
            k = 0 if r["i"] == a else 1
            ax.plot(res.lib_sizes, res.rho_mean[k], "o-", ms=2.5, lw=1,
                    label=f"CCM {names[r['i']]} → {names[r['j']]}")
        ax.set_xlabel("library size")
        ax.set_ylabel("cross-map skill ρ")
    elif strongest:
        for r in strongest:
            sizes, vals = _te_curve(transfer_entropy, X[:, r["i"]], X[:, r["j"]], ctx.seed)
            line, = ax.plot(sizes, vals, "o-", ms=2.5, lw=1, label=f"TE {names[r['i']]} → {names[r['j']]}")
            null_hi = r["te"].null_mean + 2 * r["te"].null_std
            ax.axhline(null_hi, color=line.get_color(), lw=0.8, ls=":")
        ax.set_xlabel("samples used")
        ax.set_ylabel("TE (nats)")
    else:
        ax.axis("off")
        ax.text(0.5, 0.5, "no link to follow", ha="center", va="center", fontsize=9, color="0.4",
                transform=ax.transAxes)
    if strongest:
        ax.legend(fontsize=7)
    caption = ("Directed links claimed (transfer entropy, Holm-corrected p ≤ 0.05; arrow width and label: effective "
               "TE) and, for the strongest, " + ("CCM skill against library size" if ccm_res else
                                                 "TE against the number of samples (dotted: null mean + 2 sd)"))
    figs.append(render_png(fig, caption))

    # what is and is not supported
    sentences = []
    claimed = {(r["i"], r["j"]): r for r in rows if r["claimed"]}
    for (i, j), r in claimed.items():
        agree = "Granger agrees" if r["granger_sig"] else "linear Granger does not (the coupling looks nonlinear)"
        if ccm_res:
            agree += ", CCM agrees" if ccm_sig.get((i, j)) else ", CCM does not"
        sentences.append(f"{names[i]} → {names[j]}: transfer entropy {r['te'].effective_te:.3g} nats above its "
                         f"surrogates (Holm p {_fmt_p(r['p_te_holm'])}); {agree}.")
        if r.get("direct") is False:
            given = ", ".join(names[c] for c in r["given"])
            sentences.append(f"Given the past of {given}, {names[i]} → {names[j]} is no longer significant "
                             f"(conditional TE {r['conditional'].effective_te:.3g} nats, p "
                             f"{_fmt_p(r['conditional'].p_gaussian)}): the link may be indirect or due to a common "
                             "driver (grey arrow).")
    both = [(i, j) for (i, j) in claimed if i < j and (j, i) in claimed]
    for i, j in both:
        sentences.append(f"{names[i]} and {names[j]} are linked both ways: mutual coupling, or strong forcing of one "
                         "by the other (which synchronises them and can make transfer entropy and CCM "
                         "bidirectional; see the lagged CCM test), or a common driver outside these channels.")
    for (a, b), lg in lagged.items():
        bad = [f"{names[s_]} → {names[t_]}" for k, (s_, t_) in enumerate(((a, b), (b, a))) if not lg.causal_lag[k]]
        if bad:
            sentences.append("Lagged CCM (Ye et al. 2015): the best cross-map lag of " + ", ".join(bad)
                             + " is positive (the effect would precede its cause), so that direction may be an "
                               "artefact of strong forcing the other way.")
        else:
            sentences.append(f"Lagged CCM (Ye et al. 2015): both directions between {names[a]} and {names[b]} peak at "
                             "lags ≤ 0, as genuine two-way coupling would.")
    ccm_only = [(i, j) for (i, j), sig in ccm_sig.items() if sig and (i, j) not in claimed]
    if ccm_only:
        sentences.append("CCM alone (not transfer entropy) is significant for "
                         + ", ".join(f"{names[i]} → {names[j]}" for i, j in ccm_only)
                         + " (CCM p-values are not corrected for the number of pairs); no link is claimed from it.")
    lone_granger = [r for r in rows if r["granger_sig"] and not r["claimed"]]
    if lone_granger:
        sentences.append("Granger causality alone (not transfer entropy) is significant for "
                         + ", ".join(f"{names[r['i']]} → {names[r['j']]}" for r in lone_granger)
                         + ": a linear effect too weak for the nonparametric test, or a linear-model artefact; "
                           "no link is claimed from it.")
    if not claimed:
        sentences.append(f"No directed coupling is supported at the 5 % level (Holm-corrected over {len(rows)} ordered "
                         f"pairs). This does not show independence: weak coupling, or coupling at other lags or time "
                         f"scales, can go undetected with {n} samples.")
    sentences.append("Transfer entropy and Granger causality measure predictive information, not intervention: an "
                     "unobserved common driver can create a link" + (
                         "" if len(use) > 2 else ", and with two channels it cannot be conditioned out") + ".")
    unreliable = sorted({note for r in rows for note in r["te"].notes})
    if unreliable:
        sentences.append("Some transfer-entropy estimates are flagged unreliable: " + " ".join(unreliable))
    if ccm_note:
        sentences.append(ccm_note)
    ctx.shared["coupling_links"] = [(names[i], names[j]) for (i, j) in claimed]
    if claimed:
        listed = ", ".join(f"{names[i]} → {names[j]}" + ("" if r.get("direct", True) else " (possibly indirect)")
                           for (i, j), r in claimed.items())
        ctx.shared["coupling_summary"] = (f"transfer entropy supports {len(claimed)} directed link(s) between the "
                                          f"channels: {listed} (see the Coupling section).")
    else:
        ctx.shared["coupling_summary"] = sentences[0]
    settings = {
        "channels": ", ".join(names) + (f" (first {MAX_CHANNELS} of {d.n_channels})" if d.n_channels > MAX_CHANNELS
                                        else "") + (f"; constant, left out: {', '.join(constant)}" if constant else ""),
        "samples used": f"{n} (every {step}-th sample, the first {n}; cap {cap})",
        "transfer entropy": f"KSG, K = 4 neighbours, target history 2, source history 1, lag 1 ({step} samples), "
                            f"{n_surr} shuffle surrogates",
        "link rule": "Holm-corrected p ≤ 0.05 over all ordered pairs (p from the surrogates' Student-t prediction "
                     "interval) and effective TE > 0; with 3+ channels each link is re-tested given the past of the "
                     f"(at most {MAX_CONDITIONS}) other channels carrying most TE into its target (grey if it "
                     "vanishes)",
        "Granger": "F-test, lag order by BIC (up to " + ("5" if ctx.quick else "10") + "), Holm-corrected",
        "CCM": (f"attractor.ccm, E = {E}, tau = -1, first {n_ccm} samples, {n_ccm_surr} IAAFT surrogates, "
                f"significance as CCM decides (uncorrected); lagged CCM for two-way pairs") if ccm_res
        else "not computed",
    }
    return {"numbers": numbers, "settings": settings, "figures": figs, "text": " ".join(sentences),
            "result": rows, "reliable": all(r["te"].reliable for r in rows),
            "reading": "An arrow A → B means the past of A predicts the next value of B beyond B's own past "
                       "(transfer entropy above its shuffled-source surrogates); the closing sentences say what the "
                       "data do and do not support."}


COUPLING_SECTION = (
    "coupling", "Coupling between channels",
    "Which measured channel carries information about another's future (transfer entropy, Granger causality, "
    "convergent cross mapping)?",
    [("coupling", "Directed coupling", _coupling)],
)
