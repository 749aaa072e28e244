"""Unit tests of the Starlark helpers of fnseal's rules (bazel-skylib unittest)."""

load("@bazel_skylib//lib:unittest.bzl", "asserts", "unittest")
load("//plugins/private:checks.bzl", "check_license_expression", "check_license_ids", "check_sha256", "check_targets", "components_json", "policy_allows_undeclared", "policy_json", "runfiles_path", "stamp_enabled", "suggest_exception_id", "suggest_license_id", "undeclared_license_message")
load("//plugins/private:components.bzl", "is_exec_configuration")
load("//plugins/private:paths.bzl", "artifact_path")

def _license_expression_test(ctx):
    env = unittest.begin(ctx)
    asserts.equals(env, "", check_license_expression("MIT"))
    asserts.equals(env, "", check_license_expression("(Apache-2.0 OR MIT) AND LicenseRef-fnseal-OpenRAIL-M"))
    asserts.equals(env, "", check_license_expression("GPL-2.0+ WITH Classpath-exception-2.0"))
    asserts.equals(env, "is empty", check_license_expression("  "))
    asserts.equals(env, "has unbalanced parentheses", check_license_expression("(MIT"))
    asserts.equals(env, "has unbalanced parentheses", check_license_expression("MIT)("))
    asserts.equals(env, "has the character ',', which no SPDX expression has", check_license_expression("MIT, BSD"))
    return unittest.end(env)

def _license_ids_test(ctx):
    env = unittest.begin(ctx)
    for known in ["MIT", "mit", "GPL-2.0+ WITH Classpath-exception-2.0", "(Apache-2.0 or MIT) AND LicenseRef-acme",
                  "LicenseRef-fnseal-Llama-3.1", "NOASSERTION", "MIT WITH AdditionRef-x", "DocumentRef-d:LicenseRef-x"]:
        asserts.equals(env, "", check_license_ids(known), known)
    asserts.equals(env, "unknown license id 'Apache2.0'; did you mean Apache-2.0?", check_license_ids("MIT OR Apache2.0"))
    asserts.equals(env, "unknown license id 'Foo' (use LicenseRef-... for licenses not on the SPDX list)", check_license_ids("Foo"))
    asserts.equals(env, "unknown exception id 'LLVM-exeption'; did you mean LLVM-exception?", check_license_ids("Apache-2.0 WITH LLVM-exeption"))
    asserts.equals(env, "unknown license id 'LicenseRef-fnseal-Llama3.1'; did you mean LicenseRef-fnseal-Llama-3.1?", check_license_ids("LicenseRef-fnseal-Llama3.1"))
    asserts.equals(env, "", check_license_ids("LicenseRef-fnseal-OpenRAIL-M"))  # another license, not a misspelling
    asserts.equals(env, "has the operator 'And', which must be all upper or all lower case", check_license_ids("MIT And ISC"))

    # The same suggestions as fnseal's (provenance/licenses/suggest_test.cc).
    for typo, meant in [
        ("Apache2.0", "Apache-2.0"),
        ("apache_2.0", "Apache-2.0"),
        ("BSD3-Clause", "BSD-3-Clause"),
        ("MTI", "MIT"),
        ("Apache-2.1", "Apache-2.0"),
        ("LGPL-2.1-or-latr", "LGPL-2.1-or-later"),
        ("GPL-2.0-onl", "GPL-2.0-only"),
        ("Llama-3.1", "LicenseRef-fnseal-Llama-3.1"),
        ("LicenseRef-fnseal-llama-3.1", "LicenseRef-fnseal-Llama-3.1"),
        ("Foo", ""),
        ("LicenseRef-acme-eula", ""),
    ]:
        asserts.equals(env, meant, suggest_license_id(typo), typo)
    asserts.equals(env, "LLVM-exception", suggest_exception_id("LLVM-exeption"))
    asserts.equals(env, "Classpath-exception-2.0", suggest_exception_id("classpath-exception2.0"))
    asserts.equals(env, "", suggest_exception_id("Foo-exception"))
    return unittest.end(env)

