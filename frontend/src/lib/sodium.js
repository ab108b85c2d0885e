// Loads libsodium (compiled to WebAssembly) once; every other module calls sodium().
import sodiumModule from 'libsodium-wrappers-sumo';

let loaded = null;

/** Wait until libsodium is ready; resolves to the library object. */
export async function ready() {
  await sodiumModule.ready;
  loaded = sodiumModule;
  return loaded;
}

/** The loaded library; throws if ready() has not resolved yet. */
export function sodium() {
  if (loaded === null) throw new Error('libsodium is not loaded yet: await ready() first');
  return loaded;
}
