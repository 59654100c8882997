#include "lib/http/sse.hpp"

namespace vetahut::http {
namespace {

// Field values may not contain line breaks; anything after one would start a new field.
std::string_view FirstLine(std::string_view s) { return s.substr(0, s.find_first_of("\r\n")); }

}  // namespace

std::shared_ptr<EventStream> EventStream::Create(std::size_t max_buffered) {
  return std::shared_ptr<EventStream>(new EventStream(max_buffered));
}

void EventStream::Send(std::string_view event, std::string_view data, std::string_view id) {
  std::string text;
  text.reserve(event.size() + data.size() + id.size() + 24);
  if (!id.empty()) text.append("id: ").append(FirstLine(id)).append("\n");
  if (!event.empty()) text.append("event: ").append(FirstLine(event)).append("\n");
  // Each line of data becomes its own "data:" line (\r\n, \r and \n all end a line).
  std::size_t start = 0;
  while (true) {
    std::size_t end = data.find_first_of("\r\n", start);
    text.append("data: ").append(data.substr(start, end - start)).append("\n");
    if (end == std::string_view::npos) break;
    start = end + ((data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') ? 2 : 1);
  }
  text.append("\n");
  std::lock_guard lock(mu_);
  Enqueue(std::move(text));
}

void EventStream::Comment(std::string_view text) {
  std::string line;
  line.append(": ").append(FirstLine(text)).append("\n\n");
  std::lock_guard lock(mu_);
  Enqueue(std::move(line));
}

void EventStream::SendRaw(std::string_view text) {
  if (text.empty()) return;
  std::lock_guard lock(mu_);
  Enqueue(std::string(text));
}

void EventStream::Enqueue(std::string text) {
  if (closed_) return;
  if (pending_messages_ >= max_buffered_) {
    // A client that cannot keep up is dropped rather than letting memory grow without bound.
    closed_ = true;
    pending_.clear();
    pending_messages_ = 0;
  } else {
    pending_.append(text);
    ++pending_messages_;
  }
  if (notifier_ && !notified_) {
    notified_ = true;
    notifier_();
  }
}

void EventStream::Close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  if (notifier_ && !notified_) {
    notified_ = true;
    notifier_();
  }
}

bool EventStream::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void EventStream::SetNotifier(std::function<void()> notifier) {
  std::lock_guard lock(mu_);
  notifier_ = std::move(notifier);
  notified_ = false;
}

bool EventStream::Drain(std::string& out) {
  std::lock_guard lock(mu_);
  out.append(pending_);
  pending_.clear();
  pending_messages_ = 0;
  notified_ = false;
  return closed_;
}

void EventStream::Disconnect() {
  std::lock_guard lock(mu_);
  closed_ = true;
  pending_.clear();
  pending_messages_ = 0;
}

}  // namespace vetahut::http
