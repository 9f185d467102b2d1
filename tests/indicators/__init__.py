"""Tests of indicators/."""
