"""serverless_function: a handler binary, its runfiles, data and models -> a hermetic artifact."""

load("//plugins:providers.bzl", "FnComponentsInfo", "FnLicenseInfo", "FunctionInfo", "ModelInfo")
load(":checks.bzl", "runfiles_path")
load(":closure.bzl", "is_shared_library", "resolve_closure")
load(":components.bzl", "components_aspect", "function_components", "license_of")
load(":linkage.bzl", "LINKAGES", "handler_linkage")
load(":paths.bzl", "artifact_path", "placement_arg")
load(":worker.bzl", "FNSEAL_WORKER_REQUIREMENTS")

def _place(ctx, by_name, name, f, why):
    """Records f at name in by_name; fails when it would take the entrypoint or another file's path."""
    if name == ctx.attr.entrypoint:
        fail("%s: %s %s would replace the entrypoint '%s'; rename it or set entrypoint" %
             (ctx.label, why, f.short_path, ctx.attr.entrypoint))
    other = by_name.get(name)
    if other and other.path != f.path:
        fail("%s: %s and %s would both be '%s' in the artifact; rename one" %
             (ctx.label, other.short_path, f.short_path, name))
    by_name[name] = f

def _placements(ctx, handler, skip):
    """(path in the artifact, File) for every file but the handler and `skip`, sorted; fails on collisions."""
    by_name = {}
    skipped = {f.path: True for f in skip}
    runfiles = _handler_target(ctx)[DefaultInfo].default_runfiles
    if runfiles:
        for f in runfiles.files.to_list():
            if f.path != handler.path and f.path not in skipped:
                _place(ctx, by_name, ctx.attr.entrypoint + ".runfiles/" + runfiles_path(f, ctx.workspace_name), f, "runfile")
    for f in ctx.files.data:
        _place(ctx, by_name, artifact_path(f, ctx.label.package), f, "data file")
    for m in ctx.attr.models:
        for f in m[ModelInfo].files:
            _place(ctx, by_name, artifact_path(f, ctx.label.package), f, "model file")
    return [(name, by_name[name]) for name in sorted(by_name.keys())]

def _handler_target(ctx):
    """The handler, built in the configuration `linkage` asks for (a transition makes it a list)."""
    handler = ctx.attr.handler
    return handler[0] if type(handler) == "list" else handler

def _version(ctx):
    """The function's version: its `version`, else its license's package_version, else 0.0.0."""
    if ctx.attr.version:
        return ctx.attr.version
    lic = license_of(ctx.attr)
    return (lic.package_version if lic else "") or "0.0.0"

def _serverless_function_impl(ctx):
    if ctx.attr.linkage not in LINKAGES:
        fail("%s: linkage '%s' is not one of %s" % (ctx.label, ctx.attr.linkage, ", ".join(LINKAGES)))
    handler = _handler_target(ctx)[DefaultInfo].files_to_run.executable
    function_name = ctx.attr.function_name or ctx.label.name
    if ctx.attr.memory_mb < 0 or ctx.attr.timeout_seconds < 0:
        fail("%s: memory_mb and timeout_seconds must be positive, or 0 for the platform's default" % ctx.label)
    for key in ctx.attr.environment.keys():
        if not key or "=" in key:
            fail("%s: environment key '%s' is not a variable name" % (ctx.label, key))
    # A closure handler's own shared libraries ship in the deployables' lib/, not as runfiles.
    own_libraries = []
    if ctx.attr.linkage == "closure":
        runfiles = _handler_target(ctx)[DefaultInfo].default_runfiles
        own_libraries = [f for f in runfiles.files.to_list() if f.path != handler.path and is_shared_library(f)] if runfiles else []
    placements = _placements(ctx, handler, own_libraries)
    artifact = ctx.actions.declare_file(ctx.label.name + ".tar")

    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    args.add_all(["pack", "--quiet", "--no-sync", "--output", artifact, "--file", "%s=%s" % (ctx.attr.entrypoint, handler.path)])
    args.add_all(placements, before_each = "--file", map_each = placement_arg)

    checks = []
    for m in ctx.attr.models:
        checks.extend(m[ModelInfo].checks)
    files = [handler] + [f for _, f in placements]
    ctx.actions.run(
        executable = ctx.executable._fnseal,
        arguments = [args],
        # The digest checks are inputs so that a model whose bytes changed fails the build.
        inputs = files + checks,
        outputs = [artifact],
        mnemonic = "FnsealPack",
        execution_requirements = FNSEAL_WORKER_REQUIREMENTS,
        progress_message = "Packing function %s" % ctx.label,
    )
    closure_inputs = depset(own_libraries + ctx.files._toolchain_shared_libraries) if ctx.attr.linkage == "closure" else depset()
    fields = dict(
        name = function_name,
        artifact = artifact,
        handler = handler,
        entrypoint = ctx.attr.entrypoint,
        runtime = ctx.attr.runtime,
        linkage = ctx.attr.linkage,
        closure = None,
        closure_inputs = closure_inputs,
        version = _version(ctx),
        memory_mb = ctx.attr.memory_mb,
        timeout_seconds = ctx.attr.timeout_seconds,
        environment = dict(ctx.attr.environment),
        permissions = sorted(ctx.attr.permissions),
        placements = placements,
        inputs = depset(files),
    )
    fields["components_file"] = None
    function = FunctionInfo(**fields)
    if ctx.attr.linkage != "closure":
        components, components_file = function_components(ctx, function)
    else:
        base, base_file = function_components(ctx, function, own_libraries, ctx.label.name + ".components.base.json")
        fields["closure"], components_file = resolve_closure(ctx, handler, own_libraries, ctx.files._toolchain_shared_libraries, base_file)
        components = FnComponentsInfo(
            id = base.id,
            components = base.components,
            inputs = depset(transitive = [base.inputs, closure_inputs]),
            unlicensed = base.unlicensed,
        )
    fields["components_file"] = components_file
    function = FunctionInfo(**fields)
    # A closure handler's closure file is an output too, so that building the function resolves it.
    outputs = [artifact] + ([function.closure] if function.closure else [])
    return [
        DefaultInfo(files = depset(outputs), runfiles = ctx.runfiles(files = [artifact])),
        function,
        components,
        OutputGroupInfo(fnseal_components = depset([components_file])),
    ]

