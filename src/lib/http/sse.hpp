#pragma once
/// Server-sent events: a thread-safe outbound event queue that the server relays to one client.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace vetahut::http {

/// One client's event stream. Handlers create it, return it in `Response::stream`, keep a
/// shared_ptr and Send from any thread; the server's I/O layer drains and writes it.
class EventStream final {
 public:
  /// A new stream that drops its client once more than `max_buffered` messages are unsent.
  static std::shared_ptr<EventStream> Create(std::size_t max_buffered = 1024);

  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  /// Queues an event: "id:", "event:" and one "data:" line per line of `data`. No-op once closed.
  void Send(std::string_view event, std::string_view data, std::string_view id = {});
  /// Queues a comment line (": text"), e.g. a keepalive.
  void Comment(std::string_view text);
  /// Queues bytes already in event-stream form, as they are (a proxy relaying another server's
  /// stream: event boundaries need not fall on calls).
  void SendRaw(std::string_view text);
  /// Ends the stream after what is queued has been written.
  void Close();
  /// True after Close(), a client disconnect or a buffer overflow.
  bool closed() const;

  // --- for the I/O layer ---
  /// Called (at most once per drain, possibly from any thread) when there is something to write.
  /// Cleared by passing an empty function.
  void SetNotifier(std::function<void()> notifier);
  /// Moves queued text into `out` (appending); returns true when the stream is closed and
  /// nothing more will come. Re-arms the notifier.
  bool Drain(std::string& out);
  /// Marks the client as gone: queued text is discarded, further Sends are dropped.
  void Disconnect();

 private:
  explicit EventStream(std::size_t max_buffered) : max_buffered_(max_buffered) {}
  void Enqueue(std::string text);  // mu_ held

  mutable std::mutex mu_;
  std::string pending_;
  std::size_t pending_messages_ = 0;
  std::size_t max_buffered_;
  bool closed_ = false;
  bool notified_ = false;
  std::function<void()> notifier_;
};

}  // namespace vetahut::http
