"""Rendering an :class:`~attractor.report.analyze.Analysis` as one self-contained HTML file.

The page has no scripts, no external fonts, styles or images: figures are embedded as
base64 PNG ``data:`` URIs and the stylesheet is inline, so the file opens offline in any
browser (and cannot produce script console errors).
"""
from __future__ import annotations

import base64
import datetime as _dt
import html
from typing import Any

__all__ = ["render_html"]

_CSS = """
.ar{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d232a;
max-width:980px;margin:0 auto;padding:16px 20px;line-height:1.45;font-size:15px;background:#fff}
.ar h1{font-size:1.7em;margin:.2em 0 .3em}.ar h2{font-size:1.35em;border-bottom:2px solid #d5dbe1;
padding-bottom:.2em;margin-top:1.6em}.ar h3{font-size:1.08em;margin:1.1em 0 .4em}
.ar .meta{color:#56606b;font-size:.9em}.ar .verdict{background:#eef5ff;border-left:5px solid #2f6fd6;
padding:.6em .9em;margin:.8em 0;font-size:1.05em}.ar .verdict.low{background:#fff7e8;border-color:#d69a2f}
.ar nav ol{columns:2;margin:.3em 0;padding-left:1.3em}.ar .intro{color:#46505a;margin-top:0}
.ar .item{border:1px solid #e2e6ea;border-radius:6px;padding:.4em .9em .7em;margin:.8em 0}
.ar .item.skipped{background:#fafafa;border-style:dashed}.ar .badge{font-size:.72em;font-weight:600;
padding:.1em .5em;border-radius:9px;vertical-align:middle;margin-left:.5em}
.ar .badge.ok{background:#def5e3;color:#1b6b30}.ar .badge.unreliable{background:#fdeccb;color:#8a5300}
.ar .item.unreliable{border-color:#e8c88a}.ar ul.reasons{margin:.3em 0 0 1.1em;padding:0;font-size:.93em}
.ar ul.reasons li{margin:.1em 0}.ar .badge.skipped{background:#eee;color:#555}
.ar .skip{color:#6b5a1d;background:#fff8dc;padding:.4em .6em;border-radius:4px}
.ar figure{margin:.5em 0}.ar figure img{max-width:100%;height:auto;border:1px solid #eef0f2}
.ar figcaption{font-size:.85em;color:#56606b}.ar table{border-collapse:collapse;margin:.4em 0;font-size:.92em}
.ar td,.ar th{border-bottom:1px solid #e6e9ec;padding:.2em .8em .2em 0;text-align:left;vertical-align:top}
.ar th{font-weight:600;color:#3a434c}.ar .read{font-size:.92em;color:#30475e;margin:.3em 0}
.ar .warn{color:#8a4b08;font-size:.88em;margin:.2em 0 .2em 1.2em;padding:0}.ar details{margin:.3em 0}
.ar summary{cursor:pointer;color:#3a5f8a;font-size:.92em}.ar .text{margin:.4em 0}
.ar ul.findings li{margin:.25em 0}.ar footer{margin-top:2em;color:#7a838c;font-size:.82em;
border-top:1px solid #e2e6ea;padding-top:.5em}
"""


def _e(v: Any) -> str:
    return html.escape(str(v), quote=True)


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} = {_fmt(x)}" for k, x in v.items()) or "—"
    return str(v)


def _table(d: dict, cls: str = "") -> str:
    if not d:
        return ""
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(_fmt(v))}</td></tr>" for k, v in d.items())
    return f'<table class="{cls}">{rows}</table>'


def _badge(it) -> tuple[str, str]:
    """(css class, text) of an item's status badge: green only for reliable / not-applicable items."""
    if not it.ok:
        return "skipped", "skipped"
    unreliable = getattr(it, "flagged_unreliable", None)
    if unreliable is None:  # an Item without the property (older pickles): read the fields directly
        unreliable = getattr(it, "reliable", None) is False or any("unreliab" in w.lower() for w in it.warnings)
    return ("unreliable", "computed — unreliable") if unreliable else ("ok", "computed")


