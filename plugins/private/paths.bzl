"""Path helpers shared by fnseal's rules."""

def artifact_path(file, package):
    """Path of `file` inside a function artifact.

    Files of the function's own package keep their path relative to it; others keep their
    workspace-relative path, so that two files never collide.

    Args:
      file: the File to place.
      package: the package of the function target, e.g. "examples/hello".

    Returns:
      A relative path without a leading "/".
    """
    path = file.short_path
    if path.startswith("../"):
        # A file of an external repository: ../repo/pkg/file -> external/repo/pkg/file
        return "external/" + path[3:]
    if package and path.startswith(package + "/"):
        return path[len(package) + 1:]
    return path

def placement_arg(placement):
    """A `--file PATH=SOURCE` value for ctx.actions.args().add_all(map_each = ...).

    Args:
      placement: (path in the artifact, File), as in FunctionInfo.placements.

    Returns:
      "PATH=EXEC_PATH".
    """
    return "%s=%s" % (placement[0], placement[1].path)

def input_arg(file):
    """A `--input NAME=PATH` value for ctx.actions.args().add_all(map_each = ...).

    Args:
      file: the File.

    Returns:
      "SHORT_PATH=EXEC_PATH".
    """
    return "%s=%s" % (file.short_path, file.path)
