"""The run report: `hdhkits run all --jobs 2` on a fake kits folder (one notebook fails), then report.html."""

import base64
import html
import re
import shutil

import nbformat
import pytest
from hdhkits.cli import main
from hdhkits.problem import KITS, NOTEBOOKS
from hdhkits.report import FIGURES_PER_KIT, build_report, notebook_figures

PLOT = (
    "import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
    "import matplotlib.pyplot as plt\n"
    "for i in range({n}):\n    plt.figure(figsize=(2, 1.5)); plt.plot([1, 3, 2]); plt.title('{kit} ' + str(i)); plt.show()"
)


def _notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell("data_dir = None\noutput_dir = 'outputs'\nseed = 0\nquick = False")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


@pytest.fixture(scope="module")
def fake_kits(tmp_path_factory):
    """Every kit's three notebooks, tiny: plots, a recorded score with an interval; ANNITIA's 02 fails."""
    root = tmp_path_factory.mktemp("kits")
    for kit in KITS:
        (root / kit).mkdir()
        nbformat.write(_notebook(PLOT.format(n=3, kit=kit)), root / kit / NOTEBOOKS[0])
        failing = "raise ValueError('broken on purpose')" if kit == "annitia" else PLOT.format(n=3, kit=kit)
        nbformat.write(_notebook("step = 'model'", failing), root / kit / NOTEBOOKS[1])
        nbformat.write(
            _notebook(
                "import json, pathlib\np = pathlib.Path(output_dir); p.mkdir(parents=True, exist_ok=True)\n"
                "(p / 'scores.json').write_text(json.dumps({'03_submission': {'name': 'local score', 'value': 0.61234,"
                " 'low': 0.55, 'high': 0.66}}))"
            ),
            root / kit / NOTEBOOKS[2],
        )
    return root


@pytest.fixture(scope="module")
def two_runs(fake_kits, tmp_path_factory):
    """The same fake kits run with --jobs 1 and --jobs 2."""
    out = {}
    for jobs in (1, 2):
        folder = tmp_path_factory.mktemp(f"jobs{jobs}")
        code = main(["run", "all", "--kits-dir", str(fake_kits), "--out", str(folder), "--jobs", str(jobs)])
        assert code == 1  # the failing notebook
        out[jobs] = folder
    return out


def _rows(page: str) -> list[list[str]]:
    table = page.split("<h2 id='summary'>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class='(\w+)'>(.*?)</tr>", table)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)] for _, cells in rows]


@pytest.mark.slow
def test_report_table_figures_and_failure(two_runs, tmp_path):
    out = two_runs[2]
    page = (out / "report.html").read_text()
    rows = _rows(page)
    assert [(r[0], r[1]) for r in rows] == [(k, n) for k in KITS for n in NOTEBOOKS]  # registry order
    status = {(r[0], r[1]): r[2] for r in rows}
    assert status[("annitia", NOTEBOOKS[1])] == "failed" and status[("annitia", NOTEBOOKS[2])] == "skipped"
    assert status[("cardihack", NOTEBOOKS[2])] == "ok"
    key = {(r[0], r[1]): html.unescape(r[5]) for r in rows}
    assert key[("cytologia", NOTEBOOKS[2])] == "local score: 0.612 [0.550, 0.660]"
    peaks = [r[4] for r in rows if r[2] != "skipped"]
    assert all(p.isdigit() and 10 < int(p) < 2000 for p in peaks), peaks
    # figures: a few per kit, embedded PNGs, taken from both notebooks that plot
    figures = re.findall(r"<figure><img alt='([^']*)' src='data:image/png;base64,([^']+)'>", page)
    by_kit = page.split("<h2 id='figures'>", 1)[1].split("<h2 id='data'>", 1)[0].split("<h3>")[1:]
    assert [b.split("</h3>")[0] for b in by_kit] == list(KITS)
    assert [b.count("<figure>") for b in by_kit] == [FIGURES_PER_KIT, 3, FIGURES_PER_KIT]
    assert {a.split(" cell")[0] for a in re.findall(r"alt='([^']*)'", by_kit[0])} == {NOTEBOOKS[0], NOTEBOOKS[1]}
    assert base64.b64decode(figures[0][1]).startswith(b"\x89PNG")
    # the failure: its cell and its error
    failures = page.split("<h2 id='failures'>", 1)[1].split("<h2 ", 1)[0]
    assert "annitia / 02_baseline.ipynb" in failures
    assert "raise ValueError(&#x27;broken on purpose&#x27;)" in failures
    assert "ValueError: broken on purpose" in failures and "Not run after it: 03_submission.ipynb" in failures
    # data, versions; no absolute path; self-contained (no external resource)
    assert "synthetic twin, seed 0, size default" in page and "<td>numpy</td>" in page
    assert str(out) not in page and "src='http" not in page and "<link" not in page


