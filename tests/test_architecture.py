"""The shape of the code: the core stays platform-free; every module says what it is for."""

from __future__ import annotations

import ast

import pytest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ("bot", "storage", "jobs")
PLATFORM_LIBRARIES = {"telegram", "discord"}


def python_files(*packages: str):
    for package in packages:
        yield from (ROOT / package).rglob("*.py")


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_core_never_imports_a_platform_library():
    leaks = [f"{path.relative_to(ROOT)} imports {sorted(imported_roots(path) & PLATFORM_LIBRARIES)}"
             for path in python_files(*CORE_PACKAGES) if imported_roots(path) & PLATFORM_LIBRARIES]
    assert leaks == []


def test_the_core_does_not_import_the_platform_adapters():
    # bot/app.py is the composition root: it may import adapters lazily, inside functions.
    offenders = []
    for path in python_files(*CORE_PACKAGES):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("adapters.telegram", "adapters.discord")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_module_has_a_docstring():
    missing = []
    for path in python_files(*CORE_PACKAGES, "adapters"):
        if path.name == "__init__.py" and not path.read_text().strip():
            continue
        if "migrations/versions" in str(path):
            continue
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []


# -- imports between our own files ------------------------------------------------------------
OUR_PACKAGES = ("bot", "storage", "jobs", "adapters")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """Our modules that `path` imports when it runs (anywhere in the file, not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
                elif base in modules:
                    found.add(base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(me)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in python_files(*OUR_PACKAGES) if "migrations" not in path.parts}
    return {name: runtime_imports(path, set(paths)) for name, path in paths.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    return cycles


def test_no_import_runs_in_a_circle():
    assert find_cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    # The check above must be able to fail: a circle of three is found, a chain is not.
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_adapters_enter_the_core_by_its_front_door():
    # Adapters talk to BotCore and the neutral types; sessions, conversations and handler contexts
    # are the core's business (issue 10).
    forbidden = ("bot.context", "bot.conversation", "storage")
    graph = import_graph()
    offenders = sorted(f"{name} imports {target}" for name, targets in graph.items() if name.startswith("adapters.")
                       for target in targets if target.startswith(forbidden))
    assert offenders == []


# -- no state at module level -------------------------------------------------------------------
# Module-level state outlives the app that filled it: two apps in one process (the tests, the demo)
# would share it, and nothing closes it. State belongs to the objects the composition root builds.
# Checked in the core (bot/, storage/, jobs/); adapters keep theirs on the adapter objects.
# Constant lookup tables are fine: an UPPERCASE name, never changed after import. Memoised pure
# functions (functools.cache on a deterministic function) are not state and are not checked.
STATE_CONTAINERS = {"defaultdict", "OrderedDict", "deque", "Counter", "WeakKeyDictionary", "WeakValueDictionary",
                    "WeakSet", "ChainMap"}
CONTAINER_CALLS = {"dict", "list", "set"}
MUTATORS = {"append", "add", "update", "setdefault", "pop", "popitem", "clear", "extend", "insert", "remove",
            "discard", "sort", "reverse", "appendleft", "popleft", "move_to_end", "difference_update",
            "intersection_update", "symmetric_difference_update"}


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return ""


def module_state(source: str, where: str) -> list[str]:
    """What in the module `source` (the file `where`) looks like state kept at module level."""
    tree = ast.parse(source, where)
    found: list[str] = []
    containers: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for name in (t.id for t in targets if isinstance(t, ast.Name)):
            call = _call_name(value)
            if call in STATE_CONTAINERS:
                found.append(f"{where}:{node.lineno} {name} = {call}(...)")
            elif isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) \
                    or call in CONTAINER_CALLS:
                if name != "__all__" and not name.lstrip("_").isupper():
                    found.append(f"{where}:{node.lineno} {name}: a mutable container under a variable's name")
                containers.add(name)
            elif call[:1].isupper() and not name.lstrip("_").isupper():
                found.append(f"{where}:{node.lineno} {name} = {call}(...): an object kept at module level")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"{where}:{node.lineno} global {', '.join(node.names)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in containers:
            found.append(f"{where}:{node.lineno} {node.func.value.id}.{node.func.attr}(...) changes a module constant")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            for target in node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]:
                base = target.value if isinstance(target, ast.Subscript) else target
                if isinstance(base, ast.Name) and base.id in containers and (
                        isinstance(target, ast.Subscript) or isinstance(node, ast.AugAssign)):
                    found.append(f"{where}:{node.lineno} {base.id}[...] changes a module constant")
    return found


def test_no_module_level_state_outside_the_composition_root():
    found = [line for path in python_files(*CORE_PACKAGES) if "migrations" not in path.parts
             for line in module_state(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


def test_the_state_finder_finds_state():
    # The check above must be able to fail: each kind of module-level state is found, constants are not.
    sample = ("import weakref\nfrom collections import deque\n"
              "CONSTANT = {'a': 1}\nWORDS = frozenset({'x'})\n"
              "_cores = weakref.WeakKeyDictionary()\nrecent = deque()\nseen = {}\nfeed = ChangeFeed()\n"
              "TABLE = {}\ndef f():\n    global seen\n    TABLE['k'] = 1\n    CONSTANT.update(b=2)\n")
    found = [line.split(" ", 1)[1] for line in module_state(sample, "sample.py")]
    assert found == [
        "_cores = WeakKeyDictionary(...)",
        "recent = deque(...)",
        "seen: a mutable container under a variable's name",
        "feed = ChangeFeed(...): an object kept at module level",
        "global seen",
        "TABLE[...] changes a module constant",
        "CONSTANT.update(...) changes a module constant",
    ]


def test_platform_adapters_are_not_handed_the_app():
    # build_adapter takes the narrow things an adapter uses (its config section, the registry, the
    # default locale, a callback); the core reaches it in `start`. Only the web face's `routes(app)`
    # plugins receive the App, as jobs do.
    offenders = [str(path.relative_to(ROOT)) for package in ("adapters/telegram", "adapters/discord")
                 for path in (ROOT / package).rglob("*.py")
                 if "bot.application" in {node.module for node in ast.walk(ast.parse(path.read_text()))
                                          if isinstance(node, ast.ImportFrom)}]
    assert offenders == []
