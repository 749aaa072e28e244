"""Analysis tests of fnseal's rules: providers, actions and their arguments, failure messages."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//plugins:providers.bzl", "FnLicenseInfo", "FunctionInfo", "LicensePolicyInfo", "ModelInfo")

def _flag_values(argv, flag):
    """The values given to `flag` in argv (["--x", "v"] pairs)."""
    return [argv[i + 1] for i in range(len(argv) - 1) if argv[i] == flag]

def _actions(env, mnemonic):
    return [a for a in analysistest.target_actions(env) if a.mnemonic == mnemonic]

# --- providers -------------------------------------------------------------------------------

def _function_info_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[FunctionInfo]
    asserts.equals(env, "http", info.name)
    asserts.equals(env, "bootstrap", info.entrypoint)
    asserts.equals(env, "provided.al2023", info.runtime)
    asserts.equals(env, "static", info.linkage)
    asserts.equals(env, "1.0.0", info.version)
    asserts.equals(env, 256, info.memory_mb)
    asserts.equals(env, 30, info.timeout_seconds)
    asserts.equals(env, {"LOG_LEVEL": "info"}, info.environment)
    asserts.equals(env, ["logs:CreateLogStream", "logs:PutLogEvents"], info.permissions)
    asserts.equals(env, "handler", info.handler.basename)
    asserts.equals(env, "http.tar", info.artifact.basename)
    pack = _actions(env, "FnsealPack")
    asserts.equals(env, 1, len(pack))
    return analysistest.end(env)

function_info_test = analysistest.make(_function_info_test_impl)

def _model_function_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[FunctionInfo]
    asserts.equals(env, ["model/tiny-sentiment.json"], [name for name, _ in info.placements])
    pack = _actions(env, "FnsealPack")[0]
    inputs = [f.basename for f in pack.inputs.to_list()]

    # The pack action waits for the digest checks of the model and of its data set.
    asserts.true(env, "tiny-sentiment.json" in inputs, "model file is an input: %s" % inputs)
    checks = [f for f in pack.inputs.to_list() if ".sha256/" in f.path]
    asserts.equals(env, 2, len(checks), "digest checks among the inputs: %s" % checks)
    return analysistest.end(env)

model_function_test = analysistest.make(_model_function_test_impl)

def _model_info_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[ModelInfo]
    asserts.equals(env, "model", info.kind)
    asserts.equals(env, "tiny-sentiment", info.name)
    asserts.equals(env, "distilbert-base-uncased", info.base_model)
    asserts.equals(env, ["//examples/sentiment:sst2_sample"], info.datasets)
    asserts.equals(env, "LicenseRef-fnseal-BigScience-OpenRAIL-M", info.license.license)
    checks = _actions(env, "FnsealCheckDigest")
    asserts.equals(env, 1, len(checks))
    asserts.true(env, "563d45071e53e19106e377edca5f9e8677463fcb1de53e2c4ed4038cdce7aa7d" in checks[0].argv)
    return analysistest.end(env)

model_info_test = analysistest.make(_model_info_test_impl)

def _license_info_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[FnLicenseInfo]
    asserts.equals(env, "Zlib", info.license)
    asserts.equals(env, "adler32", info.package_name)
    asserts.equals(env, "1.2.0", info.package_version)
    asserts.equals(env, ["LICENSE"], [f.basename for f in info.license_texts])
    return analysistest.end(env)

license_info_test = analysistest.make(_license_info_test_impl)

def _policy_info_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[LicensePolicyInfo]
    asserts.equals(env, "policy.policy.json", info.file.basename)
    writes = [a for a in analysistest.target_actions(env) if a.mnemonic == "FileWrite"]
    asserts.equals(env, 1, len(writes))
    policy = json.decode(writes[0].content)
    asserts.equals(env, 1, policy["version"])
    asserts.equals(env, ["permissive"], policy["allowCategories"])
    asserts.equals(env, ["GPL-3.0-or-later WITH GCC-exception-3.1", "LGPL-2.1-or-later", "LicenseRef-fnseal-BigScience-OpenRAIL-M"], policy["allow"])
    asserts.false(env, "categories" in policy)
    asserts.false(env, info.allows_undeclared, "permissive only: a component without a license is denied")
    return analysistest.end(env)

policy_info_test = analysistest.make(_policy_info_test_impl)

# --- bundle actions --------------------------------------------------------------------------

def _bundle_argv(env):
    bundle = _actions(env, "FnsealBundle")
    asserts.equals(env, 1, len(bundle))
    return bundle[0]

def _bundle_actions_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.equals(env, [], _actions(env, "FnsealPackTarget"), "the deployables are made in the bundle action")
    bundle = _bundle_argv(env)
    argv = bundle.argv
    deploys = sorted(_flag_values(argv, "--deploy"))
    asserts.equals(env, 3, len(deploys))
    asserts.true(env, deploys[0].startswith("aws_lambda=") and deploys[0].endswith("/http_bundle.deployables/aws_lambda.zip"), deploys[0])
    asserts.true(env, deploys[1].startswith("azure_functions=") and deploys[1].endswith("/azure_functions.zip"), deploys[1])
    asserts.true(env, deploys[2].startswith("oci_image=") and deploys[2].endswith("/http_bundle.deployables/oci_image.tar"), deploys[2])
    outputs = sorted([f.path for f in bundle.outputs.to_list()])
    asserts.equals(env, sorted([d.split("=", 1)[1] for d in deploys] + _flag_values(argv, "--output")), outputs)
    asserts.equals(env, [], _flag_values(argv, "--deployable"))
    asserts.equals(env, ["http"], _flag_values(argv, "--name"))
    asserts.equals(env, ["256"], _flag_values(argv, "--memory"))
    asserts.equals(env, ["30"], _flag_values(argv, "--timeout"))
    # The OCI image is named <function>:<version>, the version from the function's fn_license.
    asserts.equals(env, ["azure_functions:auth_level=anonymous", "oci_image:version=1.0.0"], _flag_values(argv, "--deploy-option"))
    asserts.equals(env, 1, len(_flag_values(argv, "--handler")))
    configuration = _flag_values(argv, "--configuration")
    asserts.equals(env, ["compilationMode=", "cpu="], [c.split("=", 1)[0] + "=" for c in configuration])
    toolchains = _flag_values(argv, "--toolchain")
    asserts.equals(env, 1, len(toolchains))
    asserts.true(env, toolchains[0].startswith("cc=") and len(toolchains[0]) > 3, toolchains)
    tool_digests = _flag_values(argv, "--tool-digests")
    asserts.equals(env, 1, len(tool_digests), "the fnseal and compiler digests come from the tool_digests target")
    asserts.true(env, tool_digests[0].endswith("plugins/private/tool_digests.json"), tool_digests)
    asserts.true(env, "compilationMode=fastbuild" in configuration or "compilationMode=opt" in configuration or "compilationMode=dbg" in configuration, configuration)
    components = _flag_values(argv, "--components")
    asserts.equals(env, 1, len(components))
    asserts.true(env, components[0].endswith("examples/http/http.components.json"), components[0])
    asserts.true(env, _flag_values(argv, "--license-policy")[0].endswith("examples/policy.policy.json"))
    asserts.equals(env, [], _flag_values(argv, "--workspace-status"), "unstamped by default")
    inputs = [f.path for f in bundle.inputs.to_list()]
    for path in [components[0], tool_digests[0]] + _flag_values(argv, "--handler") + [f.split("=", 1)[1] for f in _flag_values(argv, "--file")]:
        asserts.true(env, path in inputs, "%s is an input of the bundle action" % path)
    return analysistest.end(env)

bundle_actions_test = analysistest.make(_bundle_actions_test_impl)

def _stamped_bundle_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = _bundle_argv(env).argv
    status = _flag_values(argv, "--workspace-status")
    asserts.equals(env, 1, len(status))
    asserts.true(env, status[0].endswith("stable-status.txt"), status[0])
    return analysistest.end(env)

stamped_bundle_test = analysistest.make(_stamped_bundle_test_impl)

# --stamp with stamp = -1 stamps too.
stamp_flag_bundle_test = analysistest.make(_stamped_bundle_test_impl, config_settings = {"//command_line_option:stamp": True})

def _unstamped_bundle_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.equals(env, [], _flag_values(_bundle_argv(env).argv, "--workspace-status"))
    return analysistest.end(env)

# stamp = 0 wins over --stamp.
unstamped_bundle_test = analysistest.make(_unstamped_bundle_test_impl, config_settings = {"//command_line_option:stamp": True})

def _one_target_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = _bundle_argv(env).argv
    asserts.equals(env, ["azure_functions"], [d.split("=", 1)[0] for d in _flag_values(argv, "--deploy")])
    asserts.equals(env, ["handler"], _flag_values(argv, "--entrypoint"))
    asserts.equals(env, [], _flag_values(argv, "--memory"), "azure_functions takes no memory setting")
    asserts.equals(env, [], _flag_values(argv, "--license-policy"))
    return analysistest.end(env)

one_target_test = analysistest.make(_one_target_test_impl)

def _policy_judges_undeclared_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = _bundle_argv(env).argv
    asserts.equals(env, 1, len(_flag_values(argv, "--license-policy")), "the policy, not the analysis, judges NOASSERTION")
    return analysistest.end(env)

# A bundle with an undeclared license whose policy allows it: the analysis passes it to fnseal.
policy_judges_undeclared_test = analysistest.make(_policy_judges_undeclared_test_impl)

# --- failure messages ------------------------------------------------------------------------

def _failure_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, ctx.attr.expected)
    return analysistest.end(env)

# A target whose analysis must fail with a message containing `expected`.
failure_test = analysistest.make(
    _failure_test_impl,
    expect_failure = True,
    attrs = {"expected": attr.string(doc = "A fragment of the failure message.", mandatory = True)},
)
