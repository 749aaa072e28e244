"""Public API of fnseal's Bazel rules.

    load("@fnseal//plugins:defs.bzl", "serverless_function", "function_bundle")

See docs/rules.md for every rule, attribute and provider.
"""

load("//plugins:providers.bzl", _FunctionInfo = "FunctionInfo")
load("//plugins/private:bundle.bzl", _function_bundle = "function_bundle")
load("//plugins/private:function.bzl", _serverless_function = "serverless_function")

FunctionInfo = _FunctionInfo
function_bundle = _function_bundle
serverless_function = _serverless_function
