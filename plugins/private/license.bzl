"""fn_license: a license declaration that targets and packages point at."""

load("//plugins:providers.bzl", "FnLicenseInfo")
load(":checks.bzl", "check_license_expression", "check_license_ids")

def _fn_license_impl(ctx):
    problem = check_license_expression(ctx.attr.license)
    if problem:
        fail("%s: license '%s' %s" % (ctx.label, ctx.attr.license, problem))
    problem = check_license_ids(ctx.attr.license)
    if problem:
        fail("%s: license '%s': %s" % (ctx.label, ctx.attr.license, problem))
    if ctx.attr.license.startswith("LicenseRef-") and not ctx.files.license_texts:
        fail("%s: license '%s' is not on the SPDX list, so its text is needed: set license_texts" %
             (ctx.label, ctx.attr.license))
    return [
        FnLicenseInfo(
            label = ctx.label,
            license = ctx.attr.license,
            copyright = ctx.attr.copyright,
            package_name = ctx.attr.package_name,
            package_version = ctx.attr.package_version,
            package_url = ctx.attr.package_url,
            purl = ctx.attr.purl,
            supplier = ctx.attr.supplier,
            license_texts = ctx.files.license_texts,
        ),
        # Nothing in DefaultInfo: a license listed in a target's data must not ship as a run-time file.
        DefaultInfo(files = depset()),
    ]

_fn_license = rule(
    implementation = _fn_license_impl,
    doc = """A license declaration: an SPDX license expression (or a LicenseRef- with its text), copyright
and the licensed package's name, version and URL.

Point at it from a target with `applicable_licenses = [":license"]`, from a whole package with
`package(default_applicable_licenses = [":license"])` (both work in Bazel 4.2.3 without flags),
from a target's `data` (ships nothing), or from the `license` attribute of fnseal's own rules.
The macro of the same name sets the declaration's own `applicable_licenses = []`, so a package
default does not apply to the license itself. See docs/rules.md.""",
    attrs = {
        "license": attr.string(
            doc = "An SPDX license expression, e.g. 'MIT' or 'Apache-2.0 OR MIT'; LicenseRef-<id> for other licenses.",
            mandatory = True,
        ),
        "license_texts": attr.label_list(
            doc = "Files with the license text (LICENSE, COPYING...); required for a LicenseRef- license.",
            allow_files = True,
        ),
        "copyright": attr.string(doc = "The copyright notice, e.g. 'Copyright 2026 Example Corp'."),
        "package_name": attr.string(doc = "Name of the licensed package; defaults to the component's name."),
        "package_version": attr.string(doc = "Version of the licensed package."),
        "package_url": attr.string(doc = "Where the package comes from (home page or download URL)."),
        "supplier": attr.string(doc = "Who supplies the package (an organization or person)."),
        "purl": attr.string(doc = "The package's package URL (purl), e.g. 'pkg:npm/left-pad@1.3.0'; checked by the components file's parser. Without one, fnseal derives a purl where it can (docs/sbom.md, \"Package URLs\")."),
    },
)

def fn_license(name, **kwargs):
    """A license declaration; see the rule's documentation above.

    The license itself carries no license: `applicable_licenses = []` keeps a package's
    default_applicable_licenses from pointing the declaration at itself (a dependency cycle).

    Args:
      name: the target's name.
      **kwargs: the rule's attributes (license, license_texts, copyright, package_name,
        package_version, package_url, purl, supplier) and common ones (visibility, tags...).
    """
    _fn_license(name = name, applicable_licenses = [], **kwargs)
