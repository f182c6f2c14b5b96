"""Shared test support: the emulator factory, workspaces, site builders and fakes."""
