import signal


def let_children_be_interrupted() -> None:
    """A bench started in the background by a non-interactive shell (`python -m bench &`)
    inherits SIGINT ignored, and so would the `sync --watch` processes it starts and stops
    with SIGINT (each then ran on until killed 30 s later). A handler set here is reset to
    the default in each child it execs."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
