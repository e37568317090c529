"""The answer the report opens with, computed from the data: the fastest method that needs no
oracle in the stepsize arena, the acceleration over GD with 1/L_s at each dataset's smallest
lambda, and the claims that failed (the checker's and the arena's). Each line says so when its
data is missing."""

from html import escape

import arena
from figure import fmt_ratio
from verdicts import failing

BASELINE = "classical"  # GD with 1/L_s, the stepsize every other is measured against
NO_ARENA = "the arena did not run"


def fastest_no_oracle(doc):
    """The no-oracle method with the fewest passes to eps in the most cells (the definition, in
    the text): a cell counts for every method tied at its fewest measured passes, and for none
    when no method measured a count there or a lower bound below the fewest leaves it open."""
    if doc is None:
        return f"not known: {NO_ARENA}."
    free = arena.oracle_free(doc)
    if not free:
        return "not known: the arena has no method that needs no oracle."
    wins = dict.fromkeys(free, 0)
    decided = 0
    for cell in doc["cells"]:
        winners, _ = arena.fewest(cell, free)
        decided += bool(winners)
        for name in winners:
            wins[name] += 1
    most = max(wins.values())
    if most == 0:
        return (f"not known: no cell of {len(doc['cells'])} has a fewest measured count among "
                f"the {len(free)} methods needing no oracle.")
    leaders = [name for name in free if wins[name] == most]
    others = sorted((n for n in free if n not in leaders and wins[n]), key=lambda n: -wins[n])
    text = (f"{' and '.join(leaders)}: the fewest passes to eps among the {len(free)} methods "
            f"needing no oracle ({', '.join(free)}) in {most} of the {len(doc['cells'])} arena "
            f"cells (the method with the fewest passes in the most cells; ties count for each")
    if decided < len(doc["cells"]):
        text += (f"; {len(doc['cells']) - decided} cell(s) without a fewest measured count "
                 "count for none")
    text += ")"
    text += ("; next: " + ", ".join(f"{n} {wins[n]}" for n in others) if others else
             "; no other method needing no oracle has the fewest in any cell")
    return text + "."


def acceleration(doc):
    """Per dataset at its smallest lambda: classical passes / the fewest passes of any method
    (and of those needing no oracle), with the methods; one text each."""
    if doc is None:
        return [f"not known: {NO_ARENA}."]
    if BASELINE not in {m["name"] for m in doc["methods"]}:
        return [f"not known: the arena has no {BASELINE} method (GD with 1/L_s)."]
    oracles = {m["name"]: m["oracles"] for m in doc["methods"]}
    smallest = {}
    for cell in doc["cells"]:
        if cell["label"] not in smallest or cell["lambda"] < smallest[cell["label"]]["lambda"]:
            smallest[cell["label"]] = cell
    lines = []
    for label, cell in smallest.items():
        text = f"{label} at lambda = {cell['lambda']:.0e} (kappa {cell['kappa']:.3g}): "
        base = arena.count(arena.run_of(cell, BASELINE))
        if base is None:
            lines.append(text + f"{BASELINE} has no count "
                                f"({arena.cell_text(arena.run_of(cell, BASELINE)) or 'no run'}).")
            continue
        text += f"{BASELINE} {arena.cell_text(arena.run_of(cell, BASELINE))} passes"
        pieces = []
        for what, names in (("fastest", list(oracles)), ("needing no oracle",
                                                          arena.oracle_free(doc))):
            best, least = arena.fewest(cell, names)
            if not best:
                pieces.append(f"{what}: none clear")
                continue
            named = "/".join(n + (f" (oracle {oracles[n]})" if oracles[n] else "") for n in best)
            # A classical count cut off by the horizon makes the ratio a lower bound.
            ratio = f"{'>=' if base[1] else ''}{fmt_ratio(base[0], least, '.1f')}x"
            pieces.append(f"{what}: {named} {least}, {ratio}")
        lines.append(text + "; " + "; ".join(pieces) + ".")
    return lines


def failed_claims(checker, doc):
    """How many verdicts failed and which, the checker's then the arena's."""
    checker_failed = failing(checker["verdicts"])
    arena_failed = failing(doc.get("verdicts", [])) if doc is not None else []
    total = len(checker_failed) + len(arena_failed)
    text = f"{total} verdict(s) failed. The checker ({checker['suite']} suite): "
    text += ", ".join(checker_failed) if checker_failed else "none"
    text += "; the arena: "
    if doc is None:
        text += f"not known, {NO_ARENA}"
    else:
        text += ", ".join(arena_failed) if arena_failed else "none"
    return text + "."


def answer(checker, doc):
    """The report's opening block (HTML): the three answers, each computed above."""
    items = [("Fastest method needing no oracle", [fastest_no_oracle(doc)]),
             (f"Acceleration over GD with 1/L_s ({BASELINE}) at each dataset's smallest lambda",
              acceleration(doc)),
             ("Claims that failed", [failed_claims(checker, doc)])]
    parts = []
    for title, lines in items:
        body = escape(lines[0]) if len(lines) == 1 else \
            "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
        parts.append(f"<li><b>{escape(title)}:</b> {body}</li>")
    return ('<div id="answer" class="answer"><p><b>The answer, from the data below.</b></p>'
            "<ul>\n" + "\n".join(parts) + "\n</ul></div>")
