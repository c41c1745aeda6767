"""One module per `labc` subcommand; see labc/cli.py."""
