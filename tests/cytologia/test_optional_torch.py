"""CYTOLOGIA without torch (Colab users may lack it): only the cnn package needs it, and its door says how to install it."""

import subprocess
import sys
import textwrap

# torch made unimportable in a fresh interpreter (already-imported modules would hide it here)
NO_TORCH = textwrap.dedent("""
    import sys

    class NoTorch:
        def find_spec(self, name, path=None, target=None):
            if name == "torch" or name.startswith("torch."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoTorch())
""")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", NO_TORCH + textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_baselines_import_and_oracle_score_without_torch():
    done = _run("""
        import pandas as pd
        from hdhkits.cytologia import PROBLEM, baselines
        from hdhkits.cytologia.baselines import oracle_score
        assert list(PROBLEM.models) == ["forest", "cnn"] and PROBLEM.make_model("forest") is not None
        truth = pd.DataFrame({"trustii_id": [1], "NAME": ["a.jpg"], "x1": [0], "y1": [0], "x2": [10], "y2": [10],
                              "class": ["PNN"]})
        print(oracle_score(truth).value, "torch" in sys.modules)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1.0", "False"]


def test_a_cnn_name_without_torch_says_how_to_install_it():
    done = _run("""
        from hdhkits import cytologia
        try:
            cytologia.pick_device
        except ModuleNotFoundError as exc:
            print(exc.name)
            print(exc)
    """)
    assert done.returncode == 0, done.stderr
    name, message = done.stdout.splitlines()
    assert name == "torch"
    assert message == (
        "hdhkits.cytologia.pick_device needs torch, an optional dependency: pip install 'hdhkits[torch]'"
    )


def test_only_the_cnn_package_imports_torch():
    done = _run("""
        import importlib, pkgutil
        from hdhkits import cytologia
        failed = {}
        for info in pkgutil.walk_packages(cytologia.__path__, "hdhkits.cytologia."):
            try:
                importlib.import_module(info.name)
            except ModuleNotFoundError as exc:
                failed[info.name] = exc.name
        print(sorted(failed.items()))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[('hdhkits.cytologia.cnn', 'torch')]"


def test_the_door_to_the_cnn():
    from hdhkits.cytologia import cnn
    from hdhkits.cytologia.optional_torch import CNN_NAMES, cnn_module

    assert cnn_module() is cnn
    assert all(hasattr(cnn, name) for name in CNN_NAMES)
    done = _run("""
        from hdhkits.cytologia.optional_torch import cnn_module
        try:
            cnn_module("training the CNN")
        except ModuleNotFoundError as exc:
            print(exc)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "training the CNN needs torch, an optional dependency: pip install 'hdhkits[torch]'"


def test_the_forest_is_fitted_saved_reloaded_and_submitted_without_torch(cyto_source, tmp_path):
    done = _run(f"""
        from hdhkits import cytologia as kit
        from hdhkits.datasource import resolve_data
        source = resolve_data("cytologia", {str(cyto_source.data_dir)!r})
        settings = {{"max_train_images": 40}}
        fitted = kit.PROBLEM.fit_model(kit.PROBLEM.make_model("forest"), source, settings=settings)
        kit.save_model(fitted, "forest", source, {str(tmp_path)!r}, settings=settings)
        model, reloaded = kit.load_or_train("forest", source, {str(tmp_path)!r}, settings=settings, verbose=False)
        submission = kit.make_submission(model, kit.read_dataset(source.data_dir))
        print("RESULT", reloaded, len(submission), "torch" in sys.modules)
        try:
            kit.PROBLEM.make_model("cnn")
        except ModuleNotFoundError as exc:
            print("RESULT", exc)
    """)
    assert done.returncode == 0, done.stderr
    results = [line.removeprefix("RESULT ") for line in done.stdout.splitlines() if line.startswith("RESULT")]
    rows = len(cyto_source.data_dir.joinpath("test.csv").read_text().splitlines()) - 1
    assert results == [
        f"True {rows} False",
        "the CYTOLOGIA CNN needs torch, an optional dependency: pip install 'hdhkits[torch]'",
    ]
