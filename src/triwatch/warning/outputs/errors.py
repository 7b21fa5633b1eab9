"""The one error type of the output formats: bad input named by what and where."""


class OutputError(ValueError):
    """An input that cannot be written as a standard output, with the reason and the item at fault."""