@pytest.mark.slow
def test_report_links_the_executed_notebooks_rendered(two_runs):
    out = two_runs[2]
    page = (out / "report.html").read_text()
    links = re.findall(r"<a href='([^'#][^']*)'>", page)
    assert "cytologia/executed/01_exploration.html" in links and "annitia/executed/02_baseline.html" in links
    for link in links:
        assert (out / link).is_file(), link
    assert "broken on purpose" in (out / "annitia/executed/02_baseline.html").read_text()


@pytest.mark.slow
def test_report_is_the_same_whatever_the_jobs(two_runs):
    one, two = ((two_runs[j] / "report.html").read_text() for j in (1, 2))

    def drop_timing(rows):
        return [r[:3] + r[5:] for r in rows]

    assert drop_timing(_rows(one)) == drop_timing(_rows(two))

    def section(page, start, end):
        return page.split(f"<h2 id='{start}'>", 1)[1].split(f"<h2 id='{end}'>", 1)[0]

    assert section(one, "failures", "figures") == section(two, "failures", "figures")
    assert section(one, "figures", "data") == section(two, "figures", "data")  # same figures, same order
    assert section(one, "data", "versions") == section(two, "data", "versions")


@pytest.mark.slow
def test_report_only_rebuilds_from_the_folder(two_runs, tmp_path, capsys):
    copy = shutil.copytree(two_runs[1], tmp_path / "copy")
    original = (copy / "report.html").read_text()
    (copy / "report.html").unlink()
    for page in copy.rglob("*.html"):
        page.unlink()
    assert main(["run", "--report-only", str(copy)]) == 0
    assert "Report: " in capsys.readouterr().out
    rebuilt = (copy / "report.html").read_text()
    assert _rows(rebuilt) == _rows(original)
    assert (copy / "cytologia/executed/01_exploration.html").is_file()


def test_report_only_errors(tmp_path, capsys):
    assert main(["run", "--report-only", str(tmp_path)]) == 2
    assert "is not the output folder of an `hdhkits run`" in capsys.readouterr().err
    assert main(["run", "annitia", "--report-only", str(tmp_path)]) == 2
    assert main(["run"]) == 2 and "name a kit" in capsys.readouterr().err
    assert main(["run", "all", "--jobs", "0"]) == 2


def test_notebook_figures_reads_every_png(tmp_path):
    nb = _notebook("pass")
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=\n"}),
        nbformat.v4.new_output("stream", text="x"),
    ]
    nbformat.write(nb, tmp_path / "n.ipynb")
    assert notebook_figures(tmp_path / "n.ipynb") == [(1, "iVBORw0KGgo=")]
    assert notebook_figures(tmp_path / "missing.ipynb") == []


@pytest.mark.slow
def test_build_report_without_rendering(two_runs, tmp_path):
    copy = shutil.copytree(two_runs[2], tmp_path / "copy")
    for page in copy.rglob("*/executed/*.html"):
        page.unlink()
    report = build_report(copy, render=False)
    assert "<a href='cytologia" not in report.read_text()
    assert oct(report.stat().st_mode & 0o777) == "0o644"
