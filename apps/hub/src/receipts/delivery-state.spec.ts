import { nextDeliveryState } from './delivery-state';

describe('a delivery moves only forward', () => {
  it.each([
    ['routed', '01', 'arrived'],
    ['arrived', '03', 'accepted'],
    ['accepted', '04', 'assigned'],
    ['assigned', '05', 'processing'],
    ['processing', '05', 'processing'],
    ['processing', '06', 'completed'],
    ['routed', '03', 'accepted'],
    ['routed', '02', 'rejected'],
    ['arrived', '02', 'rejected'],
    ['processing', '15', 'recalled'],
  ] as const)('%s + status %s -> %s', (from, code, to) => {
    expect(nextDeliveryState(from, code)).toBe(to);
  });

  it.each([
    ['accepted', '01', 'a late 01 after acceptance'],
    ['completed', '05', 'a late 05 after completion'],
    ['accepted', '02', 'a rejection after acceptance'],
    ['rejected', '01', 'anything after a rejection'],
    ['recalled', '06', 'anything after a recall'],
    ['arrived', '13', 'a recall request (the agreement 15 moves it)'],
    ['arrived', '16', 'a refused recall'],
    ['arrived', '99', 'an unknown code'],
  ] as const)('%s stays put on status %s (%s)', (from, code, _why) => {
    expect(nextDeliveryState(from, code)).toBe(from);
  });
});
