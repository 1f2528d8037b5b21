// A clock the tests move forward instead of sleeping: Date.now, which the client's token cache and
// the in-process fake platforms both read, runs `advance()`d ahead of the real one.
export function shiftedClock() {
  const real = Date.now.bind(Date);
  let offset = 0;
  const spy = jest.spyOn(Date, "now").mockImplementation(() => real() + offset);
  return {
    advance(ms: number) {
      offset += ms;
    },
    restore: () => spy.mockRestore(),
  };
}
