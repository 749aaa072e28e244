// Streaming SHA-256 (OpenSSL EVP). A Sha256 object is not thread-safe; the free functions are.
#ifndef FNSEAL_CORE_SHA256_H_
#define FNSEAL_CORE_SHA256_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/io.h"
#include "core/status.h"

namespace fnseal {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  void Update(const void* data, size_t size);
  // Returns the 32-byte digest and resets the object for reuse.
  std::string Finish();
  // As Finish(), as 64 lowercase hex characters.
  std::string FinishHex();

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// SHA-256 of a sequence of messages, computed on a thread of its own so that the caller can
// go on reading and compressing meanwhile. One producer thread uses it: fill Space(), Add()
// what it wrote to the current message, EndMessage() after each message, then Finish().
// Memory is a fixed pool of buffers that the producer fills back to back, so many small
// messages share one buffer; Space() blocks while every buffer waits to be hashed.
class Sha256Pipeline {
 public:
  Sha256Pipeline(size_t buffers = 8, size_t buffer_size = 512 * 1024);
  ~Sha256Pipeline();  // stops the thread, dropping unhashed work
  Sha256Pipeline(const Sha256Pipeline&) = delete;
  Sha256Pipeline& operator=(const Sha256Pipeline&) = delete;

  // Where to write the next bytes; *capacity receives how many fit there (at least a quarter of
  // a buffer, at most a whole one).
  char* Space(size_t* capacity);
  // Queues the first `n` (<= capacity) bytes written at the last Space() as the next bytes of
  // the current message. They stay readable by the caller until its next Space() call.
  void Add(size_t n);
  // Queues `bytes`, copied through the pool.
  void Add(std::string_view bytes);
  // Ends the current message.
  void EndMessage();
  // Waits for the queued work; returns each ended message's lowercase hex digest, in order.
  // Call once, last.
  std::vector<std::string> Finish();

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// Hashes and counts the bytes written, passing them on to `next` (or dropping them when it is
// null), and keeps the first `keep` of them (none by default) for callers that also look at the
// start of what they hash.
class HashingSink : public ByteSink {
 public:
  explicit HashingSink(ByteSink* next = nullptr, size_t keep = 0) : next_(next), keep_(keep) {}
  Status Write(std::string_view bytes) override {
    hash_.Update(bytes);
    size_ += bytes.size();
    if (kept_.size() < keep_) kept_.append(bytes.substr(0, keep_ - kept_.size()));
    return next_ != nullptr ? next_->Write(bytes) : OkStatus();
  }
  // Lowercase hex sha256 of everything written; call once, after the last Write.
  std::string FinishHex() { return hash_.FinishHex(); }
  uint64_t size() const { return size_; }
  const std::string& kept() const { return kept_; }

 private:
  ByteSink* next_;
  size_t keep_;
  Sha256 hash_;
  uint64_t size_ = 0;
  std::string kept_;
};

// Lowercase hex sha256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// Lowercase hex sha256 of the file at `path`, read in chunks (constant memory).
Result<std::string> Sha256FileHex(const std::string& path);

}  // namespace fnseal

#endif  // FNSEAL_CORE_SHA256_H_
