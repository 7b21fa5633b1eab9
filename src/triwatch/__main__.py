"""`python -m triwatch ...`: the same command line as `triwatch ...` (node processes start this way).

`python -m triwatch node ...` (how `exercise run --fabric nats` starts one process per nation)
loads only the node command, not the whole CLI: the report, plotting and trajectory tools
would add about a second to every node process's start.
"""

import sys

if sys.argv[1:2] == ["node"]:
    import typer

    from triwatch.cli.node_cmd import node

    app = typer.Typer(add_completion=False)
    app.command()(node)
    app(prog_name="triwatch node", args=sys.argv[2:])
else:
    from triwatch.cli.main import main

    main()
