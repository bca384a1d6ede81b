#!/usr/bin/python3
"""Placeholder: filled in this session."""
