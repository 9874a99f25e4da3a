"""The leaderboard as one self-contained HTML page, and the plain sentences that explain it.

The page holds the table, the four figures of :mod:`.figures` (embedded PNGs), a
paragraph on how to read them that names which top places are statistically tied, and
how the leaderboard was built. No script, no stylesheet or font from elsewhere: it reads
offline and can be mailed or attached to a results announcement.
"""

from __future__ import annotations

import html
import math

from .build import ALPHA, Leaderboard
from .figures import FIGURE_LIMIT, figures

__all__ = ["reading", "render_page", "verdict"]

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.86em;width:100%}th,td{padding:.3em .5em;border-bottom:1px solid #eee;
text-align:right;vertical-align:top;white-space:nowrap}th{background:#f4f4f4;position:sticky;top:0}td.l,th.l{text-align:left}
tr.tied td{background:#fff3e6}tr.invalid td{color:#888}p.note{color:#555;font-size:.9em}
figure{margin:0}figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.88em;color:#444}
.figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:1.2em;align-items:start}
.wide{overflow-x:auto}td.l{white-space:normal;min-width:8em}
.verdict{background:#f3f7fb;border-left:4px solid #1b6ca8;padding:.6em 1em}code{background:#f4f4f4;padding:0 .2em}
"""


def _fmt(value: float, digits: int = 4) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _rank(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value:g}"


def _pvalue(value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _names(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def verdict(lb: Leaderboard) -> str:
    """One sentence: who is first, with which interval, and which top places are statistically tied."""
    if not lb.order:
        return "No submission is valid: nothing was ranked."
    first = lb.table.iloc[0]
    head = (
        f"“{first['submission']}” is first with {first['score']:.4f} [{_fmt(first['low'])}, "
        f"{_fmt(first['high'])}], first in {first['p_best']:.0%} of the resamples (rank interval "
        f"[{_rank(first['rank_low'])}, {_rank(first['rank_high'])}])."
    )
    tied = lb.tied_with_first()
    if len(lb.order) == 1:
        return head + " It is the only valid submission."
    if len(tied) == 1:
        return head + (
            f" It scores significantly higher than every other submission (one-sided paired bootstrap "
            f"test, Holm-corrected over its {len(lb.order) - 1} comparisons, {ALPHA:.0%}): its first place "
            "is clear."
        )
    others = tied[1:]
    shown = others if len(others) <= 8 else others[:8]
    more = f" and {len(others) - 8} more" if len(others) > 8 else ""
    return head + (
        f" It does not score significantly higher than {_names(shown)}{more} (one-sided paired bootstrap "
        f"test, Holm-corrected over its {len(lb.order) - 1} comparisons, {ALPHA:.0%}): these {len(tied)} "
        "submissions are statistically tied for first place, and the test set cannot tell them apart."
    )


def reading(lb: Leaderboard) -> list[str]:
    """The paragraphs of *How to read this page*, with this leaderboard's numbers."""
    s = lb.settings
    used = s.get("resamples_used", s["n_boot"])
    dropped = s["n_boot"] - used
    paragraphs = [
        f"Every valid submission was scored with the kit's metric on the {s['n_units']} test {s['units']}, then "
        f"on {s['n_boot']} bootstrap resamples of them (the {s['units']} drawn with replacement, the same resamples "
        f"for every submission)"
        + (
            f"; {dropped} resamples where the metric was undefined for some submission were left out for all"
            if dropped
            else ""
        )
        + ". "
        "The interval beside a score holds the middle 95 % of its resampled scores: it says how much the score "
        "depends on which cases happened to be in the test set. The rank interval does the same for the rank "
        "(tied scores share the best of their places), and P(best) is the share of resamples in which the "
        "submission comes first.",
        "The forest plot draws the scores with their intervals. The blob plot shows, for each submission, how "
        "often it takes each rank (the larger the blob, the more often), with its median rank and 95 % rank "
        "interval: a long column of blobs is an unstable rank. In the significance map a yellow cell says the "
        "submission of the row scores higher than that of the column with a one-sided paired bootstrap test "
        f"below {ALPHA} after Holm's correction for the {max(len(lb.order) * (len(lb.order) - 1), 0)} ordered "
        "pairs; a blue cell says the test set cannot tell that they differ in that direction. Who is tied with "
        "the first is decided by the first's own comparisons (the column p vs first: Holm over those "
        f"{max(len(lb.order) - 1, 0)} tests only), so the map, corrected over every pair, is the more cautious "
        "of the two.",
        verdict(lb),
    ]
    paragraphs.append(_shakeup_sentence(lb))
    valid = lb.table["valid"].astype(bool)
    noted = int((valid & (lb.table["warning"].fillna("").astype(str).str.len() > 0)).sum())
    if noted:
        paragraphs.append(
            f"{noted} ranked submission(s) carry a warning, in the last column of the table: each was scored, "
            "and the warning says what the challenge platform may treat differently (columns in another order, "
            "for instance, are read by name here)."
        )
    invalid = int((~valid).sum())
    if invalid:
        paragraphs.append(
            f"{invalid} file(s) were not scored: they are listed at the bottom of the table with the "
            "first problem the kit's validator (or the reader) found."
        )
    return paragraphs


def _shakeup_sentence(lb: Leaderboard) -> str:
    s = lb.settings
    valid = lb.table[lb.table["valid"].astype(bool)]
    moves = valid["shakeup"].abs()
    head = (
        f"The shake-up compares a public part of {s['n_public']} {s['units']} (a seeded {s['public_share']:.0%} "
        f"of the test set, as a live leaderboard shows) with the private rest ({s['n_private']})."
    )
    if len(valid) < 2 or moves.isna().all():
        return head
    worst = valid.loc[moves.idxmax()]
    rho = s.get("public_private_spearman", float("nan"))
    corr = f" Public and private ranks correlate at Spearman {rho:.2f};" if not math.isnan(rho) else ""
    return head + f"{corr} the largest move is {int(abs(worst['shakeup']))} places (“{worst['submission']}”)."


def _table_html(lb: Leaderboard) -> str:
    tied = set(lb.tied_with_first())
    notes = bool(lb.table["warning"].astype(str).str.len().gt(0).any())
    head = (
        "<tr><th>#</th><th class=l>submission</th><th>score [95 % interval]</th><th>rank interval</th>"
        "<th>P(best)</th><th>p vs first</th><th>public</th><th>private</th><th>public → private</th>"
        + ("<th class=l>warning</th>" if notes else "")
        + "</tr>"
    )
    rows = []
    for _, r in lb.table.iterrows():
        name = html.escape(str(r["submission"]))
        if not r["valid"]:
            rows.append(
                f"<tr class=invalid><td></td><td class=l>{name}</td><td class=l colspan={7 + notes}>not scored: "
                f"{html.escape(str(r['error']))}</td></tr>"
            )
            continue
        css = " class=tied" if r["submission"] in tied else ""
        rows.append(
            f"<tr{css}><td>{_rank(r['rank'])}</td><td class=l>{name}</td>"
            f"<td>{_fmt(r['score'])} [{_fmt(r['low'])}, {_fmt(r['high'])}]</td>"
            f"<td>[{_rank(r['rank_low'])}, {_rank(r['rank_high'])}]</td><td>{_fmt(r['p_best'], 3)}</td>"
            f"<td>{_pvalue(r['p_vs_first'])}</td><td>{_fmt(r['public_score'])}</td><td>{_fmt(r['private_score'])}"
            f"</td><td>{_rank(r['public_rank'])} → {_rank(r['private_rank'])}</td>"
            + (f"<td class=l>{html.escape(str(r['warning'] or ''))}</td>" if notes else "")
            + "</tr>"
        )
    return f"<div class=wide><table>{head}{''.join(rows)}</table></div>"


def _settings_html(lb: Leaderboard) -> str:
    s = lb.settings
    items = [
        f"Kit: {html.escape(s['title'])}. Metric: {html.escape(s['metric'])}.",
        f"Truth: <code>{html.escape(s['truth_file'])}</code> (sha256 <code>{s['truth_sha256'][:16]}…</code>); "
        f"{s['n_units']} test {s['units']}; submissions checked against {html.escape(s['validated_against'])}.",
        f"{s['n_boot']} resamples (seed {s['seed']}), {s.get('resamples_used', s['n_boot'])} used; public share "
        f"{s['public_share']:g} ({s['n_public']} public, {s['n_private']} private {s['units']}).",
        f"Ties: {html.escape(s['ties'])}. Pairwise test: {html.escape(s['test'])}.",
        f"Per-unit decomposition against the official score: largest difference "
        f"{s.get('decomposition_max_diff', 0.0):.1e}. Files larger than {s['max_file_bytes'] / 2**20:.0f} MiB "
        "are not read."
        + (f" Ignored (not .csv or .zip): {html.escape(', '.join(s['ignored']))}." if s.get("ignored") else ""),
        f"Built by hdhkits {html.escape(s['hdhkits'])} in {s['seconds']:.1f} s: <code>{html.escape(s['command'])}"
        "</code>."
        if s.get("command")
        else f"Built by hdhkits {html.escape(s['hdhkits'])}.",
    ]
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _figures_html(lb: Leaderboard) -> str:
    captions = {
        "forest": "Scores with their 95 % bootstrap intervals; orange: statistically tied with the first.",
        "blob": "Blob plot: rank distribution over the resamples, median rank and 95 % rank interval.",
        "significance": "Significance map: yellow where the row scores significantly higher than the column.",
        "shakeup": "Public rank to private rank of each submission (green: moved up, red: down).",
    }
    figs = figures(lb)
    limit = (
        f"<p class=note>The figures show the first {FIGURE_LIMIT} of {len(lb.order)} valid submissions; the "
        "table lists them all.</p>"
        if len(lb.order) > FIGURE_LIMIT
        else ""
    )
    return (
        limit
        + "<div class=figs>"
        + "".join(
            f"<figure><img alt='{name}' src='{uri}'><figcaption>{captions[name]}</figcaption></figure>"
            for name, uri in figs.items()
        )
        + "</div>"
    )


def render_page(lb: Leaderboard) -> str:
    """The whole page, one HTML string (figures embedded)."""
    s = lb.settings
    n_valid = len(lb.order)
    title = f"{s['title']} leaderboard"
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in reading(lb))
    return (
        f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<meta name=viewport content='width=device-width, initial-scale=1'><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class=note>{n_valid} valid submission(s) of {len(lb.table)}; scores "
        f"with 95 % bootstrap intervals over {s['n_boot']} resamples of the {s['n_units']} test {s['units']}.</p>"
        f"<p class=verdict>{html.escape(verdict(lb))}</p>"
        f"<h2>Ranking</h2>{_table_html(lb)}"
        f"<h2>How to read this page</h2>{paragraphs}"
        f"<h2>Figures</h2>{_figures_html(lb) if n_valid else '<p>No valid submission: no figure.</p>'}"
        f"<h2>How it was built</h2>{_settings_html(lb)}</body></html>\n"
    )
