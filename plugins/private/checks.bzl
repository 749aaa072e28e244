"""Pure helpers of fnseal's rules: checks and text they compute at analysis time.

They take and return plain values (no ctx), so tests/rules/helpers_test.bzl unit-tests them.
"""

load(
    ":license_ids.bzl",
    "MODEL_LICENSES",
    "SPDX_DEPRECATED_EXCEPTIONS",
    "SPDX_DEPRECATED_LICENSES",
    "SPDX_EXCEPTIONS",
    "SPDX_LICENSES",
)

# What the rules need to know of the cloud targets `fnseal pack --target` knows
# (plugins/clouds/registry.cc), in bundle order: the deployable's file ending (oci_image writes
# its image layout as one tar), whether the target takes the function's memory and timeout, and
# whether it runs the handler at /bootstrap and allows no other name.
# //tests/rules:cloud_target_facts_test checks the names, their order, the extension, memory and
# timeout against `fnseal targets --json` (output kind, max_memory_mb, max_timeout_seconds).
CLOUD_TARGETS = {
    "aws_lambda": struct(extension = "zip", memory = True, timeout = True, bootstrap = True),
    "azure_functions": struct(extension = "zip", memory = False, timeout = True, bootstrap = False),
    "oci_image": struct(extension = "tar", memory = False, timeout = False, bootstrap = True),
}

KNOWN_TARGETS = list(CLOUD_TARGETS.keys())

def cloud_target_facts_json():
    """CLOUD_TARGETS as JSON, for the test that ties them to `fnseal targets --json`.

    Returns:
      A JSON array of {name, extension, memory, timeout}, in bundle order.
    """
    return json.encode([
        {"name": name, "extension": f.extension, "memory": f.memory, "timeout": f.timeout}
        for name, f in CLOUD_TARGETS.items()
    ])

# Policy categories of docs/licensing.md.
LICENSE_CATEGORIES = ["permissive", "weak-copyleft", "strong-copyleft", "non-commercial", "proprietary", "unknown"]

_LICENSE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.+:() \t"
_HEX = "0123456789abcdef"

def check_license_expression(expression):
    """A quick analysis-time check of a license expression; fnseal parses it fully when bundling.

    Args:
      expression: the expression as written in BUILD.

    Returns:
      "" when it may be valid, else why it is not (e.g. "has unbalanced parentheses").
    """
    if not expression.strip():
        return "is empty"
    for c in expression.elems():
        if c not in _LICENSE_CHARS:
            return "has the character '%s', which no SPDX expression has" % c
    depth = 0
    for c in expression.elems():
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return "has unbalanced parentheses"
    if depth != 0:
        return "has unbalanced parentheses"
    return ""

def _squeeze(s):
    """Lower-case letters and digits only: ids that differ only in case and punctuation match."""
    return "".join([c for c in s.lower().elems() if c.isalnum()])

def _candidates(ids, compare_prefix = ""):
    """(id, compared text) pairs; compare_prefix is cut from the compared text."""
    return [(i, i[len(compare_prefix):]) for i in ids]

# Suggestion candidates in fnseal's order (provenance/licenses/suggest.h): current ids, then
# deprecated ones, then the model catalogue, whose ids are also matched without their prefix.
_MODEL_PREFIX = "LicenseRef-fnseal-"
_LICENSE_CANDIDATES = (_candidates(SPDX_LICENSES) + _candidates(SPDX_DEPRECATED_LICENSES) +
                       _candidates(MODEL_LICENSES) + _candidates(MODEL_LICENSES, _MODEL_PREFIX))
_EXCEPTION_CANDIDATES = _candidates(SPDX_EXCEPTIONS) + _candidates(SPDX_DEPRECATED_EXCEPTIONS)
_LICENSES = {i.lower(): i for i in SPDX_LICENSES + SPDX_DEPRECATED_LICENSES}
_EXCEPTIONS = {i.lower(): i for i in SPDX_EXCEPTIONS + SPDX_DEPRECATED_EXCEPTIONS}
_MODELS = {i: True for i in MODEL_LICENSES}

