"""The bodies of the commands that drive the stages after loading:
`planner budget` (:mod:`.budget`) and `planner rematch` (:mod:`.rematch`).
The CLI wires them inside its error reporting."""
