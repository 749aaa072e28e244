"""How a function's handler is linked: the transition serverless_function applies to it.

A deployable must run on its cloud's base with nothing else installed (an OCI image from scratch
has nothing at all), so by default the rules link the handler fully statically: glibc's libc.a,
libstdc++.a and libgcc come from the toolchain into the executable. A user writes a plain
cc_binary; no BUILD file needs a linker flag. `linkage = "closure"`, for handlers that cannot be
static (prebuilt shared objects, dlopen), links it dynamically with a DT_RPATH of $ORIGIN/lib,
where the deployables ship its shared-library closure. `linkage = "dynamic"` keeps the cc_binary
as it links itself; the cloud targets then check its needs against what each cloud's base
provides.
"""

# serverless_function's `linkage` values.
LINKAGES = ["static", "closure", "dynamic"]

# What a closure handler's link adds: a DT_RPATH (not DT_RUNPATH: --disable-new-dtags makes
# every -rpath one) naming $ORIGIN/lib. The loader searches DT_RPATH before LD_LIBRARY_PATH
# (Lambda's starts with /lib64) and for the dependencies of every library, so the shipped
# libraries are the ones loaded. --as-needed keeps out of DT_NEEDED what the handler does not use
# (the toolchain links every cc_binary, C included, with -lstdc++ -lm), so the closure holds
# only what is needed.
CLOSURE_LINKOPTS = ["-Wl,--disable-new-dtags", "-Wl,-rpath,$ORIGIN/lib", "-Wl,--as-needed"]

_LINKOPT = "//command_line_option:linkopt"
_COPT = "//command_line_option:copt"

def handler_link_options(linkage, copts, linkopts):
    """The compile and link options a handler is built with.

    Args:
      linkage: "static", "closure" or "dynamic".
      copts: the configuration's --copt values.
      linkopts: the configuration's --linkopt values.

    Returns:
      (copts, linkopts). For "static", "-static" is added to the link; for "closure",
      CLOSURE_LINKOPTS. Both drop sanitizer options (-fsanitize=..., whose runtime cannot link
      statically and would not ship): a handler is built as it is deployed, also in a sanitizer
      build of the tests. "dynamic" changes nothing.
    """
    if linkage == "dynamic":
        return copts, linkopts
    keep_copts = [o for o in copts if not o.startswith("-fsanitize") and not o.startswith("-fno-sanitize")]
    keep_linkopts = [o for o in linkopts if not o.startswith("-fsanitize") and not o.startswith("-fno-sanitize")]
    add = ["-static"] if linkage == "static" else CLOSURE_LINKOPTS
    return keep_copts, keep_linkopts + [o for o in add if o not in keep_linkopts]

def _handler_linkage_impl(settings, attr):
    copts, linkopts = handler_link_options(attr.linkage, settings[_COPT], settings[_LINKOPT])
    return {_COPT: copts, _LINKOPT: linkopts}

handler_linkage = transition(
    implementation = _handler_linkage_impl,
    inputs = [_COPT, _LINKOPT],
    outputs = [_COPT, _LINKOPT],
)
