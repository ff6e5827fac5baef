"""Errors the command line turns into a clear message and a non-zero exit."""


class KgError(Exception):
    """A problem with the user's input or environment, worded for the user."""

    exit_code = 1
