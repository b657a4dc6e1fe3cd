"""botocore's data, loaded once per process and shared by every reader of it: the AWS CLI commands
table (_ext/aws_tables.py), the check of AWS names (tests/test_facts.py) and the permissions check
(tests/aws/permissions.py). Each botocore session loads a model anew, and the EC2 model alone is
megabytes of JSON. Plain botocore, no Sphinx: the docs, tests and emulator environments all have it.
"""

from __future__ import annotations

import functools

import botocore.session


@functools.cache
def session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def service_model(service: str):
    """A service's API model (botocore.exceptions.UnknownServiceError for a service it lacks)."""
    return session().get_service_model(service)
