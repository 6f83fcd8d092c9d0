import { foldDeliveryState, nextDeliveryState } from './delivery-state';

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
    ['completed', '15', 'recalled'],
    ['rejected', '03', 'accepted'],
    ['rejected', '15', 'recalled'],
  ] as const)('%s + status %s -> %s', (from, code, to) => {
    expect(nextDeliveryState(from, code)).toBe(to);
  });

  it.each([
    ['accepted', '01', 'a late 01 after acceptance'],
    ['completed', '05', 'a late 05 after completion'],
    ['accepted', '02', 'a rejection after acceptance'],
    ['rejected', '01', 'a late 01 after a rejection'],
    ['recalled', '06', 'anything after a recall'],
    ['arrived', '13', 'a recall request (the agreement 15 moves it)'],
    ['arrived', '16', 'a refused recall'],
    ['arrived', '99', 'an unknown code'],
  ] as const)('%s stays put on status %s (%s)', (from, code, _why) => {
    expect(nextDeliveryState(from, code)).toBe(from);
  });
});

describe('a recipient\'s statuses folded into its furthest state (what every view shows)', () => {
  const fold = (codes: string[]) => foldDeliveryState(codes.map((statusCode, i) => ({ statusCode, i })));

  it('a late 01 after 03 stays accepted, and the history says the 01 moved nothing', () => {
    const { state, movedBy, history } = fold(['03', '01']);
    expect(state).toBe('accepted');
    expect(movedBy).toEqual({ statusCode: '03', i: 0 });
    expect(history.map((h) => h.moved)).toEqual([true, false]);
  });

  it('a duplicate 03 moves nothing the second time', () => {
    expect(fold(['01', '03', '03']).history.map((h) => h.moved)).toEqual([true, true, false]);
  });

  it('a recall agreed (15) ends the delivery; a refusal (16) leaves it where it was', () => {
    expect(fold(['01', '03', '13', '15']).state).toBe('recalled');
    expect(fold(['01', '03', '13', '16']).state).toBe('accepted');
  });

  it('stays routed, moved by nothing, while no status came', () => {
    expect(fold([])).toEqual({ state: 'routed', history: [] });
  });
});

describe('the order statuses arrive in does not change the state they lead to', () => {
  const permutations = <T>(items: readonly T[]): T[][] =>
    items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

  it.each([
    [['01', '03', '04', '05', '05', '06'], 'completed'],
    [['01', '02', '03'], 'accepted'],
    [['01', '02', '16'], 'rejected'],
    [['01', '03', '13', '15', '06'], 'recalled'],
    [['01', '03', '03', '01', '99'], 'accepted'],
  ])('%j always ends %s (hub and gateways may see them in different orders)', (codes, state) => {
    for (const order of permutations(codes)) expect(foldDeliveryState(order.map((statusCode) => ({ statusCode }))).state).toBe(state);
  });
});
