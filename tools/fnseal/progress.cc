#include "tools/fnseal/progress.h"

#include <unistd.h>

#include <cstdio>

namespace fnseal::cli {
namespace {

std::string Mebibytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

}  // namespace

Progress::Progress(std::string what, uint64_t total, bool quiet)
    : what_(std::move(what)), total_(total), enabled_(!quiet && ::isatty(STDERR_FILENO) == 1) {}

void Progress::Finish() {
  if (drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
  enabled_ = false;
}

void Progress::Advance(uint64_t bytes) {
  if (!enabled_) return;
  done_ += bytes;
  const auto now = std::chrono::steady_clock::now();
  const bool finished = total_ != 0 && done_ >= total_;
  if (drawn_ && !finished && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw();
}

void Progress::Draw() {
  std::string line = what_ + ": " + Mebibytes(done_);
  if (total_ != 0) {
    const uint64_t percent = done_ >= total_ ? 100 : done_ * 100 / total_;
    line += " of " + Mebibytes(total_) + " (" + std::to_string(percent) + "%)";
  }
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

Status ProgressSink::Write(std::string_view bytes) {
  RETURN_IF_ERROR(inner_->Write(bytes));
  progress_->Advance(bytes.size());
  return OkStatus();
}

}  // namespace fnseal::cli
