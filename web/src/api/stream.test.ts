import { parseEvents } from './stream';

test('parses complete events and keeps a partial one', () => {
  const { events, rest } = parseEvents('id: 1\nevent: status\ndata: {"status":"confirmed"}\n\n: keep-alive\n\nid: 2\nevent: sta');
  expect(events).toEqual([{ id: '1', event: 'status', data: '{"status":"confirmed"}' }]);
  expect(rest).toBe('id: 2\nevent: sta');
});
