// Verifies a Sigstore bundle written by `fnseal export --sigstore` with the reference
// JavaScript verifier, @sigstore/verify, trusting exactly one public key and requiring no
// transparency log entries, CT log SCTs or timestamps (all thresholds 0).
//
//   node sigstore_verify.mjs BUNDLE.sigstore.json PUBLIC_KEY.pem
//
// Exit 0 and one "verified" line when the bundle verifies; exit 1 with the verifier's error
// otherwise. The bundle's key hint is printed but never used to choose the key.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

function main(argv) {
  if (argv.length !== 2) {
    console.error('usage: node sigstore_verify.mjs BUNDLE.sigstore.json PUBLIC_KEY.pem');
    return 2;
  }
  const [bundlePath, keyPath] = argv;
  const trustedKey = createPublicKey(readFileSync(keyPath));
  const hintsSeen = [];
  // No CAs, TSAs or logs: the only trust is the key given on the command line.
  const trustedRoot = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const trustMaterial = toTrustMaterial(trustedRoot, (hint) => {
    hintsSeen.push(hint);
    return { publicKey: trustedKey, validFor: () => true };
  });
  const verifier = new Verifier(trustMaterial, { tlogThreshold: 0, ctlogThreshold: 0, tsaThreshold: 0 });
  try {
    const bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
    verifier.verify(toSignedEntity(bundle));
    const envelope = bundle.content.dsseEnvelope;
    const statement = JSON.parse(envelope.payload.toString('utf8'));
    const subjects = (statement.subject || []).map((s) => s.name).join(', ');
    console.log(`verified ${bundlePath} with ${keyPath} (hint ${hintsSeen.join(',')}): ` +
                `${envelope.payloadType}, ${statement.predicateType}, subjects: ${subjects}`);
    return 0;
  } catch (e) {
    const code = e.code ? `${e.code}: ` : '';
    console.error(`NOT VERIFIED ${bundlePath} with ${keyPath}: ${code}${e.message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
