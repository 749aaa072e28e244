"""Reading --stamp in Bazel 4: a config_setting on `stamp` selects a value into a tiny rule."""

StampFlagInfo = provider(
    doc = "Whether the build runs with --stamp.",
    fields = {"stamp": "bool: the value of --stamp."},
)

def _stamp_flag_impl(ctx):
    return [StampFlagInfo(stamp = ctx.attr.value)]

stamp_flag = rule(
    implementation = _stamp_flag_impl,
    doc = "Exposes --stamp to rules through StampFlagInfo (ctx.configuration has no stamp query in Bazel 4).",
    attrs = {
        "value": attr.bool(doc = "select() on the stamp config_setting: True under --stamp."),
    },
)
