"""license_policy: which licenses a bundle may ship, as a policy file for `fnseal bundle`."""

load("//plugins:providers.bzl", "LicensePolicyInfo")
load(":checks.bzl", "policy_allows_undeclared", "policy_json")

def _license_policy_impl(ctx):
    text, error = policy_json(
        allow = ctx.attr.allow,
        deny = ctx.attr.deny,
        allow_categories = ctx.attr.allow_categories,
        deny_categories = ctx.attr.deny_categories,
        accepted_exceptions = ctx.attr.accepted_exceptions,
        categories = ctx.attr.categories,
    )
    if error:
        fail("%s: %s" % (ctx.label, error))
    policy = ctx.actions.declare_file(ctx.label.name + ".policy.json")
    ctx.actions.write(policy, text)
    allows_undeclared = policy_allows_undeclared(ctx.attr.allow, ctx.attr.deny, ctx.attr.allow_categories, ctx.attr.deny_categories)
    return [LicensePolicyInfo(file = policy, allows_undeclared = allows_undeclared), DefaultInfo(files = depset([policy]))]

license_policy = rule(
    implementation = _license_policy_impl,
    doc = """A license policy (docs/licensing.md) written to `<name>.policy.json`.

A function_bundle with `license_policy` judges every component of the function against it; a
denied component fails the build with `license policy violation: component '<label>': license
'<expression>' is denied (<the rule that decided>)`.""",
    attrs = {
        "allow": attr.string_list(
            doc = "Single licenses allowed: an SPDX id, 'id+', 'id-or-later', 'id WITH exception', a LicenseRef-, NONE or NOASSERTION.",
        ),
        "deny": attr.string_list(doc = "Single licenses denied, written like allow; deny wins over everything."),
        "allow_categories": attr.string_list(
            doc = "Categories allowed: permissive, weak-copyleft, strong-copyleft, non-commercial, proprietary, unknown.",
        ),
        "deny_categories": attr.string_list(doc = "Categories denied; checked after allow and deny entries."),
        "accepted_exceptions": attr.string_list(doc = "Exception ids (or AdditionRef-s) accepted on any allowed license."),
        "categories": attr.string_dict(
            doc = "The policy's own category for a LicenseRef- or SPDX id, e.g. {'LicenseRef-acme': 'proprietary'}.",
        ),
    },
)
