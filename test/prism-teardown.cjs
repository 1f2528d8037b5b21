module.exports = async function prismTeardown() {
  await globalThis.__OM_MOCK__?.close();
  globalThis.__OM_MOCK__ = undefined;
};
