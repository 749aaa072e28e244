"""function_bundle: a function -> deployables for each cloud target and one unsigned .fnb bundle."""

load("//plugins:providers.bzl", "FnComponentsInfo", "FunctionInfo", "LicensePolicyInfo")
load(":checks.bzl", "CLOUD_TARGETS", "KNOWN_TARGETS", "check_targets", "stamp_enabled", "undeclared_license_message")
load(":paths.bzl", "input_arg", "placement_arg")
load(":stamp.bzl", "StampFlagInfo")
load(":tool_digests.bzl", "ToolDigestsInfo")
load(":worker.bzl", "FNSEAL_WORKER_REQUIREMENTS")

def _function_bundle_impl(ctx):
    function = ctx.attr.function[FunctionInfo]
    problem = check_targets(ctx.attr.targets, function.entrypoint)
    if problem:
        fail("%s: %s" % (ctx.label, problem))
    for target in ctx.attr.target_options.keys():
        if target not in ctx.attr.targets:
            fail("%s: target_options names '%s', which is not in targets %s" % (ctx.label, target, ctx.attr.targets))
    bundle = ctx.actions.declare_file(ctx.label.name + ".fnb")

    deployables = [
        (t, ctx.actions.declare_file("%s.deployables/%s.%s" % (ctx.label.name, t, CLOUD_TARGETS[t].extension)))
        for t in ctx.attr.targets
    ]

    components = ctx.attr.function[FunctionInfo].components_file
    component_inputs = ctx.attr.function[FnComponentsInfo].inputs

    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    args.add_all([
        "bundle",
        "--quiet",
        "--no-sync",  # Bazel owns its outputs' durability and fsyncs none of them
        "--output",
        bundle,
        "--name",
        function.name,
        "--artifact",
        function.artifact,
        "--entrypoint",
        function.entrypoint,
        "--runtime",
        function.runtime,
        "--target",
        str(ctx.label),
        "--level",
        str(ctx.attr.compression_level),
        "--configuration",
        "compilationMode=" + ctx.var["COMPILATION_MODE"],
        "--configuration",
        "cpu=" + ctx.var["TARGET_CPU"],
    ])

    # The C++ toolchain of the target configuration: its compiler driver becomes a resolved
    # dependency with its digest. Both it and the fnseal binary are hashed once per build, by
    # the tool_digests target.
    tools = ctx.attr._tool_digests[ToolDigestsInfo]
    if tools.compiler:
        args.add("--toolchain", "cc=" + tools.compiler)
    args.add("--tool-digests", tools.file)
    args.add_all(function.inputs, before_each = "--input", map_each = input_arg)

    # The deployables are made in the same action, from the files the artifact holds.
    if deployables:
        args.add("--handler", function.handler)
        args.add_all(function.placements, before_each = "--file", map_each = placement_arg)
        # The function's memory and timeout go to the targets that take such a setting.
        if function.memory_mb and [t for t in ctx.attr.targets if CLOUD_TARGETS[t].memory]:
            args.add("--memory", str(function.memory_mb))
        if function.timeout_seconds and [t for t in ctx.attr.targets if CLOUD_TARGETS[t].timeout]:
            args.add("--timeout", str(function.timeout_seconds))
    for target, f in deployables:
        args.add("--deploy", "%s=%s" % (target, f.path))
        options = ctx.attr.target_options.get(target, [])
        if target == "oci_image" and not [o for o in options if o.startswith("version=")]:
            options = ["version=" + function.version] + options  # the image's name is <function>:<version>
        if function.closure:
            options = options + ["closure=" + function.closure.path]  # what each target ships of the closure
        for option in options:
            args.add("--deploy-option", "%s:%s" % (target, option))
    args.add("--components", components)
    extra = [components] + ([function.closure] if function.closure and deployables else [])
    _check_declared_licenses(ctx)
    if ctx.attr.license_policy:
        policy = ctx.attr.license_policy[LicensePolicyInfo].file
        args.add("--license-policy", policy)
        extra.append(policy)
    if stamp_enabled(ctx.attr.stamp, ctx.attr._stamp_flag[StampFlagInfo].stamp):
        # The source from the STABLE_FNSEAL_GIT_* keys, the times from the commit (the same
        # commit gives the same bytes), the invocation from --embed_label when there is one.
        args.add("--workspace-status", ctx.info_file)
        args.add("--times-from-commit")
        extra.append(ctx.info_file)

    ctx.actions.run(
        executable = ctx.executable._fnseal,
        arguments = [args],
        inputs = depset([function.artifact, tools.file] + extra + tools.inputs, transitive = [function.inputs, component_inputs, function.closure_inputs]),
        outputs = [bundle] + [f for _, f in deployables],
        mnemonic = "FnsealBundle",
        execution_requirements = FNSEAL_WORKER_REQUIREMENTS,
        progress_message = "Bundling function %s" % ctx.label,
    )
    return [
        DefaultInfo(files = depset([bundle]), runfiles = ctx.runfiles(files = [bundle])),
        OutputGroupInfo(
            deployables = depset([f for _, f in deployables]),
            fnseal_components = depset([components]),
        ),
    ]

