import { configuredIdleSeconds, idleState } from './idle';

test('warns before the reset, then expires', () => {
  expect(idleState(60, 15, 10)).toEqual({ warning: false, secondsLeft: 50, expired: false });
  expect(idleState(60, 15, 46)).toEqual({ warning: true, secondsLeft: 14, expired: false });
  expect(idleState(60, 15, 60).expired).toBe(true);
});
test('the idle time comes from ?idle= or the stored setting, at least 10 s', () => {
  expect(configuredIdleSeconds('?idle=30', null)).toBe(30);
  expect(configuredIdleSeconds('', '45')).toBe(45);
  expect(configuredIdleSeconds('?idle=2', null)).toBe(90);
  expect(configuredIdleSeconds('', null)).toBe(90);
});
