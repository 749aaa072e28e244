"""Compiler options of every fnseal C++ target, so that it builds under anyone's flags.

A repository that loads @fnseal builds fnseal's sources with its own flags: with Bazel's
auto-configured toolchain that means `-std=c++0x`. fnseal is C++17 and says so on each target
rather than through .bazelrc, which a consumer does not read. Warnings-as-errors stays in
fnseal's .bazelrc: a consumer's newer compiler must not fail on a new warning.
"""

FNSEAL_COPTS = ["-std=c++17"]
