"""Finding the modules of a package that offer a hook: CLI commands, jobs, web routes, models.

Features are not found this way: the composition root lists them (`bot.app.FEATURES`).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def modules_with(package: str, hook: str, *, prefix: str = "") -> list[ModuleType]:
    """The modules directly inside `package` (named `prefix...` when given) that define `hook`, by name."""
    root = importlib.import_module(package)
    names = sorted(info.name for info in pkgutil.iter_modules(root.__path__) if info.name.startswith(prefix))
    modules = [importlib.import_module(f"{package}.{name}") for name in names]
    return [module for module in modules if hasattr(module, hook)]
