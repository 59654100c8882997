#include "lib/cache/redis_cache.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "lib/log/log.hpp"

namespace vetahut::cache {

namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// The rate-limit take: the comparison of ratelimit::Decide, which must happen inside Redis so that
// replicas taking from one key at once cannot both spend its last request. KEYS[1] holds the key's
// TAT; ARGV are now, the emission interval and the window (µs, from ratelimit::CellsOf). The new
// TAT is stored when allowed, expiring when the quota is whole again (forgetting the key then
// changes nothing). It returns the TAT it found: Decide(policy, found, now) is the same verdict
// with everything the headers need. Lua numbers are doubles, exact for integers below 2^53 (µs
// since 1970 are about 2^50); they go in and out as "%.0f" strings, since Redis would turn large
// Lua numbers into exponent notation.
constexpr std::string_view kTakeRateScript = R"lua(
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local nxt = math.max(tat, now) + interval
if nxt - now <= window then
  redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', string.format('%.0f', math.ceil((nxt - now) / 1000)))
end
return string.format('%.0f', tat)
)lua";

// Compare-and-delete: a marker is removed only by the request that set it.
constexpr std::string_view kDeleteIfValueScript = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
)lua";

timeval ToTimeval(milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::string Millis(milliseconds ttl) {
  return std::to_string(std::max<std::int64_t>(ttl.count(), 1));
}

std::string_view ReplyText(const redisReply& r) {
  return r.str ? std::string_view(r.str, r.len) : std::string_view();
}

// hiredis writes with write(2): a server that closed the connection would raise SIGPIPE, whose
// default action ends the process. Ignore it (the write then fails with EPIPE, which fails that
// call) unless the program installed a handler of its own — as lib/http's server does.
void IgnoreSigpipe() {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, nullptr);
  }
}

class RedisCache final : public Cache {
 public:
  RedisCache(CacheUrl url, CacheOptions options)
      : url_(std::move(url)), options_(std::move(options)), where_(url_.Redacted()) {
    options_.pool_size = std::max(options_.pool_size, 1);
    IgnoreSigpipe();
  }

  core::Result<ratelimit::Decision> TakeRate(std::string_view key, const ratelimit::Policy& policy,
                                             ratelimit::Micros now) override {
    const auto cells = ratelimit::CellsOf(policy);
    const std::string k = Key(key), at = std::to_string(now),
                      interval = std::to_string(cells.interval),
                      window = std::to_string(cells.window);
    auto reply = Eval(take_, {k}, {at, interval, window});
    if (!reply) return core::Fail(reply.error());
    const redisReply& r = **reply;
    std::int64_t tat = 0;
    const std::string_view text = ReplyText(r);
    if (r.type != REDIS_REPLY_STRING ||
        std::from_chars(text.data(), text.data() + text.size(), tat).ec != std::errc()) {
      return core::Fail(Unexpected("the rate-limit script", r));
    }
    return ratelimit::Decide(policy, tat, now);
  }

  core::Result<bool> SetIfAbsent(std::string_view key, std::string_view value,
                                 milliseconds ttl) override {
    const std::string k = Key(key), px = Millis(ttl);
    auto reply = Run({"SET", k, value, "PX", px, "NX"});
    if (!reply) return core::Fail(reply.error());
    if ((*reply)->type == REDIS_REPLY_STATUS) return true;  // +OK
    if ((*reply)->type == REDIS_REPLY_NIL) return false;    // the key exists
    return core::Fail(Unexpected("SET NX", **reply));
  }

  core::Status Set(std::string_view key, std::string_view value, milliseconds ttl) override {
    const std::string k = Key(key), px = Millis(ttl);
    auto reply = Run({"SET", k, value, "PX", px});
    if (!reply) return core::Fail(reply.error());
    if ((*reply)->type != REDIS_REPLY_STATUS) return core::Fail(Unexpected("SET", **reply));
    return core::Ok();
  }

  core::Result<bool> Exists(std::string_view key) override {
    const std::string k = Key(key);
    auto reply = Run({"EXISTS", k});
    if (!reply) return core::Fail(reply.error());
    if ((*reply)->type != REDIS_REPLY_INTEGER) return core::Fail(Unexpected("EXISTS", **reply));
    return (*reply)->integer > 0;
  }

  core::Status Delete(std::string_view key) override {
    const std::string k = Key(key);
    auto reply = Run({"DEL", k});
    if (!reply) return core::Fail(reply.error());
    if ((*reply)->type != REDIS_REPLY_INTEGER) return core::Fail(Unexpected("DEL", **reply));
    return core::Ok();
  }

  core::Result<bool> DeleteIfValue(std::string_view key, std::string_view value) override {
    const std::string k = Key(key);
    auto reply = Eval(delete_if_, {k}, {value});
    if (!reply) return core::Fail(reply.error());
    if ((*reply)->type != REDIS_REPLY_INTEGER)
      return core::Fail(Unexpected("the compare-and-delete script", **reply));
    return (*reply)->integer > 0;
  }

  std::string Describe() const override { return where_; }
  bool Shared() const override { return true; }
  CacheStats Stats() const override { return {failures_.load(), reachable_.load()}; }

