"""Practice-competition bundles: build each kit's, check it as Codabench would run it, and the parts."""

import datetime as dt
import inspect
import json
import zipfile
from pathlib import Path, PurePosixPath

import pytest
import yaml
from hdhkits.bundle import BundleCheckError, BundleError, build_bundle, check_bundle
from hdhkits.bundle.check import REQUIRED_KEYS, check_competition_yaml
from hdhkits.bundle.pages import REPOSITORY, make_pages, split_sections
from hdhkits.bundle.samples import broken_submission, sample_submission
from hdhkits.bundle.vendor import VendorError, vendor_package
from hdhkits.findings import errors
from hdhkits.problem import KITS, get_problem

from .leaderboard_support import perfect_submission

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """One quick bundle per kit, built once for the module."""
    folder = tmp_path_factory.mktemp("bundles")
    return {kit: build_bundle(kit, folder / f"{kit}.zip", seed=1, size="quick", today=TODAY) for kit in KITS}


def _yaml(path):
    with zipfile.ZipFile(path) as zf:
        return yaml.safe_load(zf.read("competition.yaml")), zf.namelist()


@pytest.mark.parametrize("kit", KITS)
def test_bundle_passes_the_server_free_check(bundles, kit):
    info = bundles[kit]
    assert info.path.is_file() and info.bytes == info.path.stat().st_size
    report = check_bundle(info.path)
    assert report.kit == kit
    assert set(info.leaderboard_keys) <= set(report.scores)
    assert abs(report.scores["score"] - info.sample_score) < 1e-9
    # the broken submission's log holds what `hdhkits validate` says, and no traceback
    assert "INVALID" in report.broken_log and "Traceback" not in report.broken_log
    assert "test id(s) missing" in report.broken_log


@pytest.mark.parametrize("kit", KITS)
def test_competition_yaml_has_the_required_keys_and_every_path_is_in_the_zip(bundles, kit):
    config, names = _yaml(bundles[kit].path)
    for key in REQUIRED_KEYS[""]:
        assert key in config, key
    assert config["version"] == 2
    entries = {n.rstrip("/") for n in names}
    named = [config["image"], config["terms"], *(p["file"] for p in config["pages"])]
    for task in config["tasks"]:
        assert set(REQUIRED_KEYS["tasks"]) <= set(task)
        named += [task["input_data"], task["reference_data"], task["scoring_program"]]
    named += [s["path"] for s in config["solutions"]]
    named += [ph[k] for ph in config["phases"] for k in ("starting_kit", "public_data")]
    for path in named:
        assert PurePosixPath(path).as_posix() in entries, path
    assert config["phases"][0]["start"] == "01-15-2026" and config["phases"][0]["end"] == "01-15-2027"
    columns = config["leaderboards"][0]["columns"]
    assert [c["key"] for c in columns] == list(bundles[kit].leaderboard_keys)
    assert columns[0]["key"] == "score" and columns[0]["sorting"] == "desc"
    # the public files hold no truth; the reference data does
    problem = get_problem(kit)
    assert not any(n.endswith(problem.truth_file) for n in names if n.startswith("input_data/"))
    assert f"reference_data/truth/{problem.truth_file}" in names
    assert {
        f"starting_kit/{n}" for n in ("01_exploration.ipynb", "02_baseline.ipynb", "03_submission.ipynb", "README.md")
    } <= set(names)
    assert "scoring_program/metadata.yaml" in names


def test_scoring_program_carries_the_kits_own_metric_code(bundles):
    """One source of truth: the copied functions are the package's, character for character."""
    from hdhkits.annitia import metric as annitia_metric
    from hdhkits.cardihack import metric as cardihack_metric

    with zipfile.ZipFile(bundles["annitia"].path) as zf:
        copied = zf.read("scoring_program/hdhkits_scoring/annitia/metric.py").decode()
        names = zf.namelist()
    assert inspect.getsource(annitia_metric.harrell_c) in copied
    assert inspect.getsource(annitia_metric.score_risks) in copied
    assert inspect.getsource(annitia_metric.score) in copied
    # pruned: no twin generator, no baselines in the program
    assert not any(n.endswith(("twin.py", "baselines.py")) for n in names if n.startswith("scoring_program/"))
    with zipfile.ZipFile(bundles["cardihack"].path) as zf:
        copied = zf.read("scoring_program/hdhkits_scoring/cardihack/metric.py").decode()
    assert inspect.getsource(cardihack_metric.weighted_kappa) in copied