def _sha256_test(ctx):
    env = unittest.begin(ctx)
    asserts.equals(env, "", check_sha256("a" * 64))
    asserts.equals(env, "is 63 characters long, not 64", check_sha256("a" * 63))
    asserts.equals(env, "has 'A'; write 64 lower-case hex digits", check_sha256("A" * 64))
    return unittest.end(env)

def _targets_test(ctx):
    env = unittest.begin(ctx)
    asserts.equals(env, "", check_targets(["aws_lambda", "oci_image", "azure_functions"], "bootstrap"))
    asserts.equals(env, "", check_targets(["azure_functions"], "handler"))
    asserts.equals(
        env,
        "unknown cloud target 'gcp_functions': use one of aws_lambda, azure_functions, oci_image (see `fnseal targets`)",
        check_targets(["aws_lambda", "gcp_functions"], "bootstrap"),
    )
    asserts.equals(env, "cloud target 'oci_image' is listed twice: list each target once", check_targets(["oci_image", "oci_image"], "bootstrap"))
    asserts.true(env, "set entrypoint = \"bootstrap\"" in check_targets(["aws_lambda"], "run"))
    return unittest.end(env)

def _stamp_test(ctx):
    env = unittest.begin(ctx)
    asserts.true(env, stamp_enabled(1, False))
    asserts.false(env, stamp_enabled(0, True))
    asserts.true(env, stamp_enabled(-1, True))
    asserts.false(env, stamp_enabled(-1, False))
    return unittest.end(env)

def _paths_test(ctx):
    env = unittest.begin(ctx)
    own = struct(short_path = "examples/hello/greeting.txt")
    other = struct(short_path = "examples/shared/words.txt")
    external = struct(short_path = "../zlib/LICENSE")
    asserts.equals(env, "greeting.txt", artifact_path(own, "examples/hello"))
    asserts.equals(env, "examples/shared/words.txt", artifact_path(other, "examples/hello"))
    asserts.equals(env, "external/zlib/LICENSE", artifact_path(external, "examples/hello"))
    asserts.equals(env, "fnseal/examples/hello/greeting.txt", runfiles_path(own, "fnseal"))
    asserts.equals(env, "zlib/LICENSE", runfiles_path(external, "fnseal"))
    asserts.true(env, is_exec_configuration("bazel-out/k8-opt-exec-2B5CBBC6/bin"))
    asserts.true(env, is_exec_configuration("bazel-out/host/bin"))
    asserts.false(env, is_exec_configuration("bazel-out/k8-fastbuild/bin"))
    asserts.false(env, is_exec_configuration("bazel-out/k8-fastbuild-asan/bin"))
    return unittest.end(env)

