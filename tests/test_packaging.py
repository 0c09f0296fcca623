"""The installed package: bundled data read as package data, a user's own maps folder, and the wheel itself.

Maps come from ``--maps DIR`` (CLI), else ``$EXTRACTOR_MAPS``, else ``extractor/table_maps/`` inside the
package. A maps folder that does not exist is a usage error (exit 2); a broken one a map error (exit 3).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from extractor.api import extract
from extractor.cli import main
from extractor.maps import MAPS_DIR, MAPS_ENV, MapsDirNotFound, load_maps

SAMPLE = SAMPLES / "docx" / "gx-sme-2024-filled.docx"


@pytest.fixture(autouse=True)
def _no_maps_env(monkeypatch):
    monkeypatch.delenv(MAPS_ENV, raising=False)


@pytest.fixture
def user_maps(tmp_path) -> Path:
    d = tmp_path / "my maps"
    shutil.copytree(MAPS_DIR, d)
    return d


def _cli_json(args: list[str], outdir: Path, env: dict | None = None) -> dict:
    r = CliRunner().invoke(main, ["extract", str(SAMPLE), "-o", str(outdir), "-q", *args], env=env)
    assert r.exit_code == 0, r.output
    return json.loads((outdir / "gx-sme-2024-filled.docx.json").read_text(encoding="utf-8"))


def _broken(d: Path) -> Path:
    p = d / "gx-sme-2024.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("edition_year:", "edition_yaer:", 1), encoding="utf-8")
    return p


def _map_error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("map error:")]


def test_bundled_data_is_inside_the_package():
    pkg = Path(__import__("extractor").__file__).parent
    assert MAPS_DIR == pkg / "table_maps" and (MAPS_DIR / "catalogue.yaml").is_file()
    from extractor.ocr.engines import CONFIG_FILE
    from extractor.schemas import FILES, MODELS_DIR

    assert CONFIG_FILE == pkg / "models" / "ocr.yaml" and CONFIG_FILE.is_file()
    assert MODELS_DIR == pkg / "models" and all((MODELS_DIR / n).is_file() for n in FILES.values())


def test_maps_option_and_env_var_read_the_same_as_bundled(tmp_path, user_maps):
    default = _cli_json([], tmp_path / "default")
    assert default["template"]["id"] == "gx-sme-2024"
    assert _cli_json(["--maps", str(user_maps)], tmp_path / "option") == default
    assert _cli_json([], tmp_path / "env", env={MAPS_ENV: str(user_maps)}) == default
    # the option wins over the environment variable
    assert _cli_json(["--maps", str(user_maps)], tmp_path / "both", env={MAPS_ENV: str(tmp_path / "nowhere")}) == default


def test_user_maps_are_really_read(tmp_path, user_maps, monkeypatch):
    """A change in the user's folder shows in the output (so the bundled maps were not read instead)."""
    p = user_maps / "gx-sme-2024.yaml"
    text = p.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    p.write_text(text.replace(title, "title: 我的表", 1), encoding="utf-8")
    assert _cli_json(["--maps", str(user_maps)], tmp_path / "o")["template"]["title"] == "我的表"
    assert extract(SAMPLE, maps_dir=user_maps).template.title == "我的表"
    monkeypatch.setenv(MAPS_ENV, str(user_maps))
    assert extract(SAMPLE).template.title == "我的表"
    r = CliRunner().invoke(main, ["templates"])
    assert r.exit_code == 0 and "我的表" in r.output


