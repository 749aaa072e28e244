// Progress on stderr for long CLI work (packing, bundling, unpacking). It is shown only when
// stderr is a terminal and the command is not --quiet, so logs, pipes and machine-readable
// output never see it. One line, rewritten at most ten times a second and cleared at the end.
// Not thread-safe: one Progress per command, used from one thread.
#ifndef FNSEAL_TOOLS_FNSEAL_PROGRESS_H_
#define FNSEAL_TOOLS_FNSEAL_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/io.h"
#include "core/status.h"

namespace fnseal::cli {

class Progress {
 public:
  // `what` names the work ("packing out.tar.zst"); `total` is the byte count at 100%, or 0 when
  // unknown (then only the bytes done are shown). `quiet` turns it off.
  Progress(std::string what, uint64_t total, bool quiet);
  ~Progress() { Finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  void Advance(uint64_t bytes);
  // Clears the line; call it before printing a result to a terminal. Idempotent.
  void Finish();

 private:
  void Draw();

  std::string what_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  bool enabled_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

// Forwards every write to `inner` (not owned) and counts it into `progress`.
class ProgressSink : public ByteSink {
 public:
  ProgressSink(ByteSink* inner, Progress* progress) : inner_(inner), progress_(progress) {}
  Status Write(std::string_view bytes) override;

 private:
  ByteSink* inner_;
  Progress* progress_;
};

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_PROGRESS_H_
