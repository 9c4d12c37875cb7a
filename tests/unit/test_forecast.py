"""The forecast engine and its command-line contract (acogida forecast predict / backtest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acogida.cli import main
from acogida.forecast.engine import HOURLY, WEEKLY, forecast, mase_scale, seasonal_naive_baseline
from acogida.forecast.evaluate import backtest
from acogida.forecast.m4 import load_m4, published
from acogida.forecast.m4 import score as m4_score
from acogida.forecast.series import SeriesInputError, parse_series
from acogida.holidays import is_national_holiday

START = dt.date(2024, 1, 1)


def demand_rows(
    days: int, *, level: float, trend: float, seed: int, location: str | None = None
) -> list[str]:
    """A weekday pattern (closed on Sundays) on a trend, with noise; never negative."""
    rng = np.random.default_rng(seed)
    weekday = np.array([1.3, 1.1, 1.0, 1.0, 0.85, 0.3, 0.0])
    rows = []
    for index in range(days):
        day = START + dt.timedelta(days=index)
        value = max(0.0, (level + trend * index) * weekday[day.weekday()] + rng.normal(0, level * 0.08))
        rows.append(f"{day.isoformat()},social_worker,{value:.3f}" + (f",{location}" if location else ""))
    return rows


def write(path: Path, rows: list[str], *, location: bool = False) -> Path:
    header = "timestamp,workforce_type,workforce_demand" + (",location" if location else "")
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timestamp,workforce_type\n2024-01-01,a\n", "line 1: missing column(s) workforce_demand"),
        ("timestamp,workforce_type,workforce_demand\n2024-13-01,a,1\n", "line 2: column timestamp"),
        ("timestamp,workforce_type,workforce_demand\n2024-01-01,a,many\n", "line 2: column workforce_demand"),
        (
            "timestamp,workforce_type,workforce_demand\n2024-01-01,,1\n",
            "line 2: column workforce_type is empty",
        ),
        (
            "timestamp,workforce_type,workforce_demand\n2024-01-01,a,1\n2024-01-01,a,2\n",
            "two rows for 2024-01-01",
        ),
        ("timestamp,workforce_type,workforce_demand\n", "no data rows"),
    ],
)
def test_bad_input_names_the_line_and_column(text: str, message: str) -> None:
    with pytest.raises(SeriesInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_series(text)


def test_missing_days_are_zero_demand() -> None:
    data = parse_series("timestamp,workforce_type,workforce_demand\n2024-01-01,a,2\n2024-01-04,a,3\n")
    assert data.frame["y"].tolist() == [2.0, 0.0, 0.0, 3.0]


def test_short_sparse_zero_and_new_series_get_sane_bands() -> None:
    rows = []
    for day in range(5):  # a new office: five days
        rows.append(("new", START + dt.timedelta(days=day), 3.0 + day))
    for day in range(60):  # never any demand
        rows.append(("zero", START + dt.timedelta(days=day), 0.0))
    for day in range(20):  # three weeks: seasonal naive
        rows.append(("short", START + dt.timedelta(days=day), float(day % 7)))
    series = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    series["ds"] = pd.to_datetime(series["ds"])
    result = forecast(series, 10)
    assert result.chosen == {"new": "mean", "zero": "zeros", "short": "seasonal_naive"}
    frame = result.frame
    assert (frame.groupby("unique_id").size() == 10).all()
    assert (frame["p10"] >= 0).all()
    assert (frame["p10"] <= frame["p50"]).all()
    assert (frame["p50"] <= frame["p90"]).all()
    assert frame[frame["unique_id"] == "zero"][["p10", "p50", "p90"]].to_numpy().max() == 0
    assert frame[frame["unique_id"] == "new"]["p50"].iloc[0] == pytest.approx(5.0)
    assert frame[frame["unique_id"] == "new"]["ds"].iloc[0] == pd.Timestamp("2024-01-06")


def test_predict_writes_the_contract_with_and_without_location(tmp_path: Path) -> None:
    rows = demand_rows(200, level=10, trend=0.02, seed=1, location="getafe")
    rows += demand_rows(150, level=4, trend=0.0, seed=2, location="sevilla")
    train = write(tmp_path / "train.csv", rows, location=True)
    out = tmp_path / "out.csv"
    assert main(["forecast", "predict", "--input", str(train), "--horizon", "14", "--output", str(out)]) == 0
    written = pd.read_csv(out)
    assert list(written.columns) == ["timestamp", "workforce_type", "location", "p10", "p50", "p90"]
    assert len(written) == 28
    assert written.groupby("location")["timestamp"].min().to_dict() == {
        "getafe": (START + dt.timedelta(days=200)).isoformat(),
        "sevilla": (START + dt.timedelta(days=150)).isoformat(),
    }
    assert (written["p10"] <= written["p50"]).all()
    assert (written["p50"] <= written["p90"]).all()
    assert (written["p10"] >= 0).all()

    plain = write(tmp_path / "plain.csv", demand_rows(100, level=5, trend=0.0, seed=3))
    assert main(["forecast", "predict", "--input", str(plain), "--horizon", "7", "--output", str(out)]) == 0
    assert list(pd.read_csv(out).columns) == ["timestamp", "workforce_type", "p10", "p50", "p90"]


def test_the_engine_beats_seasonal_naive_on_a_trending_weekly_series() -> None:
    rows = [line.split(",") for line in demand_rows(420, level=20, trend=0.05, seed=7)]
    series = pd.DataFrame(
        {"unique_id": "s", "ds": pd.to_datetime([r[0] for r in rows]), "y": [float(r[2]) for r in rows]}
    )
    report = backtest(series, 28)
    (score,) = report.scores
    assert score.mase < score.naive_mase
    assert 0.5 <= score.coverage <= 1.0


def test_seasonal_naive_baseline_repeats_last_week() -> None:
    values = np.arange(14, dtype=float)
    p10, p50, p90 = seasonal_naive_baseline(values, 9)
    assert p50.tolist() == [7, 8, 9, 10, 11, 12, 13, 7, 8]
    assert (p10 <= p50).all()
    assert (p50 <= p90).all()


def test_the_commands_refuse_bad_horizons_and_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = write(tmp_path / "t.csv", demand_rows(30, level=5, trend=0, seed=1))
    assert (
        main(
            ["forecast", "predict", "--input", str(train), "--horizon", "0", "--output", str(tmp_path / "o")]
        )
        == 1
    )
    assert "--horizon must be between 1" in capsys.readouterr().err
    assert main(["forecast", "backtest", "--input", str(tmp_path / "missing.csv"), "--horizon", "7"]) == 1
    assert "no such file" in capsys.readouterr().err


def test_an_office_closed_on_national_holidays_is_forecast_closed_on_the_next_one() -> None:
    # Two years of an office open Monday to Saturday and closed on Spain's national holidays;
    # the forecast runs into Christmas 2025 (a Thursday).
    days = pd.date_range("2023-12-01", "2025-12-20", freq="D")
    weekday = np.array([12.0, 10.0, 9.0, 9.0, 8.0, 3.0, 0.0])
    values = np.array(
        [0.0 if is_national_holiday(day.date()) else weekday[day.weekday()] for day in days]
    ) + np.random.default_rng(3).normal(0, 0.3, len(days)).clip(0)
    series = pd.DataFrame({"unique_id": "office", "ds": days, "y": values})
    frame = forecast(series, 14).frame.set_index("ds")
    assert frame.loc["2025-12-25", "p90"] < 1.0
    assert frame.loc["2025-12-24", "p50"] > 5.0  # an ordinary Wednesday
    assert frame.loc["2025-12-22", "p50"] > 8.0  # an ordinary Monday


def test_a_series_that_ignores_holidays_is_left_alone() -> None:
    days = pd.date_range("2023-12-01", "2025-12-20", freq="D")
    values = 10 + np.sin(np.arange(len(days)) * 2 * np.pi / 7) * 3
    series = pd.DataFrame({"unique_id": "bikes", "ds": days, "y": values})
    frame = forecast(series, 14).frame.set_index("ds")
    assert frame.loc["2025-12-25", "p50"] > 5.0


def test_a_long_horizon_on_a_short_history_still_chooses_by_backtest() -> None:
    rows = [line.split(",") for line in demand_rows(200, level=10, trend=0.0, seed=4)]
    series = pd.DataFrame(
        {"unique_id": "s", "ds": pd.to_datetime([r[0] for r in rows]), "y": [float(r[2]) for r in rows]}
    )
    result = forecast(series, 60)  # 200 days afford two origins of 60 days after 28 of training
    assert result.chosen["s"] not in ("mean", "zeros")
    assert "s" in result.backtest_mase
    assert len(result.frame) == 60


def hourly_frame(hours: int, *, seed: int, level: float = 100.0) -> pd.DataFrame:
    """A day shape (24) times a weekday shape (168), on integer steps, with noise."""
    rng = np.random.default_rng(seed)
    step = np.arange(hours)
    day = 1 + 0.5 * np.sin(2 * np.pi * step / 24)
    week = np.where((step // 24) % 7 >= 5, 0.6, 1.0)
    values = level * day * week + rng.normal(0, level * 0.03, hours)
    return pd.DataFrame({"unique_id": f"h{seed}", "ds": step + 1, "y": values})


def test_hourly_series_use_seasons_24_and_168_on_integer_steps() -> None:
    hours = 24 * 33  # the next 48 hours are days 33 and 34: a weekend
    series = pd.concat([hourly_frame(hours, seed=seed) for seed in (1, 2)], ignore_index=True)
    result = forecast(series, 48, frequency=HOURLY)
    assert set(result.chosen) == {"h1", "h2"}
    assert set(result.backtest_mase) == {"h1", "h2"}
    frame = result.frame[result.frame["unique_id"] == "h1"]
    assert frame["ds"].tolist() == list(range(hours + 1, hours + 49))
    # The weekend's lower level is kept, which a 24-hour season alone would miss.
    expected = hourly_frame(hours + 48, seed=1)["y"].to_numpy()[-48:]
    assert np.mean(np.abs(frame["p50"].to_numpy() - expected)) < 0.1 * 100
    assert (frame["p10"] <= frame["p50"]).all()
    assert (frame["p50"] <= frame["p90"]).all()


def test_hourly_dates_continue_hour_by_hour() -> None:
    series = hourly_frame(24 * 20, seed=4)
    series["ds"] = pd.date_range("2025-03-01", periods=len(series), freq="h")
    frame = forecast(series, 5, frequency=HOURLY).frame
    assert frame["ds"].tolist() == list(pd.date_range("2025-03-21", periods=5, freq="h"))


def test_weekly_candidates_skip_seasonal_forms_a_short_history_cannot_fit() -> None:
    rng = np.random.default_rng(6)
    short = 40 + np.cumsum(rng.normal(0.2, 1.0, 60))  # just over a year: no 52-week season twice
    series = pd.DataFrame({"unique_id": "w", "ds": np.arange(1, 61), "y": short})
    result = forecast(series, 13, frequency=WEEKLY)
    assert result.chosen["w"] not in ("seasonal_naive", "mstl", "zeros", "mean")
    assert np.isfinite(result.frame[["p10", "p50", "p90"]].to_numpy()).all()
    assert len(result.frame) == 13


def test_a_weekly_series_too_short_to_backtest_gets_naive() -> None:
    series = pd.DataFrame({"unique_id": "w", "ds": np.arange(1, 31), "y": np.linspace(10, 20, 30)})
    result = forecast(series, 13, frequency=WEEKLY)
    assert result.chosen == {"w": "naive"}
    assert result.frame["p50"].tolist() == pytest.approx([20.0] * 13)


def test_backtest_takes_the_frequency_and_scores_its_mase_season() -> None:
    series = hourly_frame(24 * 7 * 4 + 48, seed=3)
    report = backtest(series, 48, frequency=HOURLY)
    (score,) = report.scores
    assert score.mase < score.naive_mase  # the week shape beats yesterday repeated
    assert 0.5 <= score.coverage <= 1.0


def test_seasonal_naive_baseline_takes_the_season() -> None:
    values = np.arange(48, dtype=float)
    _p10, p50, _p90 = seasonal_naive_baseline(values, 30, 24)
    assert p50.tolist() == [*range(24, 48), *range(24, 30)]
    assert mase_scale(values, 24) == 24.0
    assert mase_scale(values) == 7.0


def test_m4_files_are_read_and_scored_as_m4_did(tmp_path: Path) -> None:
    (tmp_path / "Weekly-train.csv").write_text(
        '"V1","V2","V3","V4","V5"\n"W1","1","2","4",""\n"W2","5","5","6","8"\n', encoding="utf-8"
    )
    (tmp_path / "Weekly-test.csv").write_text('"V1","V2"\n"W1","5"\n"W2","10"\n', encoding="utf-8")
    data = load_m4(tmp_path, "Weekly")
    assert data.train.groupby("unique_id")["ds"].max().to_dict() == {"W1": 3, "W2": 4}
    assert data.history("W2").tolist() == [5.0, 5.0, 6.0, 8.0]
    forecasts = pd.DataFrame(
        {"unique_id": ["W1", "W2"], "p10": [3.0, 8.0], "p50": [4.0, 8.0], "p90": [6.0, 9.0]}
    )
    scores = m4_score(
        type(data)("Weekly", data.train, {"W1": np.array([5.0]), "W2": np.array([10.0])}), forecasts
    )
    # MASE with m=1: W1 |5-4| / mean(1, 2) = 2/3; W2 |10-8| / mean(0, 1, 2) = 2.
    assert scores.mase == pytest.approx((2 / 3 + 2) / 2)
    assert scores.smape == pytest.approx((200 * 1 / 9 + 200 * 2 / 18) / 2)
    assert scores.coverage == pytest.approx(0.5)


def test_published_m4_rows_come_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "published.csv"
    path.write_text(
        "method,weekly_smape,weekly_mase,hourly_smape,hourly_mase\n"
        "sNaive,9.1,2.7,13.9,1.19\nTheta,9.0,2.6,18.1,2.45\n12,8.0,2.2,9.0,0.9\n"
        "sMAPE: symmetric mean absolute percentage error,,,,\n",
        encoding="utf-8",
    )
    rows = published(path, "Hourly")
    assert rows["method"].tolist() == ["sNaive", "Theta", "best entry (12)"]
    assert rows["mase"].tolist() == [1.19, 2.45, 0.9]
