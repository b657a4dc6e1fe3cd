"""The shown outputs beside the AWS CLI's own examples: notes for review, never a failure of the site.

cliexamples.py compares each `aws` command's shown lines with the example page the AWS CLI ships
for it (a member the example shows and the shown output lacks, a number printed otherwise, an
example that says the command prints nothing). botocore's output shape decides what is right
(tests/test_output_shapes.py, in `nox -s check`); these notes are for a reviewer, and the run
prints them in its warnings summary. The test fails only when the comparison itself cannot be
made: no examples in the installed AWS CLI, or none of the shown outputs' commands found there.
"""

from __future__ import annotations

import warnings

from cliexamples import examples_folder, notes


class ExampleNote(UserWarning):
    """A difference between a shown output and the AWS CLI's example of the same command."""


def test_shown_outputs_beside_the_cli_examples():
    folder = examples_folder()
    assert (folder / "ec2" / "describe-instances.rst").is_file(), f"the AWS CLI's examples are not in {folder}"
    found, compared = notes()
    assert compared > 20, f"only {compared} shown commands were compared with an example: is the reading broken?"
    for note in found:
        warnings.warn(ExampleNote(note), stacklevel=1)
