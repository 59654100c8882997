import { describe, expect, it } from 'vitest';
import { can, changeDue, isCounterRole, localDate, parseAmount, plainError, quickTenders, refundedUnits, refundLines } from './pos';

describe('cash at the counter', () => {
  it('reads typed amounts into integer cents without floating point', () => {
    expect(parseAmount('20')).toBe(2000);
    expect(parseAmount('20.5')).toBe(2050);
    expect(parseAmount('0.29')).toBe(29);  // 0.29 * 100 is 28.999… in floating point
    expect(parseAmount('19,99')).toBe(1999);
    expect(parseAmount(' 1.10 ')).toBe(110);
    expect(parseAmount('1000', 0)).toBe(1000);  // yen
    for (const bad of ['', 'abc', '-5', '1.234', '1e3', '12.3.4']) expect(parseAmount(bad)).toBeNull();
  });
  it('gives the change due, or what is missing', () => {
    expect(changeDue(2175, 5000)).toEqual({ ok: true, change: 2825 });
    expect(changeDue(2175, 2175)).toEqual({ ok: true, change: 0 });
    expect(changeDue(2175, 2000)).toEqual({ ok: false, short: 175 });
    expect(changeDue(2175, null)).toEqual({ ok: false, short: 2175 });
  });
  it('offers the exact amount and the next round notes', () => {
    expect(quickTenders(2175)).toEqual([2175, 2500, 3000, 4000]);
    expect(quickTenders(2000)).toEqual([2000, 5000, 10000]);  // a round total: the larger notes
  });
});

describe('refund selection', () => {
  const sold = [{ index: 0, name: 'Large pepperoni', quantity: 2 }, { index: 1, name: 'Cola', quantity: 1 }];
  it('sends only chosen lines, capped at the units left', () => {
    expect(refundLines(sold, { 0: 1 })).toEqual([{ index: 0, quantity: 1 }]);
    expect(refundLines(sold, { 0: 5, 1: 1 })).toEqual([{ index: 0, quantity: 2 }, { index: 1, quantity: 1 }]);
    expect(refundLines(sold, { 0: 2 }, { 0: 1 })).toEqual([{ index: 0, quantity: 1 }]);
    expect(refundLines(sold, { 1: 1 }, { 1: 1 })).toBeNull();  // refunded already
    expect(refundLines(sold, {})).toBeNull();
    expect(refundLines(sold, { 0: -1, 7: 3 })).toBeNull();
  });
  it('counts the units refunded before from the order', () => {
    expect(refundedUnits([{ lines: [{ index: 0, quantity: 1 }] }, { lines: [{ index: 0, quantity: 1 }, { index: 1, quantity: 1 }] }, { lines: [] }]))
      .toEqual({ 0: 2, 1: 1 });
    expect(refundedUnits(undefined)).toEqual({});
  });
});

describe('what a role is shown', () => {
  it('mirrors the server policy: cashiers do not refund, managers do', () => {
    expect(can(['cashier'], 'refund')).toBe(false);
    expect(can(['cashier'], 'cancel')).toBe(true);
    expect(can(['store_manager'], 'refund')).toBe(true);
    expect(can(['pos'], 'day_all')).toBe(false);
    expect(can(['cashier'], 'day')).toBe(true);
    expect(isCounterRole(['cook'])).toBe(false);
    expect(isCounterRole(['driver', 'cashier'])).toBe(true);
  });
  it('says a refused action in plain words', () => {
    expect(plainError(403, 'role cashier may not refund completed orders')).toBe('Not allowed: role cashier may not refund completed orders.');
    expect(plainError(422, 'is less than the total')).toBe('is less than the total');
  });
  it('dates the business day in the store zone', () => {
    const late = new Date('2026-03-03T05:30:00Z');
    expect(localDate('America/Chicago', late)).toBe('2026-03-02');
    expect(localDate('Asia/Tokyo', late)).toBe('2026-03-03');
  });
});
