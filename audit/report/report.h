// The audit report: one self-contained HTML page about everything in an audit store - functions,
// licenses by category, models and data sets, signers and keys, refused bundles - and the
// provenance chain of one bundle drawn as SVG. No scripts and no network: a Content-Security-
// Policy forbids every fetch, so the page shows the same thing wherever it is opened. Every
// number on it carries a data-metric attribute, so a test (or a script) can read it back.
#ifndef FNSEAL_AUDIT_REPORT_REPORT_H_
#define FNSEAL_AUDIT_REPORT_REPORT_H_

#include <cstdint>
#include <string>

#include "audit/store/store.h"
#include "core/status.h"

namespace fnseal {

struct ReportOptions {
  std::string chain_bundle;   // the bundle whose chain is drawn; empty: the last one ingested
  int64_t generated_at = 0;   // shown on the page (seconds since the epoch)
};

// The page. NotFound when `chain_bundle` is not stored; an empty store gives a page that says so.
Result<std::string> RenderAuditReport(AuditStore* store, const ReportOptions& options);

// `text` with &, <, >, " and ' escaped for HTML and XML text and attributes.
std::string EscapeHtml(std::string_view text);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_REPORT_REPORT_H_