def test_library_default_is_env_then_bundled(tmp_path, user_maps, monkeypatch):
    default = extract(SAMPLE).model_dump()
    assert extract(SAMPLE, maps_dir=user_maps).model_dump() == default
    monkeypatch.setenv(MAPS_ENV, str(user_maps))
    assert extract(SAMPLE).model_dump() == default
    monkeypatch.setenv(MAPS_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(MapsDirNotFound, match="nowhere"):
        extract(SAMPLE)
    with pytest.raises(MapsDirNotFound):
        load_maps()


@pytest.mark.parametrize("command", [["extract", str(SAMPLE), "-q"], ["templates"], ["check-maps"],
                                     ["inspect", str(SAMPLE)]])
def test_broken_user_map_is_a_map_error(tmp_path, user_maps, command):
    broken = _broken(user_maps)
    for args, env in ((["--maps", str(user_maps)], None), ([], {MAPS_ENV: str(user_maps)})):
        extra = ["-o", str(tmp_path / "o")] if command[0] == "extract" else []
        r = CliRunner().invoke(main, command + extra + args, env=env)
        assert r.exit_code == 3, r.output
        lines = _map_error_lines(r.output)
        assert len(lines) == 1 and str(broken) in lines[0] and "edition_yaer" in lines[0], r.output
        assert "Traceback" not in r.output


def test_maps_folder_without_catalogue_or_maps_is_a_map_error(tmp_path, user_maps):
    (user_maps / "catalogue.yaml").unlink()
    r = CliRunner().invoke(main, ["extract", str(SAMPLE), "-o", str(tmp_path / "o"), "--maps", str(user_maps)])
    assert r.exit_code == 3 and "catalogue.yaml" in _map_error_lines(r.output)[0], r.output
    empty = tmp_path / "empty"
    empty.mkdir()
    r = CliRunner().invoke(main, ["templates", "--maps", str(empty)])
    assert r.exit_code == 3 and len(_map_error_lines(r.output)) == 1, r.output


@pytest.mark.parametrize("command", [["extract", str(SAMPLE)], ["templates"], ["check-maps"], ["inspect", str(SAMPLE)]])
def test_missing_maps_folder_is_a_usage_error(tmp_path, command):
    missing = str(tmp_path / "no such folder")
    r = CliRunner().invoke(main, command + ["--maps", missing])
    assert r.exit_code == 2 and "no such folder" in r.output, r.output
    r = CliRunner().invoke(main, command, env={MAPS_ENV: missing})
    assert r.exit_code == 2 and "no such folder" in r.output, r.output


# ---------------------------------------------------------------- the wheel, installed outside the checkout
def _run(cmd: list, cwd: Path, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{cmd} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


@pytest.mark.slow
def test_wheel_installs_and_extracts_outside_the_checkout(tmp_path):
    """Build the wheel, install it into a fresh venv, run `extractor extract` from a folder outside the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", MAPS_ENV, "EXTRACTOR_OCR_CONFIG")}
    env["PIP_NO_INDEX"] = "1"  # nothing from the network: dependencies come from this environment
    # build from a copy of the sources, so the work tree gets no build/ or egg-info
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    shutil.copytree(ROOT / "extractor", src / "extractor", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, src], tmp_path, env)
    (wheel,) = dist.glob("cluster_form_extractor-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", venv], tmp_path, env)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    new_site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env).stdout.strip())
    # the dependencies installed here (this venv is not the new venv's base): a plain path line, so the
    # editable install's .pth in this environment is not run and cannot shadow the wheel
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (new_site / "zz_test_deps.pth").write_text("\n".join(sorted(here)) + "\n", encoding="utf-8")
    _run([py, "-m", "pip", "install", "--no-deps", "-q", wheel], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([py, "-c", "import extractor; print(extractor.__file__)"], elsewhere, env).stdout.strip()
    assert Path(where).resolve().is_relative_to(new_site.resolve()), where
    assert not Path(where).resolve().is_relative_to(ROOT.resolve()), where

    out = tmp_path / "OUT"
    r = subprocess.run([bindir / "extractor", "extract", SAMPLE.resolve(), "-o", out], cwd=elsewhere, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads((out / "gx-sme-2024-filled.docx.json").read_text(encoding="utf-8"))
    assert res["template"]["id"] == "gx-sme-2024"
    assert res["summary"]["ok"] >= 100, res["summary"]
    _run([bindir / "extractor", "check-maps"], elsewhere, env)
