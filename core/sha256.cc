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
  // One queued piece of work, done in order: hash bytes of a buffer, end a message, or give a
  // filled buffer back to the pool.
  struct Item {
    enum Kind { kBytes, kEnd, kRelease } kind;
    size_t buffer;
    size_t offset;
    size_t size;
  };

  size_t buffer_size;
  std::vector<std::unique_ptr<char[]>> pool;
  std::mutex mutex;
  std::condition_variable work;      // the thread waits here for items or stop
  std::condition_variable freed;     // the producer waits here for a free buffer
  std::deque<Item> queue;            // guarded by mutex
  std::vector<size_t> free_buffers;  // guarded by mutex
  bool stop = false;                 // guarded by mutex
  bool thread_waiting = false;       // guarded by mutex
  bool producer_waiting = false;     // guarded by mutex
  std::vector<std::string> digests;  // written by the thread; read after it was joined
  // The producer's side: the buffer it fills and how much of it is queued.
  bool holding = false;
  size_t current = 0;
  size_t used = 0;
  size_t last_capacity = 0;
  std::thread thread;

  void Run() {
    Sha256 hash;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      thread_waiting = true;
      work.wait(lock, [&] { return stop || !queue.empty(); });
      thread_waiting = false;
      if (queue.empty()) return;  // stopped, and everything queued is done
      // Take every queued item at once, so the producer's pushes rarely need to wake us.
      std::deque<Item> batch;
      batch.swap(queue);
      lock.unlock();
      std::vector<size_t> released;
      for (const Item& item : batch) {
        if (item.kind == Item::kBytes) {
          hash.Update(pool[item.buffer].get() + item.offset, item.size);
        } else if (item.kind == Item::kEnd) {
          digests.push_back(hash.FinishHex());
        } else {
          released.push_back(item.buffer);
        }
      }
      lock.lock();
      if (!released.empty()) {
        free_buffers.insert(free_buffers.end(), released.begin(), released.end());
        if (producer_waiting) freed.notify_one();
      }
    }
  }

  void Push(Item item) {
    std::lock_guard<std::mutex> lock(mutex);
    queue.push_back(item);
    if (thread_waiting) work.notify_one();
  }
};

Sha256Pipeline::Sha256Pipeline(size_t buffers, size_t buffer_size) : rep_(std::make_unique<Rep>()) {
  if (buffers == 0 || buffer_size < 4) std::abort();
  rep_->buffer_size = buffer_size;
  for (size_t i = 0; i < buffers; ++i) {
    rep_->pool.emplace_back(new char[buffer_size]);  // not zeroed: pages fault in as they are used
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
  rep_->work.notify_one();
  if (rep_->thread.joinable()) rep_->thread.join();
}

char* Sha256Pipeline::Space(size_t* capacity) {
  Rep& r = *rep_;
  if (r.holding && r.buffer_size - r.used < r.buffer_size / 4) {
    r.Push({Rep::Item::kRelease, r.current, 0, 0});
    r.holding = false;
  }
  if (!r.holding) {
    std::unique_lock<std::mutex> lock(r.mutex);
    r.producer_waiting = true;
    r.freed.wait(lock, [&] { return !r.free_buffers.empty(); });
    r.producer_waiting = false;
    r.current = r.free_buffers.back();
    r.free_buffers.pop_back();
    r.holding = true;
    r.used = 0;
  }
  r.last_capacity = r.buffer_size - r.used;
  *capacity = r.last_capacity;
  return r.pool[r.current].get() + r.used;
}

void Sha256Pipeline::Add(size_t n) {
  Rep& r = *rep_;
  if (!r.holding || n > r.last_capacity) std::abort();  // a caller bug, not an input error
  if (n == 0) return;
  r.Push({Rep::Item::kBytes, r.current, r.used, n});
  r.used += n;
  r.last_capacity -= n;
}

void Sha256Pipeline::Add(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t capacity = 0;
    char* space = Space(&capacity);
    size_t n = std::min(bytes.size(), capacity);
    std::memcpy(space, bytes.data(), n);
    Add(n);
    bytes.remove_prefix(n);
  }
}

void Sha256Pipeline::EndMessage() { rep_->Push({Rep::Item::kEnd, 0, 0, 0}); }

std::vector<std::string> Sha256Pipeline::Finish() {
  Rep& r = *rep_;
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    r.stop = true;  // the thread drains the queue, then returns
  }
  r.work.notify_one();
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
