"""The ``acogida`` command line: intake extraction and redaction, local mode (emulator, demo), and
Terraform per environment.

Later capabilities (bulk upload, forecast, privacy) add their subcommands here.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from acogida.adapters.aws import AwsTarget
from acogida.infra.deploy import apply_environment, environment_images, plan_environment
from acogida.infra.image_commands import add_images_parser, run_images_command
from acogida.infra.image_registry import ImageRegistryError
from acogida.infra.terraform import TerraformError, TerraformRoot
from acogida.infra.toolchain import ENVIRONMENTS, RepositoryNotFoundError, Toolchain, load_toolchain
from acogida.intake import extract
from acogida.intake.jsonl import InputLineError, dump, read_records
from acogida.local.demo import run_demo, runtime_log_path, toolchain_runtime
from acogida.local.front import FrontError
from acogida.local.intake_demo import demo_user_lines, ensure_demo_users
from acogida.local.runtime import serve_until_interrupted
from acogida.local.smoke import SmokeCheckError
from acogida.local.stack import EmulatorError, LocalEmulator
from acogida.privacy.commands import add_privacy_parser, run_privacy_command

REAL_ENVIRONMENTS = tuple(environment for environment in ENVIRONMENTS if environment != "local")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acogida", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    extract_command = commands.add_parser(
        "extract", help="form fields of a Spanish transcript read on stdin, as JSON"
    )
    extract_command.add_argument(
        "--jsonl",
        action="store_true",
        help='read lines {"id", "transcript"}, write lines {"id", "fields"} in the same order',
    )
    redact_command = commands.add_parser(
        "redact", help="find and mask personal data in Spanish text on stdin"
    )
    redact_command.add_argument(
        "--jsonl",
        action="store_true",
        help='read lines {"id", "text"}, write lines {"id", "spans", "redacted"} in the same order',
    )

    etl = commands.add_parser(
        "etl",
        help="submissions CSV (raw/ layout) -> daily workforce demand (Forecast CSV, Parquet, PNG)",
    )
    etl.add_argument(
        "--input", required=True, type=Path, help="folder of submission CSVs (searched recursively)"
    )
    etl.add_argument(
        "--output", required=True, type=Path, help="folder for workforce_demand.{csv,parquet,png}"
    )
    etl.add_argument(
        "--config", type=Path, help="needs -> workforce minutes JSON (default: the packaged one)"
    )
    etl.add_argument(
        "--engine", choices=["spark", "pandas"], default="spark", help="default: spark (local mode)"
    )
    etl.add_argument(
        "--end",
        type=_iso_date,
        help="extend every series with zeros up to this day (YYYY-MM-DD), e.g. today",
    )
    etl.add_argument("--no-plot", action="store_true", help="skip the PNG chart")

    forecast = commands.add_parser("forecast", help="daily workforce-demand forecasts (p10/p50/p90)")
    forecast_commands = forecast.add_subparsers(dest="forecast_command", required=True)
    predict = forecast_commands.add_parser(
        "predict", help="TRAIN.csv (timestamp, workforce_type, workforce_demand[, location]) -> OUT.csv"
    )
    predict.add_argument("--input", required=True, type=Path, help="daily training rows")
    predict.add_argument("--horizon", required=True, type=int, help="days to forecast after each series' end")
    predict.add_argument(
        "--output", required=True, type=Path, help="timestamp, workforce_type, [location,] p10, p50, p90"
    )
    predict.add_argument(
        "--engine",
        choices=["statsforecast", "amazon_forecast"],
        default="statsforecast",
        help="default: statsforecast; amazon_forecast runs Amazon Forecast (accounts that still have it)",
    )
    amazon = predict.add_argument_group("amazon_forecast engine (region from the AWS configuration)")
    amazon.add_argument("--forecast-role-arn", help="IAM role Forecast assumes (default: $FORECAST_ROLE_ARN)")
    amazon.add_argument("--bucket", help="S3 bucket for the training CSV (default: $FORECAST_BUCKET)")
    amazon.add_argument("--kms-key-arn", help="KMS key for S3 and Forecast (default: $FORECAST_KMS_KEY_ARN)")
    amazon.add_argument("--prefix", default="forecast/amazon_forecast", help="S3 prefix of the run's objects")
    amazon.add_argument(
        "--run-id", help="names the run's resources; rerun with it to resume (default: UTC time)"
    )
    amazon.add_argument("--read", choices=["query", "export"], default="query", help="default: query")
    amazon.add_argument(
        "--cleanup", action="store_true", help="delete the run's resources and objects at the end"
    )
    backtest = forecast_commands.add_parser(
        "backtest",
        help="hide the last H days of each series; MASE, coverage, quantile loss vs seasonal naive",
    )
    backtest.add_argument("--input", required=True, type=Path)
    backtest.add_argument("--horizon", required=True, type=int)
    _add_pipeline_step_parsers(forecast_commands)

    _add_mlops_parser(commands)

    local = commands.add_parser("local", help="the local AWS emulator (moto on 127.0.0.1)")
    local.add_argument(
        "action",
        choices=["up", "down", "status", "serve", "api"],
        help="serve (or api): serve the front and the API of the applied local workspace on 127.0.0.1 "
        "until Ctrl-C",
    )
    local.add_argument("--port", type=int, help="emulator port (default: MOTO_PORT of config/toolchain.env)")
    local.add_argument(
        "--fresh",
        action="store_true",
        help="up: start with an empty emulator, discarding the state the last `down` saved",
    )

    demo = commands.add_parser("demo", help="apply the platform to the local emulator and run it end to end")
    demo.add_argument("--port", type=int, help="emulator port (default: MOTO_PORT of config/toolchain.env)")

    add_images_parser(commands)
    add_privacy_parser(commands)

    infra = commands.add_parser(
        "infra", help="terraform init/plan/apply/destroy/output for a real environment"
    )
    infra.add_argument(
        "action",
        choices=["init", "plan", "apply", "destroy", "output", "mlops-source"],
        help="mlops-source: zip the repository for the forecast pipeline's S3 source and upload it",
    )
    infra.add_argument("--env", required=True, choices=REAL_ENVIRONMENTS, help="environment = workspace")
    infra.add_argument(
        "--auto-approve", action="store_true", help="apply/destroy without the interactive confirmation"
    )
    infra.add_argument(
        "--plan-file",
        type=Path,
        help="plan: save the plan there (and its .json, .txt and GitLab .report.json beside it); "
        "apply: apply exactly that saved plan",
    )
    return parser


def _add_pipeline_step_parsers(
    forecast_commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """train, gate, publish: the steps the forecast pipeline's CodeBuild stages run."""
    train = forecast_commands.add_parser(
        "train",
        help="backtest and forecast into a model directory (pipeline stage; curated demand by default)",
    )
    train.add_argument("--output-dir", required=True, type=Path, help="the model directory")
    train.add_argument(
        "--input", type=Path, help="a demand CSV (default: $CURATED_BUCKET/$CURATED_DEMAND_KEY in S3)"
    )
    train.add_argument("--horizon", type=int, help="days to forecast (default: $FORECAST_HORIZON_DAYS)")
    gate = forecast_commands.add_parser(
        "gate", help="exit 1 unless the model beats seasonal naive on its backtest (pipeline stage)"
    )
    gate.add_argument("--model-dir", required=True, type=Path)
    gate.add_argument(
        "--min-improvement", type=float, default=0.0, help="required MASE gain, 0.05 = 5%% (default 0)"
    )
    publish = forecast_commands.add_parser(
        "publish",
        help="forecast rows to DynamoDB, reports to S3, topic notice, coordinators' e-mail (pipeline stage)",
    )
    publish.add_argument("--model-dir", required=True, type=Path)
    publish.add_argument("--run-id", required=True, help="the pipeline execution id")