def _distance(a, b, limit):
    """Optimal string alignment distance of a and b, or limit + 1 when it is larger."""
    n, m = len(a), len(b)
    if (n - m if n > m else m - n) > limit:
        return limit + 1
    before = None
    previous = list(range(m + 1))
    for i in range(1, n + 1):
        current = [i] + [0] * m
        for j in range(1, m + 1):
            d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (0 if a[i - 1] == b[j - 1] else 1))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d = min(d, before[j - 2] + 1)
            current[j] = d
        before = previous
        previous = current
    return min(previous[m], limit + 1)

def _common_prefix(a, b):
    n = 0
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            break
        n += 1
    return n

def _closest(id, candidates):
    """The candidate id closest to id, as fnseal's SuggestLicenseId finds it, or ""."""
    if not id or len(id) > 100:
        return ""
    squeezed = _squeeze(id)
    for candidate, compare in candidates:
        if squeezed and _squeeze(compare) == squeezed:
            return candidate
    limit = 1 if len(id) < 16 else 2
    lower = id.lower()
    best, best_distance, best_prefix = "", limit + 1, 0
    for candidate, compare in candidates:
        other = compare.lower()
        distance = _distance(lower, other, limit)
        prefix = _common_prefix(lower, other)
        if distance < best_distance or (distance == best_distance and distance <= limit and prefix > best_prefix):
            best, best_distance, best_prefix = candidate, distance, prefix
    return best

def suggest_license_id(id):
    """The SPDX license id or catalogued model license id closest to an unknown id, or ""."""
    return _closest(id, _LICENSE_CANDIDATES)

def suggest_exception_id(id):
    """The SPDX exception id closest to an unknown id, or ""."""
    return _closest(id, _EXCEPTION_CANDIDATES)

def _unknown(kind, id, suggestion, otherwise = ""):
    if suggestion:
        return "unknown %s id '%s'; did you mean %s?" % (kind, id, suggestion)
    return "unknown %s id '%s'%s" % (kind, id, otherwise)

def _check_ref(ref):
    """A LicenseRef- that spells a catalogued model license differently only in case and punctuation."""
    if ref in _MODELS:
        return ""
    squeezed = _squeeze(ref)
    for m in MODEL_LICENSES:
        if _squeeze(m) == squeezed:
            return _unknown("license", ref, m)
    return ""

def check_license_ids(expression):
    """Checks every id of a license expression against the SPDX lists and the model catalogue.

    The ids and suggestions are those of `fnseal license parse` (license_ids.bzl is generated
    from the same data); the grammar is left to fnseal, which parses the expression when bundling.

    Args:
      expression: the expression as written in BUILD.

    Returns:
      "" when every id is known, else the first unknown id and, when one is close, the id meant:
      "unknown license id 'Apache2.0'; did you mean Apache-2.0?".
    """
    after_with = False
    words = expression.replace("(", " ").replace(")", " ").replace("\t", " ").split(" ")
    for word in [w for w in words if w]:
        if word.lower() in ["and", "or", "with"]:
            if word != word.upper() and word != word.lower():
                return "has the operator '%s', which must be all upper or all lower case" % word
            after_with = word.lower() == "with"
            continue
        if after_with:
            after_with = False
            if "AdditionRef-" in word or word.lower() in _EXCEPTIONS:
                continue
            return _unknown("exception", word, suggest_exception_id(word))
        if word in ["NONE", "NOASSERTION"]:
            continue
        if word.startswith("LicenseRef-") or word.startswith("DocumentRef-"):
            problem = _check_ref(word)
            if problem:
                return problem
            continue
        if word.lower() in _LICENSES or (word.endswith("+") and word[:-1].lower() in _LICENSES):
            continue
        return _unknown("license", word, suggest_license_id(word), " (use LicenseRef-... for licenses not on the SPDX list)")
    return ""

def check_sha256(digest):
    """Checks an expected sha256.

    Args:
      digest: the digest as written in BUILD.

    Returns:
      "" when it is 64 lower-case hex digits, else what is wrong.
    """
    if len(digest) != 64:
        return "is %d characters long, not 64" % len(digest)
    for c in digest.elems():
        if c not in _HEX:
            return "has '%s'; write 64 lower-case hex digits" % c
    return ""