def _reasons(reasons) -> str:
    if not reasons:
        return ""
    return ('<ul class="reasons">' + "".join(f"<li>{_e(r)}</li>" for r in reasons) + "</ul>")


def _item(it) -> str:
    cls, badge = _badge(it)
    parts = [f'<div class="item {_e(it.status)}{" unreliable" if cls == "unreliable" else ""}" '
             f'id="item-{_e(it.key)}">',
             f'<h3>{_e(it.title)}<span class="badge {cls}">{_e(badge)}</span></h3>']
    if not it.ok:
        parts.append(f'<p class="skip">Skipped: {_e(it.reason)}</p>')
    else:
        if it.reading:
            parts.append(f'<p class="read"><strong>How to read it:</strong> {_e(it.reading)}</p>')
        if it.key == "verdict":
            parts.append(f'<p class="text"><strong>{_e(it.text)}</strong></p>')
            if getattr(it, "reasons", ()):
                parts.append("<p class=\"text\">Deciding evidence:</p>" + _reasons(it.reasons))
            parts.append('<ul class="findings">' + "".join(f"<li>{_e(v)}</li>" for v in it.bullets) + "</ul>")
        else:
            for fig in it.figures:
                if not fig.png:  # rendered with analyze(figures=False)
                    continue
                b64 = base64.b64encode(fig.png).decode("ascii")
                parts.append(f'<figure><img src="data:image/png;base64,{b64}" width="{fig.width}" '
                             f'height="{fig.height}" alt="{_e(fig.caption)}"><figcaption>{_e(fig.caption)}'
                             "</figcaption></figure>")
            if it.text:
                parts.append(f'<p class="text">{_e(it.text)}</p>')
            parts.append(_table(it.numbers, "numbers"))
            if it.settings:
                label = "Sources" if it.key == "comparison" else "Settings chosen automatically"
                parts.append(f"<details><summary>{label}</summary>{_table(it.settings, 'settings')}</details>")
    if it.warnings:
        parts.append('<ul class="warn">' + "".join(f"<li>warning: {_e(w)}</li>" for w in it.warnings) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


def render_html(analysis, fragment: bool = False) -> str:
    """The report as HTML text: a whole document, or a ``<div>`` for Jupyter (``fragment=True``)."""
    from .. import __version__

    a = analysis
    d = a.data
    low = " low" if a.confidence == "low" else ""
    nav = "".join(f'<li><a href="#sec-{_e(s.key)}">{_e(s.title)}</a></li>' for s in a.sections)
    head = (f"<h1>{_e(a.title)}</h1>"
            f'<p class="meta">{_e(d.n_times)} samples × {_e(d.n_channels)} channel(s) '
            f"({_e(', '.join(d.columns))}); analysed channel: <strong>{_e(d.columns[0])}</strong>; "
            f"sampling step {_e(f'{d.dt:.6g}')} {_e(d.time_unit)}; source: {_e(d.source)}"
            f"{'; quick mode' if a.options.get('quick') else ''}.</p>"
            f'<div class="verdict{low}"><strong>Verdict:</strong> {_e(a.verdict)} '
            f"(confidence: {_e(a.confidence)}).{_reasons(getattr(a, 'reasons', ()))}</div><nav><ol>{nav}</ol></nav>")
    body = []
    for s in a.sections:
        body.append(f'<section id="sec-{_e(s.key)}"><h2>{_e(s.title)}</h2><p class="intro">{_e(s.intro)}</p>')
        body.extend(_item(it) for it in s.items)
        body.append("</section>")
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    foot = (f"<footer>Generated by attractor {_e(__version__)} on {_e(stamp)} in {a.seconds:.1f} s; "
            f"seed {_e(a.options.get('seed', 0))}. Self-contained file: no scripts, no external resources.</footer>")
    inner = head + "".join(body) + foot
    if fragment:
        return f'<div class="ar"><style>{_CSS}</style>{inner}</div>'
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(a.title)}</title><style>{_CSS}</style></head>"
            f'<body><main class="ar">{inner}</main></body></html>\n')
