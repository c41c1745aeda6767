"""Installed as `labc_suite`: the example protocols and the LabUtopia-style suite, as package data."""
