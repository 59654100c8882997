/// <reference types="vite/client" />
import { describe, expect, test } from 'vitest';
import rbac from '../../../docs/rbac.md?raw';
import { can, mayOpenConsole, plainRefusal, POLICY, type Principal, visibleScreens } from './policy';

const MIDTOWN = 'str_midtown';
const BERLIN = 'str_berlin';
const staff = (roles: string[], stores: string[] = [MIDTOWN]): Principal => ({ subject: 'stf_1', kind: 'staff', roles, stores });

describe('the console policy', () => {
  test('mirrors docs/rbac.md row for row (roles and store scoping)', () => {
    const doc: string = rbac;
    for (const [permission, rule] of Object.entries(POLICY)) {
      const row = doc.split('\n').find((l: string) => l.startsWith(`| \`${permission}\` |`));
      expect(row, permission).toBeDefined();
      const [, roles, scoped] = (row as string).split('|').slice(1).map((c) => c.trim());
      expect(roles.split(',').map((r) => r.trim()).sort(), permission).toEqual([...rule.roles].sort());
      expect(scoped === 'yes', permission).toBe(rule.scoped);
    }
  });

  test('a manager sees their store’s screens but not the chain menu or the staff list', () => {
    const manager = staff(['store_manager']);
    expect(mayOpenConsole(manager)).toBe(true);
    expect(visibleScreens(manager, MIDTOWN)).toEqual(['board', 'menu', 'store', 'inventory', 'staff', 'reports']); // no menu editor
    expect(can(manager, 'menu:availability', MIDTOWN)).toBe(true);
    expect(can(manager, 'menu:write')).toBe(false);
    expect(can(manager, 'users:read')).toBe(false);
    expect(can(manager, 'devices:provision', MIDTOWN)).toBe(true);
    // Another store: nothing to do there.
    expect(visibleScreens(manager, BERLIN)).toEqual([]);
    expect(can(manager, 'stores:pause', BERLIN)).toBe(false);
  });

  test('an admin may act on every store, with no store in the token', () => {
    const admin = staff(['admin'], []);
    expect(visibleScreens(admin, BERLIN)).toEqual(['board', 'menu', 'draft', 'store', 'inventory', 'staff', 'reports']);
    expect(can(admin, 'menu:write')).toBe(true);
    expect(can(admin, 'users:read')).toBe(true);
  });

  test('a cook may not open the console, and an admin role on a device or customer token lifts nothing', () => {
    expect(mayOpenConsole(staff(['cook']))).toBe(false);
    expect(mayOpenConsole({ subject: 'dev_1', kind: 'device', roles: ['admin'], stores: [MIDTOWN] })).toBe(false);
    const fakeAdmin = { subject: 'cus_1', kind: 'customer', roles: ['admin'], stores: [] };
    expect(can(fakeAdmin, 'stores:pause', BERLIN)).toBe(false);
    const twoStoreDevice = { subject: 'dev_2', kind: 'device', roles: ['kds'], stores: [MIDTOWN, BERLIN] };
    expect(can(twoStoreDevice, 'stores:pause', MIDTOWN)).toBe(false);
  });

  test('a 403 is said in plain words with the server’s reason', () => {
    expect(plainRefusal(403, 'not allowed for store str_berlin')).toBe(
      'You are not allowed to do this. The server said: not allowed for store str_berlin.');
  });
});
