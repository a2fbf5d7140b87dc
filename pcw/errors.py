"""Errors the command line reports as one line, without a traceback."""


class PcwError(Exception):
    """A failure the user can fix; its message names the cause and the fix."""
