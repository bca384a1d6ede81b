#!/usr/bin/env python3
"""Placeholder registered in CMake by the lead; its owner replaces it."""
print("placeholder: OK")
