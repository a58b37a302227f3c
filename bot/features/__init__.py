"""One module (or package) per capability; each exposes `register(registry)`, found automatically."""