def check_targets(targets, entrypoint):
    """Checks a function_bundle's cloud targets.

    Args:
      targets: list of target names.
      entrypoint: the function's entrypoint.

    Returns:
      "" when they are fine, else an error that names the target and the fix.
    """
    seen = {}
    for t in targets:
        if t not in KNOWN_TARGETS:
            return "unknown cloud target '%s': use one of %s (see `fnseal targets`)" % (t, ", ".join(KNOWN_TARGETS))
        if t in seen:
            return "cloud target '%s' is listed twice: list each target once" % t
        seen[t] = True
        if CLOUD_TARGETS[t].bootstrap and entrypoint != "bootstrap":
            return ("cloud target '%s' runs the handler as 'bootstrap', but the function's entrypoint is '%s': " +
                    "set entrypoint = \"bootstrap\" on the serverless_function or drop the target") % (t, entrypoint)
    return ""

def stamp_enabled(stamp, stamp_flag):
    """Whether a rule stamps, with cc_binary's meaning of the `stamp` attribute.

    Args:
      stamp: 1 (always), 0 (never) or -1 (follow --stamp).
      stamp_flag: the value of --stamp.

    Returns:
      True when the build is to be stamped.
    """
    if stamp == 1:
        return True
    if stamp == 0:
        return False
    return stamp_flag

def runfiles_path(file, workspace_name):
    """Path of a runfile under a binary's runfiles directory (<binary>.runfiles/<this path>).

    Args:
      file: the File.
      workspace_name: the main repository's name (ctx.workspace_name).

    Returns:
      "<repository>/<path>", as Bazel lays out runfiles trees.
    """
    path = file.short_path
    if path.startswith("../"):
        return path[3:]
    return workspace_name + "/" + path

def policy_json(allow, deny, allow_categories, deny_categories, accepted_exceptions, categories):
    """The JSON text of a license policy (docs/licensing.md), lists in the order given.

    Args:
      allow: list of single licenses allowed.
      deny: list of single licenses denied.
      allow_categories: list of category names allowed.
      deny_categories: list of category names denied.
      accepted_exceptions: list of exception ids accepted on allowed licenses.
      categories: dict of license id to category: the policy's own classification.

    Returns:
      (json_text, error): error is "" or why the policy is invalid.
    """
    if not allow and not allow_categories:
        return ("", "needs allow or allow_categories: a policy that allows nothing would deny every component")
    for c in allow_categories + deny_categories + categories.values():
        if c not in LICENSE_CATEGORIES:
            return ("", "unknown category '%s': use one of %s" % (c, ", ".join(LICENSE_CATEGORIES)))
    for c in allow_categories:
        if c in deny_categories:
            return ("", "category '%s' is both allowed and denied" % c)
    for l in allow:
        if l in deny:
            return ("", "license '%s' is both allowed and denied" % l)
    for field, entries in [("allow", allow), ("deny", deny)]:
        for i, entry in enumerate(entries):
            problem = check_license_ids(entry)
            if problem:
                return ("", "%s[%d] '%s': %s" % (field, i, entry, problem))
    for i, exception in enumerate(accepted_exceptions):
        if "AdditionRef-" not in exception and exception.lower() not in _EXCEPTIONS:
            return ("", "accepted_exceptions[%d]: %s" % (i, _unknown("exception", exception, suggest_exception_id(exception))))
    policy = {"version": 1, "allow": allow}
    if deny:
        policy["deny"] = deny
    if allow_categories:
        policy["allowCategories"] = allow_categories
    if deny_categories:
        policy["denyCategories"] = deny_categories
    if accepted_exceptions:
        policy["acceptedExceptions"] = accepted_exceptions
    if categories:
        policy["categories"] = {k: categories[k] for k in sorted(categories.keys())}
    return (json.encode_indent(policy, indent = "  ") + "\n", "")

