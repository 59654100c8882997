import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { accessToken } from '../api/client';
import { useStaffSession } from './staffSession';

const grant = (access: string, expiresIn = 900) =>
  ({ access_token: access, refresh_token: `r-${access}`, expires_in: expiresIn, token_type: 'Bearer' }) as never;

/** fetch answering the token endpoint: a new pair, or a refusal. */
function tokenEndpoint(ok: boolean) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async () =>
    ok
      ? new Response(JSON.stringify({ access_token: 'renewed', refresh_token: 'r2', expires_in: 900, token_type: 'Bearer' }), {
          status: 200, headers: { 'Content-Type': 'application/json' } })
      : new Response(JSON.stringify({ error: 'invalid_grant', error_description: 'revoked' }), {
          status: 400, headers: { 'Content-Type': 'application/json' } }));
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  localStorage.clear();
});

test('a sign-in is kept under the screen\'s own key and used; clearing forgets it', () => {
  const pos = renderHook(() => useStaffSession('vetahut.pos'));
  act(() => void pos.result.current.adopt(grant('a1')));
  expect(pos.result.current.session?.access).toBe('a1');
  expect(accessToken()).toBe('a1');
  expect(JSON.parse(localStorage.getItem('vetahut.pos') as string).access).toBe('a1');
  expect(localStorage.getItem('vetahut.admin')).toBeNull();
  // Another page load picks it up.
  expect(renderHook(() => useStaffSession('vetahut.pos')).result.current.session?.access).toBe('a1');
  act(() => pos.result.current.clear());
  expect(pos.result.current.session).toBeNull();
  expect(localStorage.getItem('vetahut.pos')).toBeNull();
  expect(accessToken()).toBeNull();
});

test('a kept session whose token expired is renewed at once, not used', async () => {
  localStorage.setItem('vetahut.driver', JSON.stringify({ access: 'old', refresh: 'r-old', expiresAt: Date.now() - 1000 }));
  const fetch = tokenEndpoint(true);
  const { result } = renderHook(() => useStaffSession('vetahut.driver'));
  await waitFor(() => expect(result.current.session?.access).toBe('renewed'));
  expect(String(fetch.mock.calls[0][1]?.body)).toContain('refresh_token=r-old');
  expect(accessToken()).toBe('renewed');
});

test('a refused renewal signs out; an expired session without a refresh token is not kept', async () => {
  localStorage.setItem('vetahut.admin', JSON.stringify({ access: 'old', refresh: 'r-old', expiresAt: Date.now() - 1000 }));
  tokenEndpoint(false);
  const { result } = renderHook(() => useStaffSession('vetahut.admin'));
  await waitFor(() => expect(result.current.session).toBeNull());
  expect(localStorage.getItem('vetahut.admin')).toBeNull();

  localStorage.setItem('vetahut.admin', JSON.stringify({ access: 'old', expiresAt: Date.now() - 1000 }));
  expect(renderHook(() => useStaffSession('vetahut.admin')).result.current.session).toBeNull();
});
