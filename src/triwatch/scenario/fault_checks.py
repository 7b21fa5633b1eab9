"""What a scenario's ``faults:`` must mean, beyond its types: real nations, real links, sane times.

Each fault names something the exercise has (a nation of the scenario; a link of its topology:
in ``hub`` only hub-spoke pairs exist, spokes talk through the hub) and a time span inside the
run (``0 <= from_s < to_s <= duration_s``). Two faults on the same node or link must not
overlap: one outage that long says the same thing without ambiguity about when it ends.
"""

from __future__ import annotations

from triwatch.scenario.schema import LinkCut, NodeDown, Scenario


def hub_of(sc: Scenario) -> str:
    """The hub nation of a hub topology: the USA when it takes part (as the real mechanism), else the first nation."""
    return "USA" if "USA" in sc.nations else sc.nations[0]


def fault_target(fault: LinkCut | NodeDown) -> tuple[str, ...]:
    """What a fault takes down: ("node", nation) or ("link", a, b) with a, b sorted."""
    if isinstance(fault, NodeDown):
        return ("node", fault.nation)
    a, b = sorted(fault.between)
    return ("link", a, b)


def fault_problems(sc: Scenario) -> list[str]:
    """Every problem of ``sc.faults``, each as 'faults[i].field: message'."""
    problems: list[str] = []
    spans: dict[tuple[str, ...], list[tuple[float, float, int]]] = {}
    for i, fault in enumerate(sc.faults):
        where = f"faults[{i}]"
        if isinstance(fault, NodeDown):
            if fault.nation not in sc.nations:
                problems.append(f"{where}.nation: {fault.nation} is not one of the scenario's nations {sc.nations}")
        else:
            problems += _link_problems(sc, fault, where)
        if fault.to_s <= fault.from_s:
            problems.append(f"{where}.to_s: must be > from_s ({fault.from_s:g}), got {fault.to_s:g}")
        if fault.from_s >= sc.duration_s:
            problems.append(f"{where}.from_s: {fault.from_s:g} is not before duration_s {sc.duration_s:g}")
        if fault.to_s > sc.duration_s:
            problems.append(f"{where}.to_s: {fault.to_s:g} is after duration_s {sc.duration_s:g}")
        target = fault_target(fault)
        for start, end, j in spans.get(target, []):
            if fault.from_s < end and start < fault.to_s:
                problems.append(f"{where}: overlaps faults[{j}] on the same {target[0]} ({'-'.join(target[1:])})")
        spans.setdefault(target, []).append((fault.from_s, fault.to_s, i))
    return problems


def _link_problems(sc: Scenario, fault: LinkCut, where: str) -> list[str]:
    a, b = fault.between
    missing = [n for n in (a, b) if n not in sc.nations]
    if missing:
        return [f"{where}.between: {', '.join(missing)} not among the scenario's nations {sc.nations}"]
    if a == b:
        return [f"{where}.between: a link joins two different nations, got {a} twice"]
    hub = hub_of(sc)
    if sc.topology == "hub" and hub not in (a, b):
        return [
            f"{where}.between: {a}-{b} is not a link in the hub topology (spokes talk through {hub}); "
            f"cut {hub}-{a} or {hub}-{b}"
        ]
    return []
