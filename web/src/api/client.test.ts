import { ApiError, placeWithKey } from './client';

/** A placement answering `answers` in turn (an Error to throw, else the value). */
function answering(...answers: (ApiError | string)[]) {
  const calls = { n: 0 };
  const place = async () => {
    const a = answers[calls.n++];
    if (a instanceof ApiError) throw a;
    return a;
  };
  return { place, calls };
}
const noWait = { wait: async () => {} };

test('placeWithKey tries once more after a lost connection, with the same key', async () => {
  const { place, calls } = answering(new ApiError(0, 'offline'), 'order');
  await expect(placeWithKey(place, noWait)).resolves.toBe('order');
  expect(calls.n).toBe(2);
  const twice = answering(new ApiError(0, 'offline'), new ApiError(0, 'offline'), 'order');
  await expect(placeWithKey(twice.place, noWait)).rejects.toMatchObject({ status: 0 });
  expect(twice.calls.n).toBe(2);
});

test('placeWithKey waits while the first request with the key is still being placed', async () => {
  const waited: number[] = [];
  const { place, calls } = answering(new ApiError(0, 'offline'), new ApiError(409, 'in progress'), new ApiError(409, 'in progress'), 'order');
  await expect(placeWithKey(place, { wait: async (ms) => { waited.push(ms); } })).resolves.toBe('order');
  expect(calls.n).toBe(4);
  expect(waited).toEqual([1000, 1000]);
  const stuck = answering(...Array(5).fill(new ApiError(409, 'in progress')));
  await expect(placeWithKey(stuck.place, { maxWaits: 3, ...noWait })).rejects.toMatchObject({ status: 409 });
  expect(stuck.calls.n).toBe(4);
});

test('placeWithKey takes any other answer as final', async () => {
  for (const status of [402, 422, 429, 500]) {
    const { place, calls } = answering(new ApiError(status, 'no'), 'order');
    await expect(placeWithKey(place, noWait)).rejects.toMatchObject({ status });
    expect(calls.n).toBe(1);
  }
});