def _add_mlops_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mlops = commands.add_parser("mlops", help="the forecast pipeline: its prepare stage, a local run")
    mlops_commands = mlops.add_subparsers(dest="mlops_command", required=True)
    mlops_commands.add_parser(
        "prepare", help="start the Glue demand job ($GLUE_JOB_NAME) and wait for it (pipeline stage)"
    )
    mlops_run = mlops_commands.add_parser(
        "run", help="prepare, train, gate and publish in order against the local stack"
    )
    mlops_run.add_argument(
        "--local", action="store_true", required=True, help="the applied local workspace (the only target)"
    )
    mlops_run.add_argument(
        "--etl-engine", choices=["pandas", "spark"], default="pandas", help="prepare's ETL (default pandas)"
    )


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from error


def _etl(arguments: argparse.Namespace) -> int:
    from acogida.etl.run import run_etl  # noqa: PLC0415 - pandas and Spark load only for this command
    from acogida.etl.workforce import load_workforce_config  # noqa: PLC0415

    config = load_workforce_config(arguments.config)
    summary = run_etl(
        arguments.input,
        arguments.output,
        config,
        engine=arguments.engine,
        end=arguments.end,
        plot=not arguments.no_plot,
        progress=lambda message: print(f"==> {message}", flush=True),
    )
    if summary.invalid_rows:
        print(f"warning: {summary.invalid_rows} row(s) left out (first {len(summary.invalid_examples)}):")
        for example in summary.invalid_examples:
            print(f"  {example}")
    print(
        f"{summary.rows} rows in {summary.files} file(s) -> {summary.intakes} intakes -> "
        f"{summary.series} series (location x workforce type), {summary.first_day} .. {summary.last_day}"
    )
    for workforce_type, hours in sorted(summary.staff_hours.items()):
        print(f"  {workforce_type:<20} {hours:>12,.1f} staff-hours")
    for path in summary.outputs:
        print(f"wrote {path}")
    print(f"done in {summary.seconds:.1f} s ({summary.engine})")
    return 0