def _check_declared_licenses(ctx):
    """Fails (require_license, or a policy that denies NOASSERTION) or warns when a component has no license."""
    unlicensed = ctx.attr.function[FnComponentsInfo].unlicensed.to_list()
    if not unlicensed:
        return
    message = "%s: %s" % (ctx.label, undeclared_license_message(unlicensed))
    if ctx.attr.require_license:
        fail(message + " (require_license = True)")
    policy = ctx.attr.license_policy
    if policy and not policy[LicensePolicyInfo].allows_undeclared:
        fail("%s (license_policy %s denies a component without one)" % (message, policy.label))
    if not policy:
        print("WARNING: %s; the SBOM says NOASSERTION (require_license = True makes this an error)" % message)

_function_bundle = rule(
    implementation = _function_bundle_impl,
    doc = """An unsigned function bundle (`<name>.fnb`) with a deployable per cloud target.

One `fnseal bundle` action (mnemonic FnsealBundle) makes a deployable per cloud target
(`<name>.deployables/<target>.zip`; oci_image writes its image layout as one tar) and ships them
under deployables/<target>/, with the SBOMs made from the components file the components aspect
writes, the license texts, the license verdict when a policy is given, and an in-toto / SLSA
provenance statement. Signing happens outside the build (`<name>.sign`).""",
    attrs = {
        "function": attr.label(
            doc = "A serverless_function target.",
            mandatory = True,
            providers = [FunctionInfo, FnComponentsInfo],
        ),
        "targets": attr.string_list(
            doc = "Cloud targets to make deployables for: any of %s." % ", ".join(KNOWN_TARGETS),
            default = KNOWN_TARGETS,
        ),
        "target_options": attr.string_list_dict(
            doc = "Per target, KEY=VALUE options (passed as --deploy-option TARGET:KEY=VALUE), e.g. {'azure_functions': ['auth_level=anonymous']}.",
        ),
        "license_policy": attr.label(
            doc = "A license_policy; when set, a component it denies fails the build.",
            providers = [LicensePolicyInfo],
        ),
        "require_license": attr.bool(
            doc = "When True, a component with no license declared (no fn_license reaches it) fails the analysis, with or without a policy. When False, it fails only when the license_policy denies NOASSERTION; without a policy the build warns.",
            default = False,
        ),
        "stamp": attr.int(
            doc = "1: record the source checkout from the workspace status; 0: never; -1: only with --stamp.",
            default = -1,
            values = [-1, 0, 1],
        ),
        "compression_level": attr.int(
            doc = "zstd level, 1 to 19.",
            default = 3,
        ),
        "_fnseal": attr.label(
            doc = "The fnseal CLI, built for the exec configuration.",
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
        "_tool_digests": attr.label(
            doc = "The fnseal binary's and the C++ compiler driver's digests, recorded in the provenance.",
            default = Label("//plugins/private:tool_digests"),
            providers = [ToolDigestsInfo],
        ),
        "_stamp_flag": attr.label(
            doc = "Whether --stamp is on, read through a config_setting (as rules_pkg does).",
            default = Label("//plugins/private:stamp"),
            providers = [StampFlagInfo],
        ),
    },
)

def _sign_impl(ctx):
    bundle = ctx.file.bundle
    script = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.expand_template(
        template = ctx.file._template,
        output = script,
        substitutions = {
            "@@FNSEAL@@": ctx.executable._fnseal.short_path,
            "@@BUNDLE@@": bundle.short_path,
            "@@WORKSPACE@@": ctx.workspace_name,
            "@@OUTPUT@@": bundle.basename,
        },
        is_executable = True,
    )
    return [DefaultInfo(
        executable = script,
        runfiles = ctx.runfiles(files = [bundle, ctx.executable._fnseal]),
    )]

fn_sign = rule(
    implementation = _sign_impl,
    doc = """Signs a built bundle with `fnseal sign` when run: `bazel run //pkg:name.sign -- --key release.pem`.

The key is named on the command line at run time and read by fnseal outside the action graph, so
it never enters an action, the cache or a remote executor. Relative paths are taken from the
directory bazel was run in; the signed bundle is written there as `<name>.fnb` unless `-o` is given.""",
    attrs = {
        "bundle": attr.label(
            doc = "The function_bundle to sign.",
            mandatory = True,
            allow_single_file = [".fnb"],
        ),
        "_fnseal": attr.label(
            doc = "The fnseal CLI the bundle actions run (exec configuration), so signing compiles nothing.",
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
        "_template": attr.label(
            doc = "The signing script's template.",
            default = Label("//plugins/private:sign.sh.tpl"),
            allow_single_file = True,
        ),
    },
    executable = True,
)

def function_bundle(name, visibility = None, tags = None, testonly = None, **kwargs):
    """An unsigned `<name>.fnb` bundle of a function, and a `<name>.sign` target that signs it.

    `<name>.sign` is tagged manual: wildcard builds skip it, `bazel run` builds it.

    Args:
      name: the bundle's name; the file is `<name>.fnb`.
      visibility: visibility of both targets.
      tags: tags of both targets (`<name>.sign` also gets "manual").
      testonly: testonly of both targets.
      **kwargs: the attributes of the bundle rule (function, targets, target_options,
        license_policy, require_license, stamp, compression_level).
    """
    _function_bundle(
        name = name,
        visibility = visibility,
        tags = tags,
        testonly = testonly,
        **kwargs
    )
    fn_sign(
        name = name + ".sign",
        bundle = ":" + name,
        visibility = visibility,
        # Manual: a wildcard build (`bazel build //...`) would otherwise make a runfiles tree per
        # bundle, for a script that only `bazel run` needs; `bazel run` builds it when asked.
        tags = (tags or []) + ["manual"],
        testonly = testonly,
    )
