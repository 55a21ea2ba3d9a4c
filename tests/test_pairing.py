"""Runtime-to-node pairing over the dependency graph, against a search per pair as the oracle."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ab_lint.discover import Crate, DependencyGraph, _node_for
from ab_lint.manifest import Dependency, Manifest

WS = Path("/ws")


def crates_from(edges: dict[str, list[str]], by_path: bool = True) -> dict[Path, Crate]:
    """Crates named by `edges`' keys, each depending on the listed ones (by path or by name)."""
    out: dict[Path, Crate] = {}
    for name, deps in edges.items():
        manifest = Manifest(path=WS / name / "Cargo.toml", text="", data={}, name=name)
        manifest.dependencies = {
            d: Dependency(key=d, package=d, path=(WS / d) if by_path else None, features=[],
                          default_features=True) for d in deps}
        out[WS / name] = Crate(manifest)
    return out


def brute_distance(start: Crate, goal: Crate, crates: dict[Path, Crate]) -> int | None:
    """The search per pair that the graph replaced: fewest edges from `start` to `goal`."""
    by_name = {c.name: c for c in crates.values()}
    frontier, seen, steps = [start], {start.dir}, 0
    while frontier:
        steps += 1
        nxt = []
        for crate in frontier:
            for dep in crate.manifest.dependencies.values():
                target = crates.get(dep.path) if dep.path else by_name.get(dep.package)
                if target is None or target.dir in seen:
                    continue
                if target is goal:
                    return steps
                seen.add(target.dir)
                nxt.append(target)
        frontier = nxt
    return None


def brute_node_for(runtime: Crate, nodes: list[Crate], crates: dict[Path, Crate]) -> Crate | None:
    best: tuple[int, str, Crate] | None = None
    for node in nodes:
        distance = brute_distance(node, runtime, crates)
        if distance is not None and (best is None or (distance, node.name) < best[:2]):
            best = (distance, node.name, node)
    return best[2] if best else None


def test_nearest_node_wins() -> None:
    crates = crates_from({"rt": [], "svc": ["rt"], "far": ["svc"], "near": ["rt"]})
    graph = DependencyGraph(crates)
    nodes = [crates[WS / "far"], crates[WS / "near"]]
    assert _node_for(crates[WS / "rt"], nodes, graph) is crates[WS / "near"]


def test_tie_goes_to_the_first_name() -> None:
    crates = crates_from({"rt": [], "b-node": ["rt"], "a-node": ["rt"]})
    nodes = [crates[WS / "b-node"], crates[WS / "a-node"]]
    assert _node_for(crates[WS / "rt"], nodes, DependencyGraph(crates)).name == "a-node"


def test_a_crate_is_not_its_own_dependent_through_a_cycle() -> None:
    crates = crates_from({"rt": ["helper"], "helper": ["rt"]})
    graph = DependencyGraph(crates)
    rt = crates[WS / "rt"]
    assert _node_for(rt, [rt], graph) is None
    assert graph.dependents_of([rt]) == {WS / "helper": 1}


def test_dependencies_by_name_and_paths_outside() -> None:
    crates = crates_from({"rt": [], "node": ["rt"]}, by_path=False)
    assert _node_for(crates[WS / "rt"], [crates[WS / "node"]],
                     DependencyGraph(crates)) is crates[WS / "node"]
    outside = crates_from({"rt": [], "node": ["elsewhere"]})
    assert _node_for(outside[WS / "rt"], [outside[WS / "node"]], DependencyGraph(outside)) is None


def test_dependents_of_several_leaves_the_goals_out() -> None:
    crates = crates_from({"lib-a": [], "lib-b": ["lib-a"], "bin": ["lib-b"], "other": []})
    graph = DependencyGraph(crates)
    found = graph.dependents_of([crates[WS / "lib-a"], crates[WS / "lib-b"]])
    assert found == {WS / "bin": 1}


NAMES = [f"c{i}" for i in range(8)]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), st.lists(st.sampled_from(NAMES), max_size=4),
                       min_size=2),
       st.data())
def test_same_pairs_as_a_search_per_pair(edges: dict[str, list[str]], data: st.DataObject) -> None:
    crates = crates_from(edges)
    every = list(crates.values())
    nodes = data.draw(st.lists(st.sampled_from(every), unique_by=id, max_size=4))
    graph = DependencyGraph(crates)
    for runtime in every:
        assert _node_for(runtime, nodes, graph) is brute_node_for(runtime, nodes, crates)
    reaching = graph.dependents_of(nodes)
    for crate in every:
        if not any(crate is n for n in nodes):
            expected = any(brute_distance(crate, n, crates) for n in nodes)
            assert (crate.dir in reaching) == expected
