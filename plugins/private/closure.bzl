"""The closure action of serverless_function(linkage = "closure").

The handler's DT_NEEDED closure is resolved in a Bazel action (//tools/closure:resolve_closure,
with formats/elf) against declared inputs only: the shared libraries in the handler's runfiles
(cc_import'ed or linkshared cc_binary libraries: the function's own) and the toolchain's shared
objects that @fnseal_toolchain_libraries links in, never the host's directories. The action
writes the closure file, which the cloud targets take as option `closure` (each ships what its
base lacks), and the function's final components file, with every shipped library a component.
"""

load("@fnseal_toolchain_libraries//:defs.bzl", "SHARED_RUNTIME_LIBRARIES")

def is_shared_library(f):
    """Whether a File is a shared library by its name: libx.so or libx.so.1.2."""
    return f.extension == "so" or ".so." in f.basename

def resolve_closure(ctx, handler, own_libraries, toolchain_libraries, base_components):
    """Runs the closure action.

    Args:
      ctx: the serverless_function's rule context.
      handler: File, the handler executable (linked with CLOSURE_LINKOPTS).
      own_libraries: list of File, the shared libraries of the handler's runfiles.
      toolchain_libraries: list of File, @fnseal_toolchain_libraries//:shared_libraries.
      base_components: File, the components file without the closure.

    Returns:
      (closure file, components file).
    """
    by_name = {s["path"].split("/")[-1]: s for s in SHARED_RUNTIME_LIBRARIES}
    candidates = [{"path": f.path} for f in own_libraries]
    for f in toolchain_libraries:
        entry = by_name.get(f.basename)
        if entry:
            candidates.append({"path": f.path, "toolchain": {
                "library": entry["library"],
                "license": entry["license"],
                "package": entry["package"],
                "version": entry["version"],
                "source_package": entry["source_package"],
                "arch": entry.get("arch", ""),
            }})
    request = ctx.actions.declare_file(ctx.label.name + ".closure_request.json")
    ctx.actions.write(request, json.encode({
        "executable": handler.path,
        "components": base_components.path,
        "candidates": candidates,
    }))
    closure = ctx.actions.declare_file(ctx.label.name + ".closure.json")
    components = ctx.actions.declare_file(ctx.label.name + ".components.json")
    ctx.actions.run(
        executable = ctx.executable._resolve_closure,
        arguments = [request.path, closure.path, components.path],
        inputs = [request, handler, base_components] + own_libraries + toolchain_libraries,
        outputs = [closure, components],
        mnemonic = "FnsealClosure",
        progress_message = "Resolving the shared-library closure of %s" % ctx.label,
    )
    return closure, components