def _policy_test(ctx):
    env = unittest.begin(ctx)
    text, error = policy_json(["MIT"], ["AGPL-3.0-only"], ["permissive"], ["non-commercial"], [], {"LicenseRef-b": "proprietary", "LicenseRef-a": "permissive"})
    asserts.equals(env, "", error)
    asserts.equals(env, {
        "version": 1,
        "allow": ["MIT"],
        "deny": ["AGPL-3.0-only"],
        "allowCategories": ["permissive"],
        "denyCategories": ["non-commercial"],
        "categories": {"LicenseRef-a": "permissive", "LicenseRef-b": "proprietary"},
    }, json.decode(text))
    asserts.true(env, text.index("LicenseRef-a") < text.index("LicenseRef-b"))
    asserts.equals(env, "needs allow or allow_categories: a policy that allows nothing would deny every component", policy_json([], ["MIT"], [], [], [], {})[1])
    asserts.equals(env, "unknown category 'free': use one of permissive, weak-copyleft, strong-copyleft, non-commercial, proprietary, unknown", policy_json([], [], ["free"], [], [], {})[1])
    asserts.equals(env, "license 'MIT' is both allowed and denied", policy_json(["MIT"], ["MIT"], [], [], [], {})[1])
    asserts.equals(env, "category 'unknown' is both allowed and denied", policy_json([], [], ["unknown"], ["unknown"], [], {})[1])
    asserts.equals(env, "allow[1] 'Apache2.0': unknown license id 'Apache2.0'; did you mean Apache-2.0?", policy_json(["MIT", "Apache2.0"], [], [], [], [], {})[1])
    asserts.equals(
        env,
        "deny[0] 'LicenseRef-fnseal-Llama3.1': unknown license id 'LicenseRef-fnseal-Llama3.1'; did you mean LicenseRef-fnseal-Llama-3.1?",
        policy_json(["MIT"], ["LicenseRef-fnseal-Llama3.1"], [], [], [], {})[1],
    )
    asserts.false(env, policy_allows_undeclared(["MIT"], [], ["permissive"], []))
    asserts.true(env, policy_allows_undeclared(["MIT"], [], ["unknown"], []))
    asserts.false(env, policy_allows_undeclared([], [], ["unknown"], ["unknown"]))
    asserts.true(env, policy_allows_undeclared(["NOASSERTION"], [], [], ["unknown"]))
    asserts.false(env, policy_allows_undeclared([], ["NOASSERTION"], ["unknown"], []))
    asserts.equals(
        env,
        "no license declared for //a:x, //b:y; add fn_license or default_applicable_licenses",
        undeclared_license_message(["//b:y", "//a:x"]),
    )
    asserts.equals(env, "accepted_exceptions[0]: unknown exception id 'LLVM-exeption'; did you mean LLVM-exception?", policy_json(["MIT"], [], [], [], ["LLVM-exeption"], {})[1])
    return unittest.end(env)

def _components_test(ctx):
    env = unittest.begin(ctx)
    entries = [
        json.encode({"id": "//b:lib", "kind": "code", "name": "lib", "license": "Zlib", "files": [{"path": "bazel-out/b/liblib.a"}], "dependsOn": []}),
        json.encode({"id": "//a:fn", "kind": "code", "name": "fn", "license": "MIT", "files": [{"path": "a/z.txt"}, {"path": "a/b.txt"}], "dependsOn": ["//b:lib", "//b:lib", "//gone:x"]}),
    ]
    text = components_json("fn", "//a:fn", entries, {"a/z.txt": "z.txt", "a/b.txt": "b.txt"})
    asserts.equals(env, {
        "fnsealComponents": 1,
        "function": "fn",
        "root": "//a:fn",
        "components": [
            {"id": "//a:fn", "kind": "code", "name": "fn", "license": "MIT", "files": [{"name": "b.txt", "path": "a/b.txt"}, {"name": "z.txt", "path": "a/z.txt"}], "dependsOn": ["//b:lib"]},
            {"id": "//b:lib", "kind": "code", "name": "lib", "license": "Zlib"},
        ],
    }, json.decode(text))

    # The same entries in another order give the same bytes.
    asserts.equals(env, text, components_json("fn", "//a:fn", [entries[1], entries[0]], {"a/b.txt": "b.txt", "a/z.txt": "z.txt"}))
    return unittest.end(env)

license_expression_test = unittest.make(_license_expression_test)
license_ids_test = unittest.make(_license_ids_test)
sha256_test = unittest.make(_sha256_test)
targets_test = unittest.make(_targets_test)
stamp_test = unittest.make(_stamp_test)
paths_test = unittest.make(_paths_test)
policy_test = unittest.make(_policy_test)
components_test = unittest.make(_components_test)

def helpers_test_suite(name):
    """All helper unit tests, as one test_suite."""
    unittest.suite(
        name,
        license_expression_test,
        license_ids_test,
        sha256_test,
        targets_test,
        stamp_test,
        paths_test,
        policy_test,
        components_test,
    )
