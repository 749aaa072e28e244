"""The C and C++ runtime libraries a handler takes from the toolchain, static or shared.

A statically linked handler carries glibc's libc.a and libm.a, libstdc++.a and libgcc inside its
executable; a handler linked with its closure ships the shared objects (libstdc++.so.6, and for
an image from scratch libc.so.6 and the loader). What ships is a component of the function's
SBOM with its license and origin, and the license policy judges it. This repository rule finds
them once per workspace: it asks the C compiler where each file is (`cc -print-file-name=`) and
the package manager which package owns it, in which version (`dpkg-query`), and writes what it
found as constants. The shared objects are linked into the repository as `shared/<soname>`
(target `:shared_libraries`), so that a Bazel action can resolve a closure against them. On a
system without dpkg the origin is left empty and the components say only the license.
"""

# The archives a static C++ link can take from the toolchain, by the library they belong to.
_ARCHIVES = {
    "glibc": ["libc.a", "libm.a"],
    "libstdc++": ["libstdc++.a"],
    "libgcc": ["libgcc.a", "libgcc_eh.a"],
}

# The shared objects a closure can take from the toolchain, by library: glibc's (the loader under
# its x86-64 or AArch64 name, whichever the compiler finds), GCC's C++ runtime and libgcc_s.
_SHARED_OBJECTS = {
    "glibc": [
        "libc.so.6",
        "libm.so.6",
        "libdl.so.2",
        "libpthread.so.0",
        "librt.so.1",
        "libresolv.so.2",
        "libutil.so.1",
        "libanl.so.1",
        "ld-linux-x86-64.so.2",
        "ld-linux-aarch64.so.1",
    ],
    "libstdc++": ["libstdc++.so.6"],
    "libgcc": ["libgcc_s.so.1"],
}

# Their licenses, by library (what the projects state: glibc is LGPL-2.1-or-later; GCC's runtime
# libraries are GPL-3.0-or-later with the GCC Runtime Library Exception 3.1).
_LICENSES = {
    "glibc": "LGPL-2.1-or-later",
    "libstdc++": "GPL-3.0-or-later WITH GCC-exception-3.1",
    "libgcc": "GPL-3.0-or-later WITH GCC-exception-3.1",
}

def _run(rctx, args):
    """stdout of a command, stripped, or "" when it fails."""
    result = rctx.execute(args, quiet = True)
    return result.stdout.strip() if result.return_code == 0 else ""

def _origin(rctx, path):
    """(package, version, source package, architecture) owning `path`, or ("", "", "", "")."""
    owner = _run(rctx, ["dpkg-query", "-S", path])
    if not owner and path.startswith("/usr/"):
        owner = _run(rctx, ["dpkg-query", "-S", path[len("/usr"):]])  # merged /usr: dpkg knows /lib/...
    if not owner or ":" not in owner:
        return ("", "", "", "")
    package = owner.split(": ")[0].split(",")[0].strip()
    fields = _run(rctx, ["dpkg-query", "-W", "-f=${Version}\t${source:Package}\t${Architecture}", package])
    if fields.count("\t") != 2:
        return (package.split(":")[0], "", "", "")
    version, source, arch = fields.split("\t")
    return (package.split(":")[0], version, source, arch)  # "libc6-dev:amd64" -> "libc6-dev"

def _shared_objects(rctx, cc):
    """SHARED_RUNTIME_LIBRARIES entries; links each file found into the repository as shared/<soname>."""
    found = []
    for library in sorted(_SHARED_OBJECTS.keys()):
        for soname in _SHARED_OBJECTS[library]:
            path = _run(rctx, [cc, "-print-file-name=" + soname])
            if not path or not path.startswith("/") or not rctx.path(path).exists:
                continue
            real = _run(rctx, ["realpath", path]) or path
            package, version, source, arch = _origin(rctx, real)
            rctx.symlink(real, "shared/" + soname)
            found.append({
                "soname": soname,
                "library": library,
                "path": "shared/" + soname,
                "license": _LICENSES[library],
                "package": package,
                "version": version,
                "source_package": source,
                "arch": arch,
            })
    return found

def _toolchain_libraries_impl(rctx):
    cc = rctx.os.environ.get("CC", "gcc")
    libraries = []
    for library in sorted(_ARCHIVES.keys()):
        archives = []
        package = ""
        version = ""
        source = ""
        arch = ""
        for archive in _ARCHIVES[library]:
            path = _run(rctx, [cc, "-print-file-name=" + archive])
            if not path or not path.startswith("/") or not rctx.path(path).exists:
                continue  # the compiler does not know it: not part of this toolchain
            real = _run(rctx, ["realpath", path]) or path
            archives.append(archive)
            if not package:
                package, version, source, arch = _origin(rctx, real)
        if archives:
            libraries.append({
                "name": library,
                "archives": archives,
                "license": _LICENSES[library],
                "package": package,
                "version": version,
                "source_package": source,
                "arch": arch,
            })
    shared = _shared_objects(rctx, cc)
    rctx.file("BUILD.bazel", "\n".join([
        'exports_files(["defs.bzl"])',
        "",
        "# The toolchain's shared objects (SHARED_RUNTIME_LIBRARIES), for closure actions.",
        "filegroup(",
        '    name = "shared_libraries",',
        "    srcs = " + json.encode([s["path"] for s in shared]) + ",",
        '    visibility = ["//visibility:public"],',
        ")",
        "",
    ]))
    rctx.file("defs.bzl", "\n".join([
        '"""Generated by @fnseal//plugins/private:toolchain_libraries.bzl; do not edit."""',
        "",
        "# The toolchain's C and C++ runtime libraries, found when this repository was made.",
        "STATIC_RUNTIME_LIBRARIES = " + json.encode_indent(libraries, indent = "    "),
        "",
        "# The toolchain's shared objects: soname, library, path (in this repository), license and",
        "# the Debian package, version, source package and architecture that own the file.",
        "SHARED_RUNTIME_LIBRARIES = " + json.encode_indent(shared, indent = "    "),
        "",
    ]))

fnseal_toolchain_libraries = repository_rule(
    implementation = _toolchain_libraries_impl,
    doc = "Finds the toolchain's C and C++ runtime libraries (archives and shared objects) and the packages that own them.",
    environ = ["CC", "PATH"],
    local = True,
)
