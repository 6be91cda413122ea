// The manifest chain from c2pa-node's store JSON. No fixture has three levels of signed files, so
// this store is written out here in the shape c2pa-node 0.5.5 gives (see CA.jpg's JSON).
import { expect } from 'chai';
import { chainShape, manifestChain, type StoreJson } from '../../server/provenance/c2pa-chain';
import { digitalSourceTypeLabel, isAiDigitalSourceType } from '../../server/provenance/c2pa-words';

const sig = (label: string) => `self#jumbf=/c2pa/${label}/c2pa.signature`;

const store: StoreJson = {
  active_manifest: 'urn:c',
  manifests: {
    'urn:c': {
      title: 'CACA.jpg',
      claim_generator_info: [{ name: 'editor', version: '3' }],
      signature_info: { common_name: 'Desk Signer', issuer: 'Newsroom', time: '2025-02-07T10:00:00+00:00', alg: 'Es256' },
      assertions: [{ label: 'c2pa.actions.v2', data: { actions: [{ action: 'c2pa.placed', softwareAgent: { name: 'Editor', version: '3.1' } }, { action: 'c2pa.edited', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia' }] } }],
      ingredients: [
        { title: 'CA.jpg', format: 'image/jpeg', relationship: 'parentOf', label: 'c2pa.ingredient.v3', active_manifest: 'urn:b' },
        { title: 'logo.png', format: 'image/png', relationship: 'componentOf', label: 'c2pa.ingredient.v3__1' },
      ],
    },
    'urn:b': {
      title: 'CA.jpg',
      claim_generator: 'make_test_images/0.33.1',
      signature_info: { common_name: 'C2PA Signer', issuer: 'C2PA Test Signing Cert' },
      assertions: [{ label: 'c2pa.actions', data: { actions: [{ action: 'c2pa.opened' }] } }],
      ingredients: [{ title: 'A.jpg', relationship: 'parentOf', label: 'c2pa.ingredient', active_manifest: 'urn:a' }],
    },
    'urn:a': { title: 'A.jpg', claim_generator: 'camera/1', assertions: [{ label: 'c2pa.actions', data: { actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }] } }] },
  },
  validation_state: 'Invalid',
  validation_results: {
    activeManifest: {
      success: [{ code: 'timeStamp.validated', url: sig('urn:c'), explanation: 'timestamp message digest matched: Example TSA' }, { code: 'timeStamp.trusted', url: sig('urn:c') }],
      informational: [],
      failure: [{ code: 'signingCredential.untrusted', url: sig('urn:c') }],
    },
    ingredientDeltas: [
      {
        ingredientAssertionURI: 'self#jumbf=/c2pa/urn:c/c2pa.assertions/c2pa.ingredient.v3',
        validationDeltas: { success: [], informational: [], failure: [{ code: 'claimSignature.mismatch', url: sig('urn:b') }] },
      },
    ],
  },
};

describe('C2PA manifest chain', () => {
  const chain = manifestChain(store)!;

  it('walks three levels: the active manifest, its parent’s, and the parent’s parent’s', () => {
    expect(chain.title).to.equal('CACA.jpg');
    expect(chain.ingredients[0]!.manifest!.title).to.equal('CA.jpg');
    expect(chain.ingredients[0]!.manifest!.ingredients[0]!.manifest!.title).to.equal('A.jpg');
    expect(chainShape(chain)).to.deep.equal({ manifests: 3, levels: 3 });
  });

  it('gives each manifest its generator, signer, timestamp and actions with agents and source types', () => {
    expect(chain).to.include({ claimGenerator: 'editor/3', signedAt: '2025-02-07T10:00:00+00:00', timestamp: 'trusted', timestampAuthority: 'Example TSA' });
    expect(chain.signer).to.deep.equal({ subject: 'Desk Signer', organisation: 'Newsroom', algorithm: 'Es256' });
    expect(chain.actions).to.deep.equal([
      { action: 'c2pa.placed', softwareAgent: 'Editor 3.1' },
      { action: 'c2pa.edited', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia', digitalSourceLabel: 'Edited using generative AI (composite with AI-made elements)' },
    ]);
    expect(chain.ingredients[0]!.manifest!.timestamp).to.equal('none');
  });

  it('gives each ingredient its relationship and its own validation state', () => {
    const [parent, component] = chain.ingredients;
    expect(parent).to.include({ relationship: 'parentOf', validationState: 'invalid' });
    expect(parent!.failedChecks).to.deep.equal([{ code: 'claimSignature.mismatch', words: 'the claim was altered after signing' }]);
    expect(component).to.include({ title: 'logo.png', relationship: 'componentOf', validationState: 'no_credentials' });
    expect(chain.ingredients[0]!.manifest!.ingredients[0]).to.include({ validationState: 'valid' });
    // The active manifest's own signature held; only its signer is unknown, but the store says invalid (an ingredient failed).
    expect(chain.validationState).to.equal('invalid');
  });

  it('cuts a store that references itself instead of looping', () => {
    const loop: StoreJson = { active_manifest: 'm', manifests: { m: { title: 'loop', ingredients: [{ title: 'self', active_manifest: 'm' }] } } };
    const view = manifestChain(loop)!;
    expect(view.ingredients[0]!.manifest).to.equal(undefined);
    expect(chainShape(view)).to.deep.equal({ manifests: 1, levels: 2 });
  });

  it('labels IPTC digital source types and tells generative AI from the rest', () => {
    expect(digitalSourceTypeLabel('http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia')).to.equal('Created by generative AI');
    expect(digitalSourceTypeLabel('screenCapture')).to.equal('Screen capture');
    expect(digitalSourceTypeLabel('https://example.org/vocab/unknownThing')).to.equal('unknownThing');
    expect(isAiDigitalSourceType('http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia')).to.equal(true);
    expect(isAiDigitalSourceType('http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture')).to.equal(false);
  });
});