serverless_function = rule(
    implementation = _serverless_function_impl,
    doc = """A serverless function: its handler, the handler's runfiles, data files and models packed
into a deterministic tar (`<name>.tar`).

The handler is placed at `entrypoint` (default `bootstrap`, as AWS Lambda custom runtimes expect)
with mode 0755; its runfiles at `<entrypoint>.runfiles/<repository>/<path>` (Bazel's runfiles
layout, so runfiles libraries find them from argv[0]). Data and model files of the function's
package keep their package-relative path; others keep their workspace-relative path. Two files on
one path, or a file on the entrypoint, fail the analysis. The artifact's bytes depend only on
these contents.""",
    attrs = {
        "handler": attr.label(
            doc = "The executable that handles invocations, usually a cc_binary.",
            mandatory = True,
            executable = True,
            cfg = handler_linkage,
            aspects = [components_aspect],
        ),
        "linkage": attr.string(
            doc = """How the handler is linked for its deployables. "static" (the default): fully
statically, so it runs on every cloud's base, an OCI image from scratch included, whatever the
cc_binary's own link options; sanitizer options are dropped for it. "closure": for handlers that
cannot be static (prebuilt shared objects, dlopen): linked dynamically with a DT_RPATH of
$ORIGIN/lib; its DT_NEEDED closure is resolved in the build against the shared libraries of its
runfiles and the toolchain's, and each deployable ships in lib/ what its cloud's base lacks (an
OCI image also the loader); every shipped library is a component. "dynamic": as the cc_binary
links itself; each cloud target then refuses it unless its base provides every library and
symbol version it needs (see docs/targets.md).""",
            default = "static",
            values = LINKAGES,
        ),
        "_allowlist_function_transition": attr.label(
            doc = "Lets `handler` carry the linkage transition.",
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
        "data": attr.label_list(
            doc = "Files the handler reads at run time, shipped next to it.",
            allow_files = True,
            aspects = [components_aspect],
        ),
        "models": attr.label_list(
            doc = "model_artifact (or dataset_artifact) targets whose files ship with the function; their digests are checked first.",
            providers = [ModelInfo],
            aspects = [components_aspect],
        ),
        "license": attr.label(
            doc = "The fn_license of the function's own code and data (the root component of its SBOM).",
            providers = [FnLicenseInfo],
        ),
        "function_name": attr.string(
            doc = "The function's name; defaults to the target's name. Letters, digits, '.', '_', '-'.",
        ),
        "version": attr.string(
            doc = "The function's version, e.g. for the OCI image's name `<function_name>:<version>`; defaults to its fn_license's package_version, else 0.0.0.",
        ),
        "entrypoint": attr.string(
            doc = "Path of the handler inside the artifact. aws_lambda and oci_image need 'bootstrap'.",
            default = "bootstrap",
        ),
        "runtime": attr.string(
            doc = "The runtime the function targets, recorded in the deploy manifest.",
            default = "provided.al2023",
        ),
        "memory_mb": attr.int(
            doc = "Memory in MB; 0 leaves it to the platform. Checked against aws_lambda's range when bundled for it.",
            default = 0,
        ),
        "timeout_seconds": attr.int(
            doc = "Timeout in seconds; 0 leaves it to the platform. Checked by aws_lambda, written by azure_functions.",
            default = 0,
        ),
        "environment": attr.string_dict(
            doc = "Non-secret environment variables the function expects, for deploy tooling; never packed into deployables.",
        ),
        "permissions": attr.string_list(
            doc = "Permissions the function declares it needs (e.g. 's3:GetObject'), for review and deploy tooling.",
        ),
        "_fnseal": attr.label(
            doc = "The fnseal CLI, built for the exec configuration.",
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
        "_resolve_closure": attr.label(
            doc = "The closure action's tool, for linkage = \"closure\".",
            default = Label("//tools/closure:resolve_closure"),
            executable = True,
            cfg = "exec",
        ),
        "_toolchain_shared_libraries": attr.label(
            doc = "The toolchain's shared objects a closure may ship (@fnseal_toolchain_libraries).",
            default = Label("@fnseal_toolchain_libraries//:shared_libraries"),
            allow_files = True,
        ),
    },
)
