// What the console may offer: the server's RBAC rows it uses (docs/rbac.md, src/lib/auth/policy.cpp),
// and Authorize's rules over a token's claims. The server decides; this only hides what it would
// refuse. policy.test.ts checks every row here against docs/rbac.md, so the two cannot drift.

export interface Principal {
  subject: string;
  kind: string;
  roles: string[];
  stores: string[];
}

interface Rule {
  roles: string[];
  scoped: boolean;
}

/** The permissions behind the console's screens and actions, as in docs/rbac.md. */
export const POLICY = {
  'stores:hours': { roles: ['admin', 'store_manager'], scoped: true },
  'stores:zones': { roles: ['admin', 'store_manager'], scoped: true },
  'stores:pause': { roles: ['admin', 'store_manager', 'kds', 'pos'], scoped: true },
  'menu:write': { roles: ['admin'], scoped: false },
  'menu:availability': { roles: ['admin', 'store_manager', 'kds', 'pos'], scoped: true },
  'menu:prices': { roles: ['admin', 'store_manager'], scoped: true },
  'users:read': { roles: ['admin'], scoped: false },
  'users:write': { roles: ['admin'], scoped: false },
  'devices:provision': { roles: ['admin', 'store_manager'], scoped: true },
  'orders:manage': { roles: ['cashier', 'cook', 'driver', 'store_manager', 'admin', 'pos', 'kds'], scoped: true },
  'kitchen:read': { roles: ['cook', 'kds', 'cashier', 'pos', 'store_manager', 'admin'], scoped: true },
  'inventory:read': { roles: ['cook', 'kds', 'store_manager', 'admin'], scoped: true },
  'inventory:adjust': { roles: ['cook', 'store_manager', 'admin'], scoped: true },
  'reports:read': { roles: ['store_manager', 'admin'], scoped: false },
  'reports:store': { roles: ['store_manager', 'admin'], scoped: true },
} satisfies Record<string, Rule>;
export type Permission = keyof typeof POLICY;

/** The roles the console is for: running a store or the chain. */
export const CONSOLE_ROLES = ['store_manager', 'admin'];

/** The staff member and their stores from an access token's claims (no call needed). */
export function principalOf(token: string): Principal {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return { subject: String(payload.sub ?? ''), kind: String(payload.kind ?? ''), roles: payload.roles ?? [], stores: payload.stores ?? [] };
  } catch {
    return { subject: '', kind: '', roles: [], stores: [] };
  }
}

/** The server's Authorize for one permission (store-scoped ones need the store). */
export function can(p: Principal, permission: Permission, storeId?: string): boolean {
  const rule: Rule = POLICY[permission];
  if (!p.roles.some((r) => rule.roles.includes(r))) return false;
  if (!rule.scoped) return true;
  if (p.kind === 'staff' && p.roles.includes('admin')) return true; // admins act on every store
  if (p.kind === 'device' && p.stores.length !== 1) return false; // a device is bound to exactly one store
  return storeId !== undefined && p.stores.includes(storeId);
}

/** Whether the console opens at all for this account. */
export function mayOpenConsole(p: Principal): boolean {
  return p.kind === 'staff' && p.roles.some((r) => CONSOLE_ROLES.includes(r));
}

export type Screen = 'board' | 'menu' | 'draft' | 'store' | 'inventory' | 'staff' | 'reports';
export const SCREENS: { id: Screen; title: string; needs: Permission[] }[] = [
  { id: 'board', title: 'Live board', needs: ['orders:manage'] },
  { id: 'menu', title: 'Menu at this store', needs: ['menu:availability', 'menu:prices'] },
  { id: 'draft', title: 'Menu editor', needs: ['menu:write'] },
  { id: 'store', title: 'Hours & zones', needs: ['stores:hours', 'stores:zones'] },
  { id: 'inventory', title: 'Inventory', needs: ['inventory:read'] },
  { id: 'staff', title: 'Staff & devices', needs: ['users:read', 'devices:provision'] },
  { id: 'reports', title: 'Reports', needs: ['reports:store'] },
];

/** The screens with at least one thing this person may do at this store. */
export function visibleScreens(p: Principal, storeId: string): Screen[] {
  return SCREENS.filter((s) => s.needs.some((perm) => can(p, perm, storeId))).map((s) => s.id);
}

/** A refusal in plain words: what the server said, and what it means for the person. */
export function plainRefusal(status: number, detail: string): string {
  if (status === 403) return `You are not allowed to do this. The server said: ${detail}.`;
  if (status === 401) return 'Your sign-in has expired: sign in again.';
  return detail;
}
