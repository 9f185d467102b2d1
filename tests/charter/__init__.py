"""Tests of charter/."""
