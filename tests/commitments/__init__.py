"""Tests of commitments/."""
