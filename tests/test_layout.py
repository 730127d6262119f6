"""The project's shape: no import circle among epitope's modules, and no module past ~400 lines.

Read from the source (ast), so an import written inside a function to dodge a circle counts
as much as one at the top: it is the same dependency, only hidden.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "epitope"
MAX_LINES = 400



def module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package):
    """Return {module name: path} for every module of `package` (a directory), migrations aside."""
    root = package.parent
    return {module_name(p, root): p for p in sorted(package.rglob("*.py")) if "migrations" not in p.parts}


def imported(name, path, node, known):
    """Return the known modules an import statement of module `name` names.

    `from a.b import c` names a.b.c when it is a module, else a.b; `import a.b.c` names the
    longest known prefix of a.b.c.
    """
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        if node.level:
            base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module
        # `from a.b import c, d` names a.b only for what is not a module of it: a package's
        # __init__ re-exporting a submodule is not a circle with the submodules it holds.
        submodules = [f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in known]
        targets = submodules + ([source] if len(submodules) < len(node.names) else [])
    found = []
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.append(target)
    return found


def import_graph(package):
    """Return {module: set of modules it imports}, counting imports anywhere in the module."""
    known = modules(package)
    graph = {name: set() for name in known}
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[name].update(imported(name, path, node, known))
    return graph


def cycles(graph):
    """Return the strongly connected groups of more than one module, each as one cycle through it."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(start):  # Tarjan's algorithm, iterative: the graph is deeper than it is wide
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [(group, one_cycle(graph, group)) for group in groups]


def one_cycle(graph, group):
    """Return a path a -> ... -> a through modules of `group` (breadth-first, so a short one)."""
    start = min(group)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(graph[path[-1]] & group):
            if target == start:
                return path + [start]
            if target not in seen:
                seen.add(target)
                paths.append(path + [target])
    return sorted(group)


def test_no_import_cycle_among_epitope_modules_counting_imports_inside_functions():
    found = [cycle for _, cycle in cycles(import_graph(PACKAGE))]
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_no_module_is_longer_than_400_lines():
    long = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in modules(PACKAGE).values()
    }
    long = {path: lines for path, lines in long.items() if lines > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_an_import_inside_a_function_closes_a_cycle_the_check_reports(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text("from .listing import cheapest\n")
    (package / "listing.py").write_text("def cheapest():\n    from shop import models\n    return models\n")
    (package / "prices.py").write_text("from shop.models import cheapest\n")

    assert [cycle for _, cycle in cycles(import_graph(package))] == [["shop.listing", "shop.models", "shop.listing"]]



def test_a_package_re_exporting_its_submodule_is_not_a_cycle(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("def buy():\n    from .basket import add\n    return add\n")
    (package / "basket.py").write_text("from . import prices\ndef add():\n    return prices\n")
    (package / "prices.py").write_text("")

    assert cycles(import_graph(package)) == []
