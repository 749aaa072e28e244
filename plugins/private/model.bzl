"""model_artifact and dataset_artifact: files with a license, an origin and pinned digests."""

load("//plugins:providers.bzl", "FnLicenseInfo", "ModelInfo")
load(":checks.bzl", "check_sha256")

# Compares one file's sha256 (from `fnseal digest`) with the expected one; fails naming both.
_CHECK_SCRIPT = """\
set -eu
fnseal="$1"; file="$2"; expected="$3"; out="$4"
line=$("$fnseal" digest "$file")
actual=${line%% *}
if [ "$actual" != "$expected" ]; then
  echo "sha256 mismatch for $file: expected $expected, got $actual (declared in $5)" >&2
  exit 1
fi
printf '%s  %s\\n' "$actual" "$file" > "$out"
"""

def _artifact_impl(ctx, kind):
    files = ctx.files.srcs
    if not files:
        fail("%s: srcs is empty; list the %s's files" % (ctx.label, kind))
    by_path = {}
    for f in files:
        by_path[f.short_path] = f
    for key in ctx.attr.sha256.keys():
        if key not in by_path and not [f for f in files if f.basename == key]:
            fail("%s: sha256 names '%s', which is not one of srcs (%s)" %
                 (ctx.label, key, ", ".join(sorted(by_path.keys()))))
    checks = []
    for f in files:
        expected = ctx.attr.sha256.get(f.short_path, ctx.attr.sha256.get(f.basename, ""))
        if not expected:
            fail("%s: no expected sha256 for %s; add \"%s\": \"<sha256>\" to sha256 (`fnseal digest %s` prints it)" %
                 (ctx.label, f.short_path, f.basename, f.short_path))
        problem = check_sha256(expected)
        if problem:
            fail("%s: the sha256 of %s %s" % (ctx.label, f.short_path, problem))
        check = ctx.actions.declare_file("%s.sha256/%s" % (ctx.label.name, f.short_path))
        ctx.actions.run_shell(
            command = _CHECK_SCRIPT,
            arguments = [ctx.executable._fnseal.path, f.path, expected, check.path, str(ctx.label)],
            inputs = [f],
            tools = [ctx.executable._fnseal],
            outputs = [check],
            mnemonic = "FnsealCheckDigest",
            progress_message = "Checking the sha256 of %s" % f.short_path,
        )
        checks.append(check)
    datasets = []
    for d in getattr(ctx.attr, "datasets", []):
        if d[ModelInfo].kind != "dataset":
            fail("%s: datasets lists %s, a %s; list dataset_artifact targets" % (ctx.label, d.label, d[ModelInfo].kind))
        datasets.append(str(d.label))
        checks.extend(d[ModelInfo].checks)
    return [
        ModelInfo(
            kind = kind,
            name = ctx.attr.model_name or ctx.label.name,
            version = ctx.attr.version,
            license = ctx.attr.license[FnLicenseInfo],
            source_uri = ctx.attr.source_uri,
            base_model = getattr(ctx.attr, "base_model", ""),
            datasets = datasets,
            files = files,
            checks = checks,
        ),
        DefaultInfo(files = depset(files + checks), runfiles = ctx.runfiles(files = files)),
    ]

def _model_artifact_impl(ctx):
    return _artifact_impl(ctx, "model")

def _dataset_artifact_impl(ctx):
    return _artifact_impl(ctx, "dataset")

def _common_attrs(kind):
    return {
        "srcs": attr.label_list(
            doc = "The %s's files. They ship in the function like data files." % kind,
            allow_files = True,
            mandatory = True,
        ),
        "sha256": attr.string_dict(
            doc = ("Expected sha256 (64 lower-case hex digits) of every file in srcs, keyed by the file's " +
                   "workspace-relative path or its base name. The build fails naming the file, the expected " +
                   "and the actual digest when the bytes differ."),
            mandatory = True,
        ),
        "license": attr.label(
            doc = "The fn_license the %s is distributed under." % kind,
            mandatory = True,
            providers = [FnLicenseInfo],
        ),
        "model_name": attr.string(doc = "The %s's name in the SBOM; defaults to the target's name." % kind),
        "version": attr.string(doc = "The %s's version or revision." % kind),
        "source_uri": attr.string(doc = "Where the files come from, e.g. 'https://huggingface.co/org/name'."),
        "_fnseal": attr.label(
            doc = "The fnseal CLI, built for the exec configuration.",
            default = Label("//tools/fnseal"),
            executable = True,
            cfg = "exec",
        ),
    }

_model_attrs = _common_attrs("model")
_model_attrs.update({
    "base_model": attr.string(doc = "The model this one was fine-tuned or derived from: a name or a label."),
    "datasets": attr.label_list(
        doc = "The dataset_artifact targets the model was trained or tuned on.",
        providers = [ModelInfo],
    ),
})

model_artifact = rule(
    implementation = _model_artifact_impl,
    doc = """Model files with their license, origin and expected digests.

Every file's sha256 is checked by an action (mnemonic FnsealCheckDigest); a function that lists the
model in `models` depends on those checks, so a changed file fails the build. The model becomes a
`model` component of the function's SBOM, with its base model and data sets.""",
    attrs = _model_attrs,
)

dataset_artifact = rule(
    implementation = _dataset_artifact_impl,
    doc = """A data set a model was trained on: a `dataset` component of the SBOM.

Its files are checked like model_artifact's; they ship only if the data set is listed in a
function's `models` or `data` (usually it is only named by a model's `datasets`, so only its
identity, license and digests are recorded, not its files).""",
    attrs = _common_attrs("data set"),
)
