"""TypeScript: a class field whose value is an arrow function (`produce = (base: Base) =>
...`) gives that function typed parameters, not the class fields of those types; the
class holds only what its fields declare."""

from __future__ import annotations

from codestory.analysis.syntax import parse_source

_SOURCE = """\
export class Drafter {
  mode_: Mode = 0
  produce: Maker = (base: Base) => {
    return this.run(base, (draft: Draft) => draft)
  }
  run(base: Base, recipe: Recipe): Base {
    return base
  }
}
"""


def test_a_field_initializers_parameters_are_no_fields() -> None:
    syntax = parse_source("src/drafter.ts", "TypeScript", _SOURCE.encode())
    assert syntax is not None
    by_name = {d.name: d for d in syntax.definitions}
    assert by_name["Drafter"].types == [("mode_", "Mode"), ("produce", "Maker")]
    # A method's own parameters are still its own.
    assert ("recipe", "Recipe") in by_name["run"].types
