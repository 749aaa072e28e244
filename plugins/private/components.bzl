"""The components aspect: licenses and shipped files, gathered over what a function ships.

serverless_function applies it to its handler, data and models and makes its own component and
the components file from what the aspect returns (function_components). It follows only the
attributes through which code and files reach the deployable (COMPONENT_ATTRS), never implicit
(`_`-prefixed) attributes, toolchains, or attributes built for the exec configuration, so
compilers, `malloc`, code generators and fnseal itself are not components.
"""

load("//plugins:providers.bzl", "FnComponentsInfo", "FnLicenseInfo", "ModelInfo")
load("@fnseal_toolchain_libraries//:defs.bzl", "STATIC_RUNTIME_LIBRARIES")
load(":checks.bzl", "components_json", "runtime_library_components")

# Attributes the aspect follows. All of them are target-configuration attributes in Bazel's and
# fnseal's rules; a target reached through one of them in the exec configuration is skipped too.
COMPONENT_ATTRS = ["handler", "deps", "implementation_deps", "data", "models", "datasets"]

def is_exec_configuration(bin_dir_path):
    """Whether outputs under bin_dir_path belong to the exec (or host) configuration.

    Args:
      bin_dir_path: ctx.bin_dir.path, e.g. "bazel-out/k8-opt-exec-2B5CBBC6/bin".

    Returns:
      True for exec and host configurations.
    """
    config = bin_dir_path.split("/")[1] if "/" in bin_dir_path else bin_dir_path
    return config == "host" or "-exec-" in config or config.endswith("-exec")

def license_of(attr):
    """The FnLicenseInfo that applies to a rule, from its attributes (ctx.rule.attr or ctx.attr), or None.

    In order: the `license` attribute of fnseal's rules, fn_license targets in `data`, then
    `applicable_licenses` (set on the target or by package(default_applicable_licenses)). Several
    licenses in the first place that has any are combined with AND.
    """
    dep = getattr(attr, "license", None)
    if type(dep) == "Target" and FnLicenseInfo in dep:
        return dep[FnLicenseInfo]
    for name in ["data", "applicable_licenses"]:
        found = [d[FnLicenseInfo] for d in (getattr(attr, name, None) or []) if type(d) == "Target" and FnLicenseInfo in d]
        if len(found) == 1:
            return found[0]
        if found:
            return combine_licenses(found)
    return None

def combine_licenses(licenses):
    """One FnLicenseInfo for a target under several licenses: their expressions joined with AND.

    Args:
      licenses: list of FnLicenseInfo, two or more.

    Returns:
      An FnLicenseInfo with the first one's package fields and every one's license texts.
    """
    first = licenses[0]
    texts = []
    for l in licenses:
        texts.extend([f for f in l.license_texts if f not in texts])
    return FnLicenseInfo(
        label = first.label,
        license = " AND ".join(["(%s)" % l.license for l in licenses]),
        copyright = "; ".join([l.copyright for l in licenses if l.copyright]),
        package_name = first.package_name,
        package_version = first.package_version,
        package_url = first.package_url,
        purl = first.purl,
        supplier = first.supplier,
        license_texts = texts,
    )

def _deps_of(attr):
    """The targets reached through the followed attributes of a rule (ctx.rule.attr or ctx.attr)."""
    deps = []
    for name in COMPONENT_ATTRS:
        value = getattr(attr, name, None)
        if type(value) == "Target":
            deps.append(value)
        elif type(value) == "list":
            deps.extend([v for v in value if type(v) == "Target"])
    return deps

def _component(label, model, lic, files, depends_on):
    """One component's JSON text (its files still keyed by exec path only)."""
    c = {
        "id": str(label),
        "kind": model.kind if model else "code",
        "name": (model.name if model else "") or (lic.package_name if lic else "") or label.name,
        "license": lic.license if lic else "NOASSERTION",
    }
    version = (model.version if model else "") or (lic.package_version if lic else "")
    if version:
        c["version"] = version
    if lic:
        if lic.copyright:
            c["copyright"] = lic.copyright
        if lic.package_url:
            c["url"] = lic.package_url
        if lic.purl:
            c["purl"] = lic.purl
        if lic.supplier:
            c["supplier"] = lic.supplier
        if lic.license_texts:
            c["licenseTexts"] = [{"name": f.basename, "path": f.path} for f in lic.license_texts]
    if model:
        if model.source_uri:
            c["sourceUri"] = model.source_uri
        if model.base_model:
            c["baseModel"] = model.base_model
        if model.datasets:
            c["datasets"] = model.datasets
    c["files"] = [{"path": f.path} for f in files]
    c["dependsOn"] = depends_on
    return json.encode(c)

