"""Daily workforce-demand forecasts: per-series model choice by rolling-origin backtest, with
calibrated p10/p50/p90 (see engine.py)."""
