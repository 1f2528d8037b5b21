module.exports = async function globalTeardown() {
  await globalThis.__OM_MOCK__?.close();
};