def _components_aspect_impl(target, ctx):
    if FnComponentsInfo in target:
        return []  # a serverless_function makes its own
    if FnLicenseInfo in target or is_exec_configuration(ctx.bin_dir.path):
        return [FnComponentsInfo(id = "", components = depset(), inputs = depset(), unlicensed = depset())]
    attr = ctx.rule.attr
    deps = [d for d in _deps_of(attr) if FnComponentsInfo in d]
    model = target[ModelInfo] if ModelInfo in target else None
    lic = model.license if model else license_of(attr)

    # What this target itself ships: its outputs, and the plain files (not rules) it lists in data.
    files = target[DefaultInfo].files.to_list()
    if model:
        files = model.files
    for dep in getattr(attr, "data", []) or []:
        if type(dep) == "Target" and FnComponentsInfo not in dep:
            files = files + dep[DefaultInfo].files.to_list()
    components, texts = _components_of(ctx.label, model, lic, files, deps)
    return [FnComponentsInfo(
        id = str(ctx.label),
        components = components,
        inputs = depset(files + texts, transitive = [d[FnComponentsInfo].inputs for d in deps]),
        unlicensed = _unlicensed(ctx.label, lic, deps),
    )]

def _unlicensed(label, lic, deps):
    """The depset of FnComponentsInfo.unlicensed: label when it has no license, and those below."""
    return depset([str(label)] if lic == None else [], transitive = [d[FnComponentsInfo].unlicensed for d in deps])

def _components_of(label, model, lic, files, deps, more_depends_on = []):
    """The component `label` shipping `files`, above the components of deps (and of more_depends_on ids).

    Returns:
      (depset of the component texts, this one's and those below; its license texts).
    """
    depends_on = [d[FnComponentsInfo].id for d in deps if d[FnComponentsInfo].id] + more_depends_on
    text = _component(label, model, lic, files, depends_on)
    components = depset([text], transitive = [d[FnComponentsInfo].components for d in deps])
    return components, (lic.license_texts if lic else [])

def function_components(ctx, function, own_libraries = [], output_name = None):
    """A serverless_function's own component over its handler's, data's and models' (the aspect's).

    Args:
      ctx: the serverless_function's rule context; its handler, data and models carry the aspect.
      function: its FunctionInfo.
      own_libraries: for linkage "closure", the shared libraries of the handler's runfiles: named
        lib/<file name> where a component lists them (the closure action drops those it does
        not ship).
      output_name: the components file's name; default `<name>.components.json`.

    Returns:
      (FnComponentsInfo, components file): the file is `<name>.components.json` (contract v1),
      components sorted by id, files sorted by name, each named by its path in the artifact and
      located by its exec path; only files that ship are listed, and the provider's inputs are
      those files and the license texts.
    """
    deps = [d for d in _deps_of(ctx.attr) if FnComponentsInfo in d]

    # The function's own files are those of its artifact that no component below it claims.
    below = depset(transitive = [d[FnComponentsInfo].inputs for d in deps]).to_list()
    claimed = {f.path: True for f in below}
    files = [f for _, f in function.placements if f.path not in claimed]
    # What a static link puts into the handler from the toolchain ships too.
    runtime, runtime_ids = [], []
    if function.linkage == "static":
        runtime, runtime_ids = runtime_library_components(STATIC_RUNTIME_LIBRARIES)
    lic = license_of(ctx.attr)
    components, texts = _components_of(ctx.label, None, lic, files, deps, runtime_ids)
    components = depset(runtime, transitive = [components])

    names = {function.handler.path: function.entrypoint}
    for name, f in function.placements:
        names[f.path] = name
    for f in own_libraries:
        names[f.path] = "lib/" + f.basename
    out = ctx.actions.declare_file(output_name or (ctx.label.name + ".components.json"))
    ctx.actions.write(out, components_json(function.name, str(ctx.label), components.to_list(), names))

    # The bundle reads only what ships and the license texts; other outputs of the components
    # (a cc_library's archives) need not be built for it.
    needed = files + texts + [f for f in below if f.path in names or f.is_source]
    return FnComponentsInfo(
        id = str(ctx.label),
        components = components,
        inputs = depset(needed),
        unlicensed = _unlicensed(ctx.label, lic, deps),
    ), out

components_aspect = aspect(
    implementation = _components_aspect_impl,
    doc = """Gathers the components a function ships (code, models, data sets), their licenses and files.

serverless_function applies it to its handler, data and models; from what it returns the function
writes `<name>.components.json` (the components file, contract v1) in the output group
`fnseal_components`. Targets that provide FnComponentsInfo themselves (serverless_function) are
left as they are.""",
    attr_aspects = COMPONENT_ATTRS,
)