def policy_allows_undeclared(allow, deny, allow_categories, deny_categories):
    """Whether a policy allows NOASSERTION, a component's license when none is declared.

    Rules apply in fnseal's order (docs/licensing.md): deny entries, allow entries, then
    denyCategories and allowCategories; NOASSERTION is in the `unknown` category.

    Returns:
      True when such a component passes the policy.
    """
    if "NOASSERTION" in deny:
        return False
    if "NOASSERTION" in allow:
        return True
    return "unknown" not in deny_categories and "unknown" in allow_categories

def undeclared_license_message(labels):
    """The error or warning for components with no license declared.

    Args:
      labels: their labels, as strings.

    Returns:
      "no license declared for //x:y, ...; add fn_license or default_applicable_licenses".
    """
    return "no license declared for %s; add fn_license or default_applicable_licenses" % ", ".join(sorted(labels))

def components_json(function_name, root, components, names):
    """The components file (components contract v1) from the aspect's component entries.

    Args:
      function_name: the function's name.
      root: the id of the function's own component.
      components: list of JSON texts, one component each, with "files" as [{"path": exec path}].
      names: dict of exec path to the file's path in the deployable; files missing from it do not
        ship and are left out.

    Returns:
      The file's text: components sorted by id, each one's files sorted by name.
    """
    by_id = {}
    for text in components:
        c = json.decode(text)
        by_id[c["id"]] = c
    entries = []
    for id in sorted(by_id.keys()):
        c = by_id[id]
        files = {}
        for f in c.pop("files", []):
            if f["path"] in names:
                files[names[f["path"]]] = {"name": names[f["path"]], "path": f["path"]}
        if files:
            c["files"] = [files[n] for n in sorted(files.keys())]
        deps = [d for d in c.pop("dependsOn", []) if d in by_id and d != id]
        if deps:
            c["dependsOn"] = sorted({d: True for d in deps}.keys())
        entries.append(c)
    return json.encode_indent({
        "fnsealComponents": 1,
        "function": function_name,
        "root": root,
        "components": entries,
    }, indent = "  ") + "\n"

def debian_purl(package, version, arch):
    """The package URL of a Debian binary package, or "" without a package and version.

    Args:
      package: the binary package's name, e.g. "libstdc++-12-dev".
      version: its version, e.g. "12.2.0-14+deb12u1".
      arch: its architecture as dpkg reports it ("amd64", "all"), or "" when unknown: the
        qualifier is then left out, not guessed.

    Returns:
      "pkg:deb/debian/<package>@<version>[?arch=<arch>]" in canonical form (docs/sbom.md): a '+'
      in the name is percent-encoded; Debian names, versions and architectures hold no other
      character that needs it.
    """
    if not package or not version:
        return ""
    purl = "pkg:deb/debian/%s@%s" % (package.replace("+", "%2B"), version)
    return purl + ("?arch=" + arch if arch else "")

def runtime_library_components(libraries):
    """Components (JSON texts) for the toolchain libraries a static link puts into a handler.

    Args:
      libraries: STATIC_RUNTIME_LIBRARIES of @fnseal_toolchain_libraries: dicts with name,
        archives, license, package, version, source_package and arch.

    Returns:
      (list of component JSON texts, list of their ids). Ids are "toolchain:<library>"; when the
      package manager knew the package that owns the archives, the name and version are that
      package's ("libc6-dev", "2.36-9+deb12u14") and the supplier is Debian, else the name is the
      library's; with a version, the component's purl is the Debian package's (debian_purl).
    """
    texts = []
    ids = []
    for library in libraries:
        id = "toolchain:" + library["name"]
        c = {
            "id": id,
            "kind": "code",
            "name": library["package"] or library["name"],
            "license": library["license"],
        }
        if library["package"]:
            c["supplier"] = "Debian"
            if library["version"]:
                c["version"] = library["version"]
            purl = debian_purl(library["package"], library["version"], library.get("arch", ""))
            if purl:
                c["purl"] = purl
        c["files"] = []
        c["dependsOn"] = []
        texts.append(json.encode(c))
        ids.append(id)
    return texts, ids
