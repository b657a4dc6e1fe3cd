"""A quiet build log: what a build prints is what a maintainer must act on."""

from __future__ import annotations

from sphinx.util import logging


def _not_myst_configuration(record) -> bool:
    """myst-parser logs its whole configuration in every build; that one message is dropped."""
    return "myst v%s:" not in str(record.msg)


def setup(app):
    logging.getLogger("myst_parser.sphinx_ext.main").logger.addFilter(_not_myst_configuration)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