def _forecast(arguments: argparse.Namespace) -> int:
    from acogida.forecast import commands  # noqa: PLC0415 - statsforecast loads only for this command

    if arguments.forecast_command in ("train", "gate", "publish"):
        return _pipeline_step(arguments.forecast_command, arguments)
    if arguments.forecast_command == "predict":
        amazon = commands.AmazonForecastOptions(
            role_arn=arguments.forecast_role_arn,
            bucket=arguments.bucket,
            kms_key_arn=arguments.kms_key_arn,
            prefix=arguments.prefix,
            run_id=arguments.run_id,
            read=arguments.read,
            cleanup=arguments.cleanup,
        )
        try:
            return commands.predict_command(
                arguments.input, arguments.horizon, arguments.output, arguments.engine, amazon
            )
        except commands.ENGINE_ERRORS as error:
            print(f"acogida: error: {arguments.engine}: {error}", file=sys.stderr)
            return 1
    return commands.backtest_command(arguments.input, arguments.horizon)


def _extract(arguments: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    if not arguments.jsonl:
        stdout.write(dump(extract(stdin.read())) + "\n")
        return 0
    records = read_records(stdin, "transcript")
    for record_id, transcript in records:
        stdout.write(dump({"id": record_id, "fields": extract(transcript)}) + "\n")
    return 0


def _redact(arguments: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from acogida.intake.redact import redact  # noqa: PLC0415 - loads the redaction model only when asked

    def as_record(text: str) -> dict[str, object]:
        result = redact(text)
        spans = [{"start": span.start, "end": span.end, "label": span.label} for span in result.spans]
        return {"spans": spans, "redacted": result.redacted}

    if not arguments.jsonl:
        stdout.write(dump(as_record(stdin.read())) + "\n")
        return 0
    for record_id, text in read_records(stdin, "text"):
        stdout.write(dump({"id": record_id, **as_record(text)}) + "\n")
    return 0


def _run(arguments: argparse.Namespace) -> int:
    if arguments.command in ("extract", "redact"):
        for stream in (sys.stdin, sys.stdout):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8")
        handler = _extract if arguments.command == "extract" else _redact
        return handler(arguments, sys.stdin, sys.stdout)
    # Commands that need no toolchain (Terraform, emulator).
    standalone = {"etl": _etl, "forecast": _forecast, "mlops": _mlops}
    if arguments.command in standalone:
        return standalone[arguments.command](arguments)

    toolchain = load_toolchain()
    port = getattr(arguments, "port", None)
    if port is not None:
        toolchain = dataclasses.replace(toolchain, moto_port=port)
    if arguments.command == "local":
        return _local(arguments, toolchain)
    if arguments.command == "demo":
        run_demo(toolchain, keep_serving=sys.stdin.isatty() and not os.environ.get("CI"))
        return 0
    with_toolchain = {"images": run_images_command, "privacy": run_privacy_command}
    if arguments.command in with_toolchain:
        return with_toolchain[arguments.command](arguments, toolchain)
    return _infra(arguments, toolchain)


def _pipeline_step(step: str, arguments: argparse.Namespace) -> int:
    from acogida.mlops import commands  # noqa: PLC0415 - statsforecast loads only for this command
    from acogida.mlops.stages import StageError  # noqa: PLC0415

    try:
        if step == "prepare":
            return commands.prepare_command()
        if step == "train":
            return commands.train_command(arguments.output_dir, arguments.input, arguments.horizon)
        if step == "gate":
            return commands.gate_command(arguments.model_dir, arguments.min_improvement)
        return commands.publish_command(arguments.model_dir, arguments.run_id)
    except StageError as error:
        print(f"acogida: error: {step}: {error}", file=sys.stderr)
        return 1


def _mlops(arguments: argparse.Namespace) -> int:
    if arguments.mlops_command == "run":
        return _mlops_local_run(arguments)
    return _pipeline_step("prepare", arguments)


def _mlops_local_run(arguments: argparse.Namespace) -> int:
    from acogida.mlops import commands  # noqa: PLC0415
    from acogida.mlops.stages import StageError  # noqa: PLC0415

    toolchain = load_toolchain()
    emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
    root = _applied_local_root(toolchain, emulator)
    if root is None:
        return 3

    workdir = toolchain.local_state_dir / "mlops"
    try:
        return commands.run_local_command(workdir, emulator.endpoint, root.outputs(), arguments.etl_engine)
    except StageError as error:
        print(f"acogida mlops run: error: {error}", file=sys.stderr)
        return 1


def _local(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    emulator = LocalEmulator(toolchain.local_state_dir, toolchain.moto_port)
    if arguments.action == "up":
        print(emulator.up(fresh=arguments.fresh).describe())
    elif arguments.action == "down":
        stopped = emulator.down()
        print(
            f"emulator on port {emulator.port} stopped, its state saved to {emulator.state_file}"
            if stopped
            else f"no emulator of this checkout on port {emulator.port}"
        )
    elif arguments.action in ("serve", "api"):
        return _serve_local(toolchain, emulator)
    else:
        status = emulator.status()
        print(status.describe())
        return 0 if status.running else 3
    return 0


def _applied_local_root(toolchain: Toolchain, emulator: LocalEmulator) -> TerraformRoot | None:
    """The local workspace on the running emulator, or None (and why, on stderr)."""
    if not emulator.status().running:
        print("the emulator is not running: run `make demo` (or `make up` and apply) first", file=sys.stderr)
        return None
    return TerraformRoot(toolchain, "local", emulator_endpoint=emulator.endpoint, echo=False)


def _serve_local(toolchain: Toolchain, emulator: LocalEmulator) -> int:
    root = _applied_local_root(toolchain, emulator)
    if root is None:
        return 3
    outputs = root.outputs()
    cognito = AwsTarget(str(outputs["aws_region"]), emulator.endpoint).client("cognito-idp")
    users = ensure_demo_users(cognito, outputs["cognito_user_pool_id"])
    log_path = runtime_log_path(toolchain)
    with toolchain_runtime(toolchain, outputs, emulator.endpoint) as runtime:
        if runtime.front is not None:
            print(f"Front: {runtime.front.url} (sign in as a demo user)")
        for line in demo_user_lines(users):
            print(line)
        print(
            f"intake API on {runtime.api.url}, audio uploads and Transcribe jobs delivered to their functions"
        )
        print(f"function logs in {log_path} (Ctrl-C stops them)")
        serve_until_interrupted()
    return 0


def _infra(arguments: argparse.Namespace, toolchain: Toolchain) -> int:
    if arguments.plan_file is not None and arguments.action not in ("plan", "apply"):
        print(f"--plan-file is for plan and apply, not {arguments.action}", file=sys.stderr)
        return 2
    root = TerraformRoot(toolchain, arguments.env)
    root.init()
    root.select_workspace()
    if arguments.action == "plan":
        plan_environment(environment_images(root), arguments.plan_file)
    elif arguments.action == "apply" and arguments.plan_file is not None:
        # Exactly the saved plan: its images were checked when it was made.
        root.apply_plan(arguments.plan_file)
    elif arguments.action == "apply":
        apply_environment(environment_images(root), auto_approve=arguments.auto_approve)
    elif arguments.action == "destroy":
        root.destroy(auto_approve=arguments.auto_approve)
    elif arguments.action == "output":
        for name, value in root.outputs().items():
            print(f"{name} = {value}")
    elif arguments.action == "mlops-source":
        return _upload_mlops_source(toolchain, root.outputs())
    return 0


def _upload_mlops_source(toolchain: Toolchain, outputs: dict[str, Any]) -> int:
    from acogida.infra.mlops_source import source_zip, upload_source  # noqa: PLC0415

    location = outputs.get("mlops_source")
    if not location:
        print(
            "this environment's pipeline does not read an S3 source (mlops_source_provider)", file=sys.stderr
        )
        return 3
    content = source_zip(toolchain.repo_root)
    version = upload_source(AwsTarget(str(outputs["aws_region"])).client("s3"), location, content)
    print(f"s3://{location['bucket']}/{location['key']} ({len(content):,} bytes, version {version})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _build_parser().parse_args(argv)
    try:
        return _run(arguments)
    except InputLineError as error:
        print(f"acogida: error: stdin {error}", file=sys.stderr)
        return 2
    except (
        EmulatorError,
        TerraformError,
        SmokeCheckError,
        RepositoryNotFoundError,
        FrontError,
        ImageRegistryError,
        ValueError,
        OSError,
    ) as error:
        print(f"acogida: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
