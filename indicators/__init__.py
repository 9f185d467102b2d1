"""Indicators, the cities' targets and measurements, the evidence behind them, and progress."""
