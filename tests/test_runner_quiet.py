"""hdhkits.runner.quiet: what would bury the runner's lines stays off the terminal."""


def test_the_dead_kernel_log_line_never_reaches_the_terminal(caplog):
    import logging

    from hdhkits.runner.quiet import drop_dead_kernel_lines

    drop_dead_kernel_lines()
    drop_dead_kernel_lines()  # idempotent
    assert sum(type(f).__name__ == "DeadKernelFilter" for f in logging.getLogger("papermill").filters) == 1
    with caplog.at_level(logging.INFO):
        logging.getLogger("papermill").error("Kernel died while waiting for execute reply.")
        logging.getLogger("traitlets").error("Kernel died while waiting for execute reply.")
        logging.getLogger("papermill").error("another error")
    assert [r.getMessage() for r in caplog.records] == ["another error"]
