// A Web Worker of the browser verifier: checks chunks of ballots (signatures, proofs,
// column sums) with the booth's libsodium modules and posts each chunk's verdicts back.
import { ready } from '../lib/sodium.js';
import { verifyChunk } from '../verifier/ballots.js';

self.onmessage = async (event) => {
  const { id, ctx, items } = event.data;
  try {
    await ready();
    self.postMessage({ id, result: verifyChunk(ctx, items) });
  } catch (err) {
    self.postMessage({ id, error: `${err.name}: ${err.message}` });
  }
};