def _tampered(source: Path, target: Path, line: str) -> Path:
    """A copy of a bundle whose scoring.py imports ``line`` first."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "scoring_program/scoring.py":
                data = data.replace(b"import json\n", f"{line}\nimport json\n".encode(), 1)
            zout.writestr(item, data)
    return target


@pytest.mark.parametrize(
    "line, message",
    [
        ("import hdhkits", "No module named 'hdhkits'"),
        ("import PIL", "not in Codabench's default image"),
    ],
)
def test_check_proves_self_containment(bundles, tmp_path, line, message):
    """A program that needs hdhkits or a package outside Codabench's default image fails the check."""
    bad = _tampered(bundles["cardihack"].path, tmp_path / "bad.zip", line)
    with pytest.raises(BundleCheckError) as exc:
        check_bundle(bad)
    assert message in str(exc.value) and "exited 1" in str(exc.value)


def test_check_lists_yaml_problems():
    config = {
        "version": 1,
        "title": "t",
        "image": "logo.png",
        "pages": [{"title": "x"}],
        "tasks": [],
        "solutions": [],
        "phases": [{"name": "p", "description": "", "start": "2026-01-01", "end": "01-01-2027", "tasks": [3]}],
        "leaderboards": [],
    }
    problems = check_competition_yaml(config, {"pages"})
    text = "\n".join(problems)
    assert "key 'description' is missing" in text and "key 'terms' is missing" in text
    assert "version is 1" in text
    assert "pages[0] lacks file" in text
    assert "phases[0].start is '2026-01-01'; write dates MM-DD-YYYY" in text
    assert "phases[0] names task 3, which is not defined" in text
    assert "image names 'logo.png', which is not in the zip" in text


