"""Providers that fnseal's rules return. Documented in docs/rules.md."""

FnLicenseInfo = provider(
    doc = "A license declaration made by fn_license: what a target or a package is licensed under.",
    fields = {
        "label": "Label: the fn_license target, for messages.",
        "license": "string: an SPDX license expression; LicenseRef- ids allowed; 'NOASSERTION' when unknown.",
        "copyright": "string: the copyright notice, or ''.",
        "package_name": "string: the name of the licensed package, or '' (the component's name is then used).",
        "package_version": "string: its version, or ''.",
        "package_url": "string: where the package comes from, or ''.",
        "purl": "string: the package's package URL (purl), or '' (fnseal then derives one where it can).",
        "supplier": "string: who supplies the package, or ''.",
        "license_texts": "list of File: the license texts shipped in the bundle under licenses/.",
    },
)

ModelInfo = provider(
    doc = "Model or data set files declared by model_artifact, with their license and origin.",
    fields = {
        "kind": "string: 'model' or 'dataset'.",
        "name": "string: the model's name (defaults to the target's name).",
        "version": "string: its version, or ''.",
        "license": "FnLicenseInfo: the model's license.",
        "source_uri": "string: where the files were obtained, or ''.",
        "base_model": "string: the model this one was derived from (a name or a label), or ''.",
        "datasets": "list of string: the labels of the dataset_artifact targets it was trained on.",
        "files": "list of File: the model's files, each checked against its expected sha256.",
        "checks": "list of File: the outputs of the digest checks; depending on them runs the checks.",
    },
)

FunctionInfo = provider(
    doc = "A serverless function packed into a hermetic artifact.",
    fields = {
        "name": "string: the function's name ([A-Za-z0-9._-]).",
        "artifact": "File: the deterministic tar holding the handler, its runfiles, data and models.",
        "handler": "File: the handler executable.",
        "entrypoint": "string: path inside the artifact of the executable that starts the function.",
        "runtime": "string: the runtime the function targets, e.g. 'provided.al2023'.",
        "version": "string: the function's version (its `version`, else its license's package_version, else '0.0.0').",
        "linkage": "string: how the handler is linked, 'static', 'closure' or 'dynamic' (serverless_function's `linkage`).",
        "closure": "File or None: for linkage 'closure', the closure file (docs/targets.md) the cloud targets take as option `closure`.",
        "closure_inputs": "depset of File: the shared objects the closure file may name (empty unless linkage is 'closure').",
        "memory_mb": "int: memory the function asks for in MB; 0 when not set (the platform's default).",
        "timeout_seconds": "int: the function's timeout in seconds; 0 when not set.",
        "environment": "dict of string to string: non-secret environment the function expects at deploy time.",
        "permissions": "list of string: the permissions the function declares it needs, e.g. 's3:GetObject'.",
        "placements": "list of (string, File): every file of the artifact but the handler: (path inside the artifact, file), sorted by path.",
        "inputs": "depset of File: every file packed into the artifact, recorded in provenance.",
        "components_file": "File: the components file (docs/sbom.md, v1) the bundle's SBOMs and license verdict are made from; also in the output group `fnseal_components`.",
    },
)

LicensePolicyInfo = provider(
    doc = "A license policy file written by license_policy (the format of docs/licensing.md).",
    fields = {
        "file": "File: the policy JSON.",
        "allows_undeclared": "bool: whether the policy allows a component with no license declared (NOASSERTION).",
    },
)

FnComponentsInfo = provider(
    doc = "What the components aspect gathered over a target and what it depends on, for the components file; a serverless_function returns its own (the whole function).",
    fields = {
        "id": "string: the component id of this target (its label), or '' when it is not a component.",
        "components": "depset of string: one JSON object per component (the components file's entries, before file names are mapped).",
        "inputs": "depset of File: the files the components name (shipped files and license texts).",
        "unlicensed": "depset of string: the labels of the components here and below with no license declared (NOASSERTION in the components file).",
    },
)