 private:
  /// A Lua script and its SHA1 as the server reported it (empty until loaded; guarded by mutex_).
  struct Script {
    std::string_view source;
    std::string sha;
  };

  std::string Key(std::string_view key) const { return options_.key_prefix + std::string(key); }

  /// A failure of a call: counted, described with where the cache is.
  core::Error Failure(std::string_view why) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    return core::Error::Unavailable(
        fmt::format("the cache (Redis at {}) is unavailable: {}", where_, why));
  }

  /// A reply the command does not give when it works: an error reply (-LOADING, -READONLY,
  /// -NOAUTH, -OOM …) or a type we did not ask for. The server answered, so it is not down.
  core::Error Unexpected(std::string_view what, const redisReply& r) {
    if (r.type == REDIS_REPLY_ERROR)
      return Failure(fmt::format("{} was refused: {}", what, ReplyText(r)));
    return Failure(fmt::format("{} answered a reply of type {}", what, r.type));
  }

  /// The server failed (refused, closed, timed out): calls fail at once for a back-off, the idle
  /// connections (probably as dead) are dropped, and the first failure of an outage is logged.
  core::Error Down(const std::string& why) {
    std::vector<ContextPtr> dropped;
    bool first = false;
    std::chrono::milliseconds backoff{};
    {
      std::lock_guard lock(mutex_);
      const auto now = Steady::now();
      first = !down_;
      // A failure inside the current back-off (calls that were already waiting on the server)
      // does not lengthen it; a failed retry after it doubles it.
      if (first || now >= retry_at_) {
        backoff_ = first ? options_.first_backoff : std::min(backoff_ * 2, options_.max_backoff);
        retry_at_ = now + backoff_;
      }
      backoff = backoff_;
      down_ = true;
      probing_ = false;
      last_error_ = why;
      open_ -= static_cast<int>(idle_.size());
      dropped.swap(idle_);
      reachable_.store(false);
    }
    idle_cv_.notify_all();
    if (first) {
      log::Warn("Redis is unavailable: cache calls fail at once until it answers again",
                {{"redis", where_}, {"error", why}, {"retry_ms", std::int64_t(backoff.count())}});
    }
    return Failure(why);
  }

  /// A command got its answer: the server is up.
  void Up() {
    if (reachable_.load(std::memory_order_relaxed)) return;
    bool was_down = false;
    {
      std::lock_guard lock(mutex_);
      was_down = down_;
      down_ = false;
      probing_ = false;
      backoff_ = milliseconds(0);
      reachable_.store(true);
    }
    if (was_down) log::Info("Redis answers again", {{"redis", where_}});
  }

  /// A new connection: connect, AUTH, SELECT, each within the timeout. Marks the server down on
  /// failure.
  core::Result<ContextPtr> Connect() {
    const timeval tv = ToTimeval(options_.timeout);
    ContextPtr c(redisConnectWithTimeout(url_.host.c_str(), url_.port, tv));
    if (!c) return core::Fail(Down("cannot allocate a connection"));
    if (c->err) return core::Fail(Down(fmt::format("cannot connect: {}", c->errstr)));
    if (redisSetTimeout(c.get(), tv) != REDIS_OK)
      return core::Fail(Down("cannot set the socket timeouts"));
    redisEnableKeepAlive(c.get());
    auto setup = [&](const std::vector<std::string_view>& args,
                     std::string_view what) -> core::Status {
      std::vector<const char*> argv;
      std::vector<std::size_t> lens;
      for (auto a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
      }
      ReplyPtr r(static_cast<redisReply*>(
          redisCommandArgv(c.get(), int(argv.size()), argv.data(), lens.data())));
      if (!r)
        return core::Fail(Down(fmt::format("{}: {}", what, c->errstr[0] ? c->errstr : "no reply")));
      if (r->type == REDIS_REPLY_ERROR)
        return core::Fail(Down(fmt::format("{} was refused: {}", what, ReplyText(*r))));
      return core::Ok();
    };
    if (!url_.password.empty()) {
      auto s = url_.username.empty() ? setup({"AUTH", url_.password}, "AUTH")
                                     : setup({"AUTH", url_.username, url_.password}, "AUTH");
      if (!s) return core::Fail(s.error());
    }
    if (url_.db != 0) {
      const std::string db = std::to_string(url_.db);
      if (auto s = setup({"SELECT", db}, "SELECT " + db); !s) return core::Fail(s.error());
    }
    return c;
  }

  struct Connection {
    ContextPtr context;
    bool reused = false;  ///< it served before: a restarted server may have closed it while idle
  };

  /// A connection for one command: an idle one, a new one while fewer than pool_size exist, or
  /// the next one released within the timeout. While the server is down, fails at once — except
  /// for one call per back-off, which tries again.
  core::Result<Connection> Acquire() {
    std::unique_lock lock(mutex_);
    bool probe = false;
    if (down_) {
      const auto now = Steady::now();
      if (probing_ || now < retry_at_) {
        const auto wait = std::chrono::duration_cast<milliseconds>(
            std::max(retry_at_ - now, Steady::duration::zero()));
        const std::string why =
            fmt::format("{} (next attempt in {} ms)", last_error_, wait.count());
        lock.unlock();
        return core::Fail(Failure(why));
      }
      probing_ = true;  // this call tries; the others keep failing fast until it knows
      probe = true;
    }
    const auto deadline = Steady::now() + options_.timeout;
    while (idle_.empty() && open_ >= options_.pool_size) {
      if (idle_cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= options_.pool_size) {
        if (probe) probing_ = false;
        lock.unlock();
        return core::Fail(Failure(fmt::format("all {} connections are busy", options_.pool_size)));
      }
    }
    if (!idle_.empty()) {
      Connection c{std::move(idle_.back()), true};
      idle_.pop_back();
      return c;
    }
    ++open_;
    lock.unlock();
    auto context = Connect();
    if (!context) {
      Discard();
      return core::Fail(context.error());
    }
    return Connection{std::move(*context), false};
  }

  void Release(ContextPtr context) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(context));
    }
    idle_cv_.notify_one();
  }

  /// Closes every idle connection (they may all be dead), making room for new ones.
  void DropIdle() {
    std::vector<ContextPtr> dropped;
    {
      std::lock_guard lock(mutex_);
      open_ -= static_cast<int>(idle_.size());
      dropped.swap(idle_);
    }
    idle_cv_.notify_all();
  }

  /// A connection that failed is closed, making room for a new one.
  void Discard() {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    idle_cv_.notify_one();
  }

  /// Sends one command and reads its reply (an error reply included: the server is up).
  core::Result<ReplyPtr> Run(const std::vector<std::string_view>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (auto a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    for (int attempt = 0;; ++attempt) {
      auto conn = Acquire();
      if (!conn) return core::Fail(conn.error());
      redisContext* c = conn->context.get();
      errno = 0;
      ReplyPtr reply(static_cast<redisReply*>(
          redisCommandArgv(c, int(argv.size()), argv.data(), lens.data())));
      const int saved_errno = errno;
      if (reply) {
        Up();
        Release(std::move(conn->context));
        return reply;
      }
      const int err = c->err;
      std::string why = c->errstr[0] ? c->errstr : "no reply";
      conn->context.reset();  // a connection whose command failed is in an unknown state
      Discard();
      // A connection that sat idle may have been closed by a server restarted since: once, on a
      // new one — the other idle connections are as old, so they go too. A timeout is not
      // retried: the server is there but slow, and waiting twice as long is what the timeout is
      // meant to prevent.
      const bool closed =
          err == REDIS_ERR_EOF ||
          (err == REDIS_ERR_IO && (saved_errno == ECONNRESET || saved_errno == EPIPE));
      if (conn->reused && closed && attempt == 0) {
        DropIdle();
        continue;
      }
      if (err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
        why = fmt::format("no reply within {} ms", options_.timeout.count());
      }
      return core::Fail(Down(why));
    }
  }

  /// Runs a script by its SHA1 (EVALSHA), loading it first (SCRIPT LOAD) and sending the source
  /// (EVAL) when the server does not know it — after a restart or SCRIPT FLUSH.
  core::Result<ReplyPtr> Eval(Script& script, const std::vector<std::string_view>& keys,
                              const std::vector<std::string_view>& args) {
    std::string sha;
    {
      std::lock_guard lock(mutex_);
      sha = script.sha;
    }
    if (sha.empty()) {
      auto loaded = Run({"SCRIPT", "LOAD", script.source});
      if (!loaded) return core::Fail(loaded.error());
      if ((*loaded)->type == REDIS_REPLY_STRING) {
        sha = std::string(ReplyText(**loaded));
        std::lock_guard lock(mutex_);
        script.sha = sha;
      }  // SCRIPT refused (a proxy may forbid it): EVAL below works all the same
    }
    const std::string numkeys = std::to_string(keys.size());
    auto command = [&](std::string_view verb, std::string_view body) {
      std::vector<std::string_view> argv = {verb, body, numkeys};
      argv.insert(argv.end(), keys.begin(), keys.end());
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    };
    if (!sha.empty()) {
      auto reply = Run(command("EVALSHA", sha));
      if (!reply) return reply;
      const redisReply& r = **reply;
      if (!(r.type == REDIS_REPLY_ERROR && ReplyText(r).starts_with("NOSCRIPT"))) return reply;
    }
    return Run(command("EVAL", script.source));
  }

  const CacheUrl url_;
  CacheOptions options_;
  const std::string where_;

  std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::vector<ContextPtr> idle_;
  int open_ = 0;  ///< connections that exist: idle and in use
  bool down_ = false;
  bool probing_ = false;
  Steady::time_point retry_at_{};
  milliseconds backoff_{0};
  std::string last_error_;
  Script take_{kTakeRateScript, {}};
  Script delete_if_{kDeleteIfValueScript, {}};

  std::atomic<std::uint64_t> failures_{0};
  std::atomic<bool> reachable_{true};
};

}  // namespace

std::unique_ptr<Cache> MakeRedisCache(const CacheUrl& url, const CacheOptions& options) {
  return std::make_unique<RedisCache>(url, options);
}

}  // namespace vetahut::cache
