/**
 * A wall clock off by LP_DELETE_TEST_CLOCK_SKEW_MS (a host whose clock is wrong), for app processes in
 * fault tests: `Date.now()` and `new Date()` are shifted; the monotonic clock (performance.now) is not,
 * as on a real host. Imported first by app-process.ts; does nothing without the variable.
 */
const skew = Number(process.env.LP_DELETE_TEST_CLOCK_SKEW_MS ?? '');
if (Number.isFinite(skew) && skew !== 0) {
  const RealDate = globalThis.Date;
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget) {
      return Reflect.construct(
        target,
        args.length === 0 ? [RealDate.now() + skew] : args,
        newTarget,
      ) as object;
    },
    get(target, property, receiver) {
      if (property === 'now') return () => RealDate.now() + skew;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
export {};
