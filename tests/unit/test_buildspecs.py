"""The forecast pipeline's buildspecs (src/mlops/) against the CLI and the lock they install:
each runs one valid ``acogida`` command for its stage, on the pinned requirements, and the stage
commands run without what the lock leaves out (spaCy, PySpark)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from acogida.cli import _build_parser

REPO = Path(__file__).resolve().parents[2]
STAGE_COMMANDS = {
    "prepare": ["mlops", "prepare"],
    "train": ["forecast", "train"],
    "gate": ["forecast", "gate"],
    "publish": ["forecast", "publish"],
}


def buildspec(stage: str) -> dict:
    return yaml.safe_load((REPO / "src" / "mlops" / f"buildspec-{stage}.yml").read_text())


@pytest.mark.parametrize("stage", sorted(STAGE_COMMANDS))
def test_each_buildspec_installs_the_lock_and_runs_its_stage_command(stage):
    spec = buildspec(stage)
    assert spec["version"] == 0.2
    install = spec["phases"]["install"]
    assert install["runtime-versions"]["python"] == 3.11
    assert any("-r requirements/mlops.lock" in command for command in install["commands"])
    assert any("--no-deps ." in command for command in install["commands"])
    (command,) = [c for c in spec["phases"]["build"]["commands"] if c.startswith("acogida ")]
    words = shlex.split(command.replace('"$RUN_ID"', "run-id"))[1:]
    assert words[:2] == STAGE_COMMANDS[stage]
    _build_parser().parse_args(words)  # exits (fails the test) on an option the CLI does not know


def test_the_model_travels_from_train_to_gate_and_publish():
    assert "model/**/*" in buildspec("train")["artifacts"]["files"]
    for stage in ("gate", "publish"):
        linked = " ".join(buildspec(stage)["phases"]["pre_build"]["commands"])
        assert "${CODEBUILD_SRC_DIR_model}/model" in linked


def test_the_mlops_lock_pins_what_the_stages_import_and_leaves_out_spacy_and_pyspark():
    lines = [
        line
        for line in (REPO / "requirements" / "mlops.lock").read_text().splitlines()
        if line and line[0] != "#"
    ]
    pins = dict(line.split("==", 1) for line in lines)
    assert len(pins) == len(lines), "every requirement is pinned with =="
    names = {name.lower().replace("_", "-") for name in pins}
    assert {"statsforecast", "pandas", "matplotlib", "boto3", "aws-lambda-powertools"} <= names
    assert not {"spacy", "pyspark"} & names
    dev = dict(
        line.split("==", 1)
        for line in (REPO / "requirements" / "dev.lock").read_text().splitlines()
        if "==" in line and line[0] != "#"
    )
    assert {name: version for name, version in pins.items() if dev.get(name) != version} == {}


def test_the_stage_commands_run_without_spacy_or_pyspark(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "forecast.csv").write_text("timestamp,workforce_type,location,p10,p50,p90\n")
    (model / "history.csv").write_text("timestamp,workforce_type,location,workforce_demand\n")
    (model / "series_choice.csv").write_text("workforce_type,location,model\n")
    (model / "backtest.json").write_text(json.dumps({"overall": {"mase": 0.7, "naive_mase": 1.0}}))
    code = (
        "import sys; sys.modules.update(spacy=None, pyspark=None); "
        "from acogida.cli import main; "
        f"sys.exit(main(['forecast', 'gate', '--model-dir', {str(model)!r}]))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert re.search(r"gate passed: model MASE 0\.700 beats seasonal naive 1\.000", completed.stdout)
