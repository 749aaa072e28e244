"""fnseal_cli: the fnseal CLI the rules already built, runnable with `bazel run`."""

def _fnseal_cli_impl(ctx):
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.expand_template(
        template = ctx.file.template,
        output = script,
        substitutions = {
            "@@FNSEAL@@": ctx.executable._fnseal.short_path,
            "@@WORKSPACE@@": ctx.workspace_name,
        },
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = [ctx.executable._fnseal])
    return [DefaultInfo(
        executable = script,
        runfiles = runfiles.merge(ctx.attr._fnseal[DefaultInfo].default_runfiles),
    )]

fnseal_cli = rule(
    implementation = _fnseal_cli_impl,
    doc = """A script that runs the fnseal binary of the exec configuration, the one the rules' actions run.

`bazel run` of it after a build of bundles compiles nothing: the binary is already built, and the
command line is the build's, so Bazel's analysis cache survives too. The script runs in the
directory bazel was run in, so relative paths are the caller's.""",
    attrs = {
        "template": attr.label(
            doc = "The script: cli.sh.tpl runs fnseal, install.sh.tpl copies it into a directory on PATH.",
            mandatory = True,
            allow_single_file = [".tpl"],
        ),
        "_fnseal": attr.label(
            doc = "The fnseal CLI, built for the exec configuration as the rules build it.",
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
    },
    executable = True,
)
