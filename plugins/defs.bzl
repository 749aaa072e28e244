"""Public API of fnseal's Bazel rules.

    load("@fnseal//plugins:defs.bzl", "fn_license", "function_bundle", "license_policy",
         "model_artifact", "serverless_function")

See docs/rules.md for every rule, attribute and provider.
"""

load(
    "//plugins:providers.bzl",
    _FnComponentsInfo = "FnComponentsInfo",
    _FnLicenseInfo = "FnLicenseInfo",
    _FunctionInfo = "FunctionInfo",
    _LicensePolicyInfo = "LicensePolicyInfo",
    _ModelInfo = "ModelInfo",
)
load("//plugins/private:bundle.bzl", _fn_sign = "fn_sign", _function_bundle = "function_bundle")
load("//plugins/private:components.bzl", _components_aspect = "components_aspect")
load("//plugins/private:function.bzl", _serverless_function = "serverless_function")
load("//plugins/private:license.bzl", _fn_license = "fn_license")
load("//plugins/private:model.bzl", _dataset_artifact = "dataset_artifact", _model_artifact = "model_artifact")
load("//plugins/private:policy.bzl", _license_policy = "license_policy")

FnComponentsInfo = _FnComponentsInfo
FnLicenseInfo = _FnLicenseInfo
FunctionInfo = _FunctionInfo
LicensePolicyInfo = _LicensePolicyInfo
ModelInfo = _ModelInfo

components_aspect = _components_aspect
dataset_artifact = _dataset_artifact
fn_license = _fn_license
fn_sign = _fn_sign
function_bundle = _function_bundle
license_policy = _license_policy
model_artifact = _model_artifact
serverless_function = _serverless_function
