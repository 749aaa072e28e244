"""Rules used only as test fixtures: for the components aspect, and the rules' cloud-target facts."""

load("//plugins/private:checks.bzl", "cloud_target_facts_json")

def _with_exec_deps_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".txt")
    ctx.actions.write(out, "made with tools that do not ship\n")
    return [DefaultInfo(files = depset([out]))]

# A rule whose `deps` are built for the exec configuration (like a code generator's tools): the
# aspect follows `deps` by name but must skip what it finds there.
with_exec_deps = rule(
    implementation = _with_exec_deps_impl,
    doc = "Writes a file; its deps are exec-configuration tools that must not become components.",
    attrs = {
        "deps": attr.label_list(doc = "Tools, built for the exec configuration.", cfg = "exec"),
    },
)

def _cloud_target_facts_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".json")
    ctx.actions.write(out, cloud_target_facts_json() + "\n")
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

# The rules' facts about the cloud targets (CLOUD_TARGETS), as JSON for cloud_target_facts_test.
cloud_target_facts = rule(
    implementation = _cloud_target_facts_impl,
    doc = "Writes CLOUD_TARGETS of //plugins/private:checks.bzl as a JSON array.",
)
