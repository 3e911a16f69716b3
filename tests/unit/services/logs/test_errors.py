"""Every CloudWatch Logs error class is an error shape of the installed botocore model, and every shape has one."""

from __future__ import annotations

import inspect

import botocore.session

from codeyard.errors import CodeyardError
from codeyard.services.logs import errors


def test_error_codes_are_the_model_error_shapes() -> None:
    model = botocore.session.get_session().get_service_model("logs")
    shapes = {shape.name for shape in model.error_shapes}
    classes = [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, CodeyardError) and cls.__module__ == errors.__name__
    ]
    assert {cls.code for cls in classes} == shapes
    assert all(cls.__name__ == cls.code for cls in classes)
