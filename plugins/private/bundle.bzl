"""function_bundle: a function -> an unsigned, deterministic .fnb bundle."""

load("//plugins:providers.bzl", "FunctionInfo")

def _function_bundle_impl(ctx):
    function = ctx.attr.function[FunctionInfo]
    bundle = ctx.actions.declare_file(ctx.label.name + ".fnb")

    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    args.add("bundle")
    args.add("--quiet")
    args.add("--output", bundle)
    args.add("--name", function.name)
    args.add("--artifact", function.artifact)
    args.add("--entrypoint", function.entrypoint)
    args.add("--runtime", function.runtime)
    args.add("--target", str(ctx.label))
    args.add("--level", str(ctx.attr.compression_level))
    inputs = function.inputs.to_list()
    for f in inputs:
        args.add("--input", "%s=%s" % (f.short_path, f.path))

    ctx.actions.run(
        executable = ctx.executable._fnseal,
        arguments = [args],
        inputs = [function.artifact] + inputs,
        outputs = [bundle],
        mnemonic = "FnsealBundle",
        progress_message = "Bundling function %s" % ctx.label,
    )
    return [DefaultInfo(files = depset([bundle]), runfiles = ctx.runfiles(files = [bundle]))]

function_bundle = rule(
    implementation = _function_bundle_impl,
    doc = """An unsigned function bundle (`<name>.fnb`).

A zstd-compressed deterministic tar holding the function's artifact, a deploy manifest, and an
in-toto Statement v1 with a SLSA Provenance v1 predicate whose subjects are the bundle's files and
whose resolved dependencies are every input with its sha256. Signing happens outside the build
(`fnseal sign`), so keys never enter the action graph or the cache.""",
    attrs = {
        "function": attr.label(
            doc = "A serverless_function target.",
            mandatory = True,
            providers = [FunctionInfo],
        ),
        "compression_level": attr.int(
            doc = "zstd level, 1 to 19.",
            default = 3,
        ),
        "_fnseal": attr.label(
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
    },
)
