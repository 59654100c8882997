// Server-Sent Events over fetch, so a signed-in customer's stream can carry the Authorization
// header (EventSource cannot). Reconnects with Last-Event-ID until the server ends the stream.
export interface StreamEvent {
  id: string;
  event: string;
  data: string;
}

/** Parses complete events out of `buffer`; returns them and what is left unparsed. */
export function parseEvents(buffer: string): { events: StreamEvent[]; rest: string } {
  const events: StreamEvent[] = [];
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    const e: StreamEvent = { id: '', event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') e.id = value;
      else if (field === 'event') e.event = value;
      else if (field === 'data') data.push(value);
    }
    e.data = data.join('\n');
    if (data.length) events.push(e);
  }
  return { events, rest };
}

/** Follows `url` until `signal` aborts or the server ends the stream; calls onEvent for each event. */
export async function follow(
  url: string,
  onEvent: (e: StreamEvent) => void,
  signal: AbortSignal,
  token?: string | null,
): Promise<void> {
  let lastId = '';
  for (let attempt = 0; !signal.aborted && attempt < 50; attempt++) {
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (lastId) headers['Last-Event-ID'] = lastId;
      const res = await fetch(url, { headers, signal });
      if (!res.ok || !res.body) return;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return; // the server ended the stream: the order is finished
        buffer += decoder.decode(value, { stream: true });
        const parsed = parseEvents(buffer);
        buffer = parsed.rest;
        for (const e of parsed.events) {
          if (e.id) lastId = e.id;
          onEvent(e);
        }
      }
    } catch {
      if (signal.aborted) return;
      await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 15000)));
    }
  }
}

export interface Live {
  /** The current access token, asked again before every (re)connection (device tokens renew). */
  token: () => string | null;
  /** 'open' once the server answered, 'down' when the connection dropped (a reconnect follows). */
  onState?: (state: 'open' | 'down') => void;
  /** No byte for this long (the server's keepalive comes every few seconds): reconnect. */
  silenceMs?: number;
}

/**
 * Follows a stream that never ends by itself (a kitchen screen's): reconnects after any drop or
 * silence, with Last-Event-ID, until `signal` aborts. Gives up only on 401/403/404 (returns the status).
 */
export async function followLive(url: string, onEvent: (e: StreamEvent) => void, signal: AbortSignal, live: Live): Promise<number> {
  let lastId = '';
  for (let attempt = 0; !signal.aborted; ) {
    const dropped = new AbortController();
    const stop = () => dropped.abort();
    signal.addEventListener('abort', stop);
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(stop, live.silenceMs ?? 15000);
    };
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      const token = live.token();
      if (token) headers.Authorization = `Bearer ${token}`;
      if (lastId) headers['Last-Event-ID'] = lastId;
      arm();
      const res = await fetch(url, { headers, signal: dropped.signal, cache: 'no-store' });
      if (res.status === 401 || res.status === 403 || res.status === 404) return res.status;
      if (!res.ok || !res.body) throw new Error(`stream: ${res.status}`);
      live.onState?.('open');
      attempt = 0;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        arm();
        buffer += decoder.decode(value, { stream: true });
        const parsed = parseEvents(buffer);
        buffer = parsed.rest;
        for (const e of parsed.events) {
          if (e.id) lastId = e.id;
          onEvent(e);
        }
      }
    } catch {
      /* dropped: reconnect below */
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', stop);
    }
    if (signal.aborted) break;
    live.onState?.('down');
    await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt++, 5000)));
  }
  return 0;
}
