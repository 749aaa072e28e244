"""Providers that fnseal's rules return. Documented in docs/rules.md."""

FunctionInfo = provider(
    doc = "A serverless function packed into a hermetic artifact.",
    fields = {
        "name": "string: the function's name ([A-Za-z0-9._-]).",
        "artifact": "File: the deterministic tar holding the handler and its data files.",
        "entrypoint": "string: path inside the artifact of the executable that starts the function.",
        "runtime": "string: the runtime the function targets, e.g. 'provided.al2023'.",
        "inputs": "depset of File: every file packed into the artifact, recorded in provenance.",
    },
)
