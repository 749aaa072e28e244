#include "core/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "core/c_handles.h"
#include "core/encoding.h"
#include "core/io.h"

namespace fnseal {

struct Sha256::Rep {
  CHandle<EVP_MD_CTX, EVP_MD_CTX_free> ctx{EVP_MD_CTX_new()};
};

namespace {
// SHA-256 through EVP only fails on allocation failure; there is nothing sensible to return.
void CheckOrAbort(int rc) {
  if (rc != 1) std::abort();
}
}  // namespace

Sha256::Sha256() : rep_(std::make_unique<Rep>()) {
  if (rep_->ctx == nullptr) std::abort();
  CheckOrAbort(EVP_DigestInit_ex(rep_->ctx.get(), EVP_sha256(), nullptr));
}

Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }

void Sha256::Update(const void* data, size_t size) {
  if (size == 0) return;
  CheckOrAbort(EVP_DigestUpdate(rep_->ctx.get(), data, size));
}

std::string Sha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  CheckOrAbort(EVP_DigestFinal_ex(rep_->ctx.get(), digest, &length));
  CheckOrAbort(EVP_DigestInit_ex(rep_->ctx.get(), EVP_sha256(), nullptr));
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string Sha256::FinishHex() { return HexEncode(Finish()); }

struct Sha256Pipeline::Rep {
  // One queued piece of work: bytes of a pool buffer, or the end of a message.
  struct Item {
    size_t buffer;
    size_t size;
    bool end;
  };

  size_t buffer_size;
  std::vector<std::unique_ptr<char[]>> pool;
  std::mutex mutex;
  std::condition_variable changed;   // an item was queued, a buffer freed, or stop was set
  std::deque<Item> queue;            // guarded by mutex
  std::vector<size_t> free_buffers;  // guarded by mutex
  std::vector<std::string> digests;  // written by the thread; read after it drained the queue
  bool stop = false;                 // guarded by mutex
  size_t current = 0;                // the producer's buffer, from its last Buffer() call
  bool holding = false;              // the producer holds `current` (unqueued)
  std::thread thread;

  void Run() {
    Sha256 hash;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return stop || !queue.empty(); });
      if (queue.empty()) return;  // stop, and everything queued is done
      Item item = queue.front();
      queue.pop_front();
      lock.unlock();
      if (item.end) {
        digests.push_back(hash.FinishHex());
      } else {
        hash.Update(pool[item.buffer].get(), item.size);
      }
      lock.lock();
      if (!item.end) free_buffers.push_back(item.buffer);
      changed.notify_all();
    }
  }

  void Push(Item item) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      queue.push_back(item);
    }
    changed.notify_all();
  }
};

Sha256Pipeline::Sha256Pipeline(size_t buffers, size_t buffer_size) : rep_(std::make_unique<Rep>()) {
  if (buffers == 0 || buffer_size == 0) std::abort();
  rep_->buffer_size = buffer_size;
  for (size_t i = 0; i < buffers; ++i) {
    rep_->pool.push_back(std::make_unique<char[]>(buffer_size));
    rep_->free_buffers.push_back(i);
  }
  rep_->thread = std::thread([rep = rep_.get()] { rep->Run(); });
}

Sha256Pipeline::~Sha256Pipeline() {
  {
    std::lock_guard<std::mutex> lock(rep_->mutex);
    rep_->stop = true;
    rep_->queue.clear();
  }
  rep_->changed.notify_all();
  if (rep_->thread.joinable()) rep_->thread.join();
}

size_t Sha256Pipeline::buffer_size() const { return rep_->buffer_size; }

char* Sha256Pipeline::Buffer() {
  Rep& r = *rep_;
  if (!r.holding) {
    std::unique_lock<std::mutex> lock(r.mutex);
    r.changed.wait(lock, [&] { return !r.free_buffers.empty(); });
    r.current = r.free_buffers.back();
    r.free_buffers.pop_back();
    r.holding = true;
  }
  return r.pool[r.current].get();
}

void Sha256Pipeline::Add(size_t n) {
  Rep& r = *rep_;
  if (!r.holding || n > r.buffer_size) std::abort();  // a caller bug, not an input error
  if (n == 0) return;                                 // keep the buffer for the next Buffer() call
  r.holding = false;
  r.Push({r.current, n, false});
}

void Sha256Pipeline::Add(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t n = std::min(bytes.size(), rep_->buffer_size);
    std::memcpy(Buffer(), bytes.data(), n);
    Add(n);
    bytes.remove_prefix(n);
  }
}

void Sha256Pipeline::EndMessage() { rep_->Push({0, 0, true}); }

std::vector<std::string> Sha256Pipeline::Finish() {
  Rep& r = *rep_;
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    r.stop = true;  // the thread drains the queue, then returns
  }
  r.changed.notify_all();
  r.thread.join();
  return std::move(r.digests);
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.FinishHex();
}

Result<std::string> Sha256FileHex(const std::string& path) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  Sha256 h;
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    h.Update(buffer.data(), n);
  }
  return h.FinishHex();
}

}  // namespace fnseal
