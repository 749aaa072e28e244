"""The external repositories fnseal needs, for fnseal's own WORKSPACE and for any that loads it.

    local_repository(name = "fnseal", path = "...")

    load("@fnseal//:repositories.bzl", "fnseal_dependencies")

    fnseal_dependencies()

Everything is local, so a build never reaches the network: the rules_cc, rules_java and
remote_coverage_tools shims in third_party/shims/ stand in for repositories that Bazel 4.2.3
would otherwise download, platforms and bazel_skylib come from Debian's bazel-platforms and
bazel-skylib packages, and fnseal_toolchain_libraries describes the C and C++ runtime libraries
a statically linked handler takes from the toolchain. A repository the caller declared before
calling fnseal_dependencies() is left as it is.
"""

load("//plugins/private:toolchain_libraries.bzl", "fnseal_toolchain_libraries")

def _shim_repository_impl(rctx):
    shims = rctx.path(Label("//third_party:BUILD.bazel")).dirname.get_child("shims")
    shim = shims.get_child(rctx.attr.shim)
    if not shim.exists:
        fail("fnseal has no shim '%s' in %s" % (rctx.attr.shim, shims))
    for child in shim.readdir():
        rctx.symlink(child, child.basename)

_shim_repository = repository_rule(
    implementation = _shim_repository_impl,
    doc = "One of fnseal's offline stand-ins (third_party/shims/<shim>), wherever fnseal is checked out.",
    attrs = {
        "shim": attr.string(
            doc = "The directory under third_party/shims/.",
            mandatory = True,
        ),
    },
)

# Where Debian's bazel-platforms and bazel-skylib packages install their repositories.
_DEBIAN_BAZEL_TOOLS = "/usr/share/bazel/tools/"

def _declared(name):
    return native.existing_rule(name) != None

def fnseal_dependencies():
    """Declares the repositories fnseal's rules, tools and tests need, unless already declared."""
    for shim in ["rules_cc", "rules_java", "remote_coverage_tools"]:
        if not _declared(shim):
            _shim_repository(name = shim, shim = shim)
    if not _declared("platforms"):
        native.local_repository(name = "platforms", path = _DEBIAN_BAZEL_TOOLS + "platforms")
    if not _declared("bazel_skylib"):
        native.local_repository(name = "bazel_skylib", path = _DEBIAN_BAZEL_TOOLS + "skylib")
    if not _declared("fnseal_toolchain_libraries"):
        fnseal_toolchain_libraries(name = "fnseal_toolchain_libraries")
