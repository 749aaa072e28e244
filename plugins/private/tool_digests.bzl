"""The digests of the tools every bundle's provenance names, computed once per configuration.

Each function_bundle records the fnseal binary that wrote its provenance and the C++ compiler
driver of its configuration, both with their sha256. One `fnseal digest` action here hashes them
for all bundles of the build, which pass its output with --tool-digests instead of hashing
megabytes of executables once per bundle.
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

ToolDigestsInfo = provider(
    doc = "The tools a bundle's provenance names, and their digests.",
    fields = {
        "file": "File: `fnseal digest --json` output for the fnseal binary and the compiler.",
        "compiler": "string: the path of the C++ compiler driver to pass as --toolchain cc=, or ''.",
        "inputs": "list of File: the compiler driver when it is inside the build (an input to read it).",
    },
)

def _tool_digests_impl(ctx):
    # A compiler inside the workspace or an external repository is an action input; a system one
    # (/usr/bin/gcc) is read where it is.
    cc = find_cpp_toolchain(ctx)
    compiler = cc.compiler_executable
    inputs = []
    if compiler and not compiler.startswith("/"):
        inputs = [f for f in cc.all_files.to_list() if f.path == compiler]
        if not inputs:
            compiler = ""
    out = ctx.actions.declare_file(ctx.label.name + ".json")
    args = ctx.actions.args()
    args.add_all(["digest", "--json", "--no-sync", "--output", out, ctx.executable._fnseal.path])
    if compiler:
        args.add(compiler)
    ctx.actions.run(
        executable = ctx.executable._fnseal,
        arguments = [args],
        inputs = inputs,
        outputs = [out],
        mnemonic = "FnsealToolDigests",
        progress_message = "Hashing fnseal and the C++ compiler for the provenance",
    )
    return [ToolDigestsInfo(file = out, compiler = compiler or "", inputs = inputs)]

tool_digests = rule(
    implementation = _tool_digests_impl,
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    fragments = ["cpp"],
    doc = "Hashes the fnseal binary and the C++ compiler driver once, for every function_bundle.",
    attrs = {
        "_fnseal": attr.label(
            doc = "The fnseal CLI, built for the exec configuration: the same binary the bundles run.",
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
        "_cc_toolchain": attr.label(
            doc = "The C++ toolchain of the configuration, whose driver the bundles record.",
            default = Label("@bazel_tools//tools/cpp:current_cc_toolchain"),
        ),
    },
)
