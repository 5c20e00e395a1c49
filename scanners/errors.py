"""The error of a frame source or file that cannot be read."""


class SourceError(Exception):
    """A camera or file that cannot be read; the message says why, for a person."""


class TooLarge(SourceError):
    """An image or video whose declared size is over the pixel limit."""
