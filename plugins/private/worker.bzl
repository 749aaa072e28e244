"""How fnseal's actions run: as requests to a persistent `fnseal --persistent_worker`."""

# Execution requirements of the actions that take their arguments in a param file (the last
# argument, as workers need). Bazel then runs them in a long-lived fnseal process per mnemonic
# instead of starting fnseal in a new sandbox each time; the bytes are the same either way
# (tests/worker_test.sh), and --spawn_strategy=sandboxed or remote execution still run them as
# plain processes.
FNSEAL_WORKER_REQUIREMENTS = {"supports-workers": "1"}
