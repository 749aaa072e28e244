"""serverless_function: a handler binary plus data files -> a hermetic artifact."""

load("//plugins:providers.bzl", "FunctionInfo")
load(":paths.bzl", "artifact_path")

def _serverless_function_impl(ctx):
    handler = ctx.executable.handler
    function_name = ctx.attr.function_name or ctx.label.name
    artifact = ctx.actions.declare_file(ctx.label.name + ".tar")

    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    args.add("pack")
    args.add("--quiet")
    args.add("--output", artifact)
    args.add("--file", "%s=%s" % (ctx.attr.entrypoint, handler.path))
    data_files = ctx.files.data
    for f in data_files:
        path = artifact_path(f, ctx.label.package)
        if path == ctx.attr.entrypoint:
            fail("%s: data file %s would replace the entrypoint '%s'; rename it or set entrypoint" %
                 (ctx.label, f.short_path, ctx.attr.entrypoint))
        args.add("--file", "%s=%s" % (path, f.path))

    ctx.actions.run(
        executable = ctx.executable._fnseal,
        arguments = [args],
        inputs = [handler] + data_files,
        outputs = [artifact],
        mnemonic = "FnsealPack",
        progress_message = "Packing function %s" % ctx.label,
    )
    return [
        DefaultInfo(files = depset([artifact]), runfiles = ctx.runfiles(files = [artifact])),
        FunctionInfo(
            name = function_name,
            artifact = artifact,
            entrypoint = ctx.attr.entrypoint,
            runtime = ctx.attr.runtime,
            inputs = depset([handler] + data_files),
        ),
    ]

serverless_function = rule(
    implementation = _serverless_function_impl,
    doc = """A serverless function: its handler binary and data files packed into a deterministic tar.

The handler is placed at `entrypoint` (default `bootstrap`, as AWS Lambda custom runtimes expect)
with mode 0755. Data files of the function's package keep their package-relative path; others keep
their workspace-relative path. The artifact's bytes depend only on these contents.""",
    attrs = {
        "handler": attr.label(
            doc = "The executable that handles invocations, usually a cc_binary.",
            mandatory = True,
            executable = True,
            cfg = "target",
        ),
        "data": attr.label_list(
            doc = "Files the handler reads at run time, shipped next to it.",
            allow_files = True,
        ),
        "function_name": attr.string(
            doc = "The function's name; defaults to the target's name. Letters, digits, '.', '_', '-'.",
        ),
        "entrypoint": attr.string(
            doc = "Path of the handler inside the artifact.",
            default = "bootstrap",
        ),
        "runtime": attr.string(
            doc = "The runtime the function targets, recorded in the deploy manifest.",
            default = "provided.al2023",
        ),
        "_fnseal": attr.label(
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
    },
)