def test_bundle_is_reproducible_and_written_atomically(bundles, tmp_path, monkeypatch):
    again = build_bundle("annitia", tmp_path / "again.zip", seed=1, size="quick", today=TODAY)
    assert again.path.read_bytes() == bundles["annitia"].path.read_bytes()
    # a failing build leaves neither the target nor a temporary file behind
    import hdhkits.bundle.build as build

    monkeypatch.setattr(build, "sample_submission", lambda kit, data: broken_submission(sample_submission(kit, data)))
    with pytest.raises(BundleError, match="sample submission is invalid"):
        build_bundle("annitia", tmp_path / "never.zip", size="quick", today=TODAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.zip"]


@pytest.mark.parametrize("kit", KITS)
def test_sample_is_valid_and_broken_is_not(twin, kit):
    source = twin(kit, "quick")
    problem = get_problem(kit)
    sample = sample_submission(kit, source.data_dir)
    assert errors(problem.validate_submission(sample, source.data_dir)) == []
    truth = problem.read_truth(source.truth_path)
    assert problem.score_submission(sample, truth).value < 0.9  # a floor, not the truth
    broken = errors(problem.validate_submission(broken_submission(sample), source.data_dir))
    assert any("missing" in str(f) for f in broken) and any("empty" in str(f) for f in broken)


def _toy_package(root: Path) -> None:
    pkg = root / "toy"
    (pkg / "kit").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Toy."""\nfrom .kit import problem\n')
    (pkg / "kit" / "__init__.py").write_text('"""Kit."""\nfrom .heavy import draw\n')
    (pkg / "kit" / "heavy.py").write_text(
        "from PIL import Image\n\ndef draw():\n    return Image\n\n\n"
        "LIMIT = Image.MAX_IMAGE_PIXELS\n\n\ndef limit():\n    return LIMIT\n"
    )
    (pkg / "kit" / "sizes.py").write_text(
        'from PIL import Image\n\n\ndef size(path):\n    """Doc."""\n'
        "    with Image.open(path) as im:\n        return im.size\n"
    )
    (pkg / "kit" / "metric.py").write_text(
        '"""Metric."""\nfrom __future__ import annotations\nimport math\n\nWEIGHT = 0.7  # why 0.7\n\n'
        "from .sizes import size\n\n"
        "def _half(x):\n    return x / 2\n\n\ndef unused():\n    return 1\n\n\n"
        "def score(a: Unused, b, path=None) -> float:\n    if path:\n        return size(path)\n"
        "    return WEIGHT * _half(a) + math.fabs(b)\n"
    )
    (pkg / "kit" / "problem.py").write_text(
        "from __future__ import annotations\nfrom .metric import score\nfrom .heavy import draw\n\n\n"
        "class Base:\n    title = 'Toy'\n\n    def make_twin(self):\n        return draw()\n\n"
        "    def score_submission(self, a, b):\n        return score(a, b)\n\n\nPROBLEM = Base()\n"
    )


def test_vendor_prunes_to_what_scoring_reaches(tmp_path):
    _toy_package(tmp_path)
    modules = vendor_package(
        tmp_path,
        "toy",
        {"toy.kit.problem": {"PROBLEM"}},
        {("toy.kit.problem", "Base"): {"score_submission"}},
        "toy_scoring",
    )
    files = {m.path.as_posix(): m.source for m in modules}
    assert set(files) == {
        "toy_scoring/__init__.py",
        "toy_scoring/kit/__init__.py",
        "toy_scoring/kit/metric.py",
        "toy_scoring/kit/problem.py",
        "toy_scoring/kit/sizes.py",
    }
    # PIL, used inside a function only, is imported there: the copy loads without it
    sizes = files["toy_scoring/kit/sizes.py"]
    assert not sizes.startswith("from PIL")
    assert '    """Doc."""\n    from PIL import Image  # moved here by hdhkits bundle' in sizes
    assert "heavy" not in files["toy_scoring/kit/problem.py"] and "make_twin" not in files["toy_scoring/kit/problem.py"]
    assert "title = 'Toy'" in files["toy_scoring/kit/problem.py"]
    metric = files["toy_scoring/kit/metric.py"]
    assert "def unused" not in metric and "WEIGHT = 0.7  # why 0.7" in metric and "import math" in metric
    assert "from .kit import problem" not in files["toy_scoring/__init__.py"]
    # the copy runs on its own
    out = tmp_path / "out"
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    import subprocess
    import sys

    code = "from toy_scoring.kit.problem import PROBLEM; print(PROBLEM.score_submission(4, -1))"
    done = subprocess.run([sys.executable, "-c", code], cwd=out, capture_output=True, text=True)
    assert done.stdout.strip() == "2.4", done.stderr


def test_vendor_refuses_a_package_codabench_lacks_at_load_time(tmp_path):
    _toy_package(tmp_path)
    with pytest.raises(VendorError, match="toy.kit.heavy imports 'PIL'"):
        vendor_package(tmp_path, "toy", {"toy.kit.heavy": {"limit"}}, {}, "toy_scoring")  # LIMIT = Image...


def test_pages_follow_the_readme():
    readme = (
        "# Toy kit\n\nIntro with a [link](../../shared/x.py).\n\n## The files\n\nfiles text\n\n"
        "## The metric\n\n```\n## not a heading\n```\n\n## Traps\n\ntrap text\n"
    )
    title, _intro, sections = split_sections(readme)
    assert title == "Toy kit" and [h for h, _ in sections] == ["The files", "The metric", "Traps"]
    pages = make_pages(
        get_problem("annitia"), readme, ["score", "c_hepatic", "a_loss"], 0, "quick", 0.61, frozenset({"a_loss"})
    )
    assert "| `a_loss` | a part of it (lower is better) |" in pages["evaluation.md"]
    assert "files text" in pages["data.md"] and "## not a heading" in pages["evaluation.md"]
    assert "trap text" in pages["overview.md"] and f"({REPOSITORY}/shared/x.py)" in pages["overview.md"]
    assert "0.6100" in pages["evaluation.md"] and "`c_hepatic`" in pages["evaluation.md"]
    assert "synthetic" in pages["terms.md"]


def test_kit_json_names_the_twin(bundles):
    with zipfile.ZipFile(bundles["cytologia"].path) as zf:
        kit = json.loads(zf.read("scoring_program/kit.json"))
        logo = zf.read("logo.png")
    assert kit["kit"] == "cytologia" and kit["seed"] == 1 and kit["size"] == "quick"
    assert logo.startswith(b"\x89PNG")


def test_scoring_program_parses_as_python_3_9(bundles):
    """Codabench's default image runs an older Python than the kits: the copied code must parse there."""
    import ast

    for info in bundles.values():
        with zipfile.ZipFile(info.path) as zf:
            for name in zf.namelist():
                if name.startswith("scoring_program/") and name.endswith(".py"):
                    ast.parse(zf.read(name), filename=name, feature_version=(3, 9))


def test_scoring_log_of_an_unreadable_or_missing_file(bundles, tmp_path):
    """What a participant reads when the zip holds junk or no CSV: a sentence, no platform path."""
    from hdhkits.bundle.check import _run_program

    with zipfile.ZipFile(bundles["cardihack"].path) as zf:
        zf.extractall(tmp_path / "bundle")
    junk = tmp_path / "submission.csv"
    junk.write_bytes(b"\x00\xff\xfe junk")
    code, log, _ = _run_program(
        tmp_path / "bundle/scoring_program", tmp_path / "bundle/reference_data", junk, tmp_path / "run1", 60
    )
    assert code == 1 and log.startswith("submission.csv: INVALID, 1 problem(s)\n  - cannot be read as CSV")
    assert "/app/" not in log and str(tmp_path) not in log and "Traceback" not in log
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    code, log, _ = _run_program(
        tmp_path / "bundle/scoring_program", tmp_path / "bundle/reference_data", other, tmp_path / "run2", 60
    )
    assert code == 1 and "submission.csv: not found in your zip (it holds no CSV file)" in log


@pytest.mark.parametrize("kit", KITS)
def test_scoring_program_scores_columns_in_another_order_by_name_and_says_so(bundles, tmp_path, kit):
    """Run server-free as ``bundle --check`` does: the official order's scores, and the warning in the log."""
    from hdhkits.bundle.check import _run_program
    from hdhkits.submission import read_submission

    with zipfile.ZipFile(bundles[kit].path) as zf:
        zf.extractall(tmp_path / "bundle")
    program, ref = tmp_path / "bundle/scoring_program", tmp_path / "bundle/reference_data"
    problem = get_problem(kit)
    truth = problem.read_truth(ref / json.loads((program / "kit.json").read_text())["truth_folder"])
    official = perfect_submission(kit, truth)  # not constant: a column read by position would change the scores
    header = ",".join(official.columns)
    official.to_csv(tmp_path / "official.csv", index=False)
    (tmp_path / "res").mkdir()
    official[list(reversed(official.columns))].to_csv(tmp_path / "res/submission.csv", index=False)
    code, log, output = _run_program(program, ref, tmp_path / "res/submission.csv", tmp_path / "run", 120)
    assert code == 0, log
    want = problem.score_submission(read_submission(tmp_path / "official.csv"), truth)
    assert json.loads((output / "scores.json").read_text()) == {"score": want.value, **want.parts}
    assert (
        f"1 warning(s) (the file is scored as given):\n  - warning: columns in another order than the official "
        f"{header}; scored by name here, but the challenge platform may require the official order: write the "
        f"header {header}"
    ) in log


def test_the_evaluation_page_points_to_the_leaderboard_command():
    from hdhkits.bundle.pages import final_ranking

    for kit in KITS:
        problem = get_problem(kit)
        pages = make_pages(problem, "# T\n\n## Metric\n\nm", ["score"], 0, "quick", 0.5)
        assert final_ranking(problem) in pages["evaluation.md"]
        assert f"hdhkits leaderboard {kit} SUBMISSIONS/ --truth {problem.truth_file}" in pages["evaluation.md"]
        assert f"hdhkits leaderboard {kit} --demo 20" in pages["evaluation.md"]
