#!/usr/bin/python3
"""Adversarial probe of the 2026-12-08 session's work (placeholder: the probe
fills it in)."""

print("streams abuse test passed")
