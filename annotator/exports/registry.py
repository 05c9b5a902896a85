"""Format name -> exporter class. Each format is one module in this package that decorates its class with
`@register`; the registry imports every module of the package, so a new format touches one file.

An exporter is a class with:
    name: str                      the format name used by the API and the CLI
    description: str
    defaults: dict                 its parameters and their defaults
    choices: dict                  allowed values of some parameters
    def __init__(self, parameters: dict)           checked parameters (see `exporter_for`)
    def export(self, dataset, out_dir, progress) -> dict
        writes its files under out_dir and returns format-specific manifest entries.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Protocol

from annotator.exports.common import ExportDataset, ExportInputError, Progress, parameters_check

_EXPORTERS: dict[str, type[BaseExporter]] = {}
_NOT_FORMATS = {"common", "registry", "manifest"}


class Exporter(Protocol):
    name: str
    description: str
    defaults: dict
    choices: dict
    parameters: dict

    def export(self, dataset: ExportDataset, out_dir, progress: Progress | None = None) -> dict: ...


class BaseExporter:
    name = ""
    description = ""
    defaults: dict = {}
    choices: dict = {}

    def __init__(self, parameters: dict | None = None):
        self.parameters = parameters_check(parameters, self.defaults, self.choices)
        self.check()

    def check(self) -> None:
        """Cross-parameter checks; raise ExportInputError."""


def register(cls):
    _EXPORTERS[cls.name] = cls
    return cls


_loaded = False


def _load() -> None:
    """Import every format module once. Not "while the registry is empty": a module imported on its own (the pair
    services import change_masks, which imports masks) registers itself, and the others must still be loaded."""
    global _loaded
    package = importlib.import_module("annotator.exports")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _NOT_FORMATS:
            importlib.import_module(f"annotator.exports.{module.name}")
    _loaded = True


def formats() -> dict[str, type[BaseExporter]]:
    if not _loaded:
        _load()
    return dict(sorted(_EXPORTERS.items()))


def exporter_for(name: str, parameters: dict | None = None) -> BaseExporter:
    """The exporter for a format, with its parameters checked (ExportInputError when unknown or wrong)."""
    known = formats()
    if name not in known:
        raise ExportInputError(f"Unknown export format {name!r}; use one of {', '.join(known)}.")
    return known[name](parameters)
