import { followLive, parseEvents } from './stream';

test('parses complete events and keeps a partial one', () => {
  const { events, rest } = parseEvents('id: 1\nevent: status\ndata: {"status":"confirmed"}\n\n: keep-alive\n\nid: 2\nevent: sta');
  expect(events).toEqual([{ id: '1', event: 'status', data: '{"status":"confirmed"}' }]);
  expect(rest).toBe('id: 2\nevent: sta');
});

test('followLive reconnects after a drop with Last-Event-ID and the current token, and stops on 403', async () => {
  const bodies = ['id: 4\nevent: snapshot\ndata: {"seq":4}\n\n', 'id: 6\nevent: snapshot\ndata: {"seq":6}\n\n'];
  const seen: { auth?: string; last?: string }[] = [];
  let token = 'one';
  vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit) => {
    const h = init.headers as Record<string, string>;
    seen.push({ auth: h.Authorization, last: h['Last-Event-ID'] });
    const body = bodies.shift();
    if (body === undefined) return new Response('', { status: 403 });
    token = 'two';
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }));
  const events: string[] = [];
  const states: string[] = [];
  const status = await followLive('/s', (e) => events.push(e.data), new AbortController().signal,
    { token: () => token, onState: (s) => states.push(s) });
  vi.unstubAllGlobals();
  expect(status).toBe(403);
  expect(events).toEqual(['{"seq":4}', '{"seq":6}']);
  expect(seen).toEqual([{ auth: 'Bearer one', last: undefined }, { auth: 'Bearer two', last: '4' }, { auth: 'Bearer two', last: '6' }]);
  expect(states).toEqual(['open', 'down', 'open', 'down']);
});
