"""The refusals of the server's bounds, each answered with its status and a message naming the limit."""

from __future__ import annotations


class LimitReached(Exception):
    """A client's fair share (or the server's capacity) is used up: HTTP 429, the message names the limit."""

    status = 429


class Overloaded(Exception):
    """The worker pool is full or a request ran past its time limit: HTTP 503, try again later."""

    status = 503


class TooLarge(Exception):
    """A body or a piece of work larger than the server accepts: HTTP 413."""

    status = 413
