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
    asserts.equals(env, ["LicenseRef-fnseal-BigScience-OpenRAIL-M"], policy["allow"])
    asserts.false(env, "categories" in policy)
    return analysistest.end(env)

policy_info_test = analysistest.make(_policy_info_test_impl)

# --- bundle actions --------------------------------------------------------------------------

def _bundle_argv(env):
    bundle = _actions(env, "FnsealBundle")
    asserts.equals(env, 1, len(bundle))
    return bundle[0]

def _bundle_actions_test_impl(ctx):
    env = analysistest.begin(ctx)
    packs = _actions(env, "FnsealPackTarget")
    targets = sorted([_flag_values(a.argv, "--target")[0] for a in packs])
    asserts.equals(env, ["aws_lambda", "azure_functions", "oci_image"], targets)
    for a in packs:
        target = _flag_values(a.argv, "--target")[0]
        asserts.equals(env, ["http"], _flag_values(a.argv, "--function"))
        asserts.equals(env, ["256"] if target == "aws_lambda" else [], _flag_values(a.argv, "--memory"))
        asserts.equals(env, [] if target == "oci_image" else ["30"], _flag_values(a.argv, "--timeout"))
        asserts.equals(env, ["auth_level=anonymous"] if target == "azure_functions" else [], _flag_values(a.argv, "--target-option"))
    oci = [a for a in packs if _flag_values(a.argv, "--target") == ["oci_image"]][0]
    asserts.true(env, _flag_values(oci.argv, "--output")[0].endswith("/http_bundle.deployables/oci_image.tar"))

    bundle = _bundle_argv(env)
    argv = bundle.argv
    deployables = sorted(_flag_values(argv, "--deployable"))
    asserts.equals(env, 3, len(deployables))
    asserts.true(env, deployables[0].startswith("aws_lambda=") and deployables[0].endswith("/aws_lambda.zip"), deployables[0])
    asserts.true(env, deployables[1].startswith("azure_functions=") and deployables[1].endswith("/azure_functions.zip"), deployables[1])
    asserts.true(env, deployables[2].startswith("oci_image=") and deployables[2].endswith("/oci_image.tar"), deployables[2])
    components = _flag_values(argv, "--components")
    asserts.equals(env, 1, len(components))
    asserts.true(env, components[0].endswith("examples/http/http.components.json"), components[0])
    asserts.true(env, _flag_values(argv, "--license-policy")[0].endswith("examples/policy.policy.json"))
    asserts.equals(env, [], _flag_values(argv, "--workspace-status"), "unstamped by default")
    inputs = [f.path for f in bundle.inputs.to_list()]
    for path in [components[0]] + [d.split("=", 1)[1] for d in deployables]:
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
    packs = _actions(env, "FnsealPackTarget")
    asserts.equals(env, [["azure_functions"]], [_flag_values(a.argv, "--target") for a in packs])
    asserts.equals(env, [["handler"]], [_flag_values(a.argv, "--handler-name") for a in packs])
    asserts.equals(env, 1, len(_flag_values(_bundle_argv(env).argv, "--deployable")))
    asserts.equals(env, [], _flag_values(_bundle_argv(env).argv, "--license-policy"))
    return analysistest.end(env)

one_target_test = analysistest.make(_one_target_test_impl)

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
