/** Admission by weight, the gate behind the local runners' memory budget and concurrency limit. */
import { createAdmission } from '../../../handlers/runtime/admission';

describe('createAdmission', () => {
  it('admits in order of asking and never beyond its capacity', async () => {
    const admission = createAdmission(10);
    const order: string[] = [];
    const first = await admission.admit(6);
    const second = admission.admit(6).then((release) => (order.push('second'), release));
    const third = admission.admit(1).then((release) => (order.push('third'), release));
    await new Promise((wake) => setImmediate(wake));
    // The small one waits behind the big one: nothing overtakes.
    expect(order).toEqual([]);
    first!();
    (await second)!();
    (await third)!();
    expect(order).toEqual(['second', 'third']);
    expect(() => admission.admit(11)).toThrow(RangeError);
  });

  it('resolves waiting work with no release when the signal aborts', async () => {
    const admission = createAdmission(1);
    const controller = new AbortController();
    const held = await admission.admit(1);
    const waiting = admission.admit(1, controller.signal);
    controller.abort();
    expect(await waiting).toBeUndefined();
    held!();
    expect(await admission.admit(1)).toEqual(expect.any(Function));
  });
});
