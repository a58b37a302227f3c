"""The terminal chat: `ConsoleAdapter` (the port, rendering, reading typed lines), for the demo
and `maillage console`."""

from adapters.console.adapter import PLATFORM, ConsoleAdapter

__all__ = ["PLATFORM", "ConsoleAdapter"]
