"""``python -m planner``: the ``planner`` command, as installed."""

from planner.launch import entry

if __name__ == "__main__":
    entry()
