import { expect } from 'chai';
import { decodeXmlEntities, xmpFromExifr } from '../../server/images/metadata.raw';

describe('images/metadata.raw: XMP text', () => {
  it('decodes XML character references that exifr leaves in XMP values', () => {
    expect(decodeXmlEntities('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#169; &#xE9;')).to.equal('<script>alert("x")</script> & © é');
  });

  it('leaves unknown or invalid references as written', () => {
    expect(decodeXmlEntities('&nbsp; &#0; &bogus; AT&T')).to.equal('&nbsp; &#0; &bogus; AT&T');
  });

  // Regression: a crafted photoshop:Credit was stored as "&lt;img…" rather than the text the file carries.
  it('applies to every string of every namespace', () => {
    const parsed = { xmlns: { photoshop: 'http://ns.adobe.com/photoshop/1.0/' }, photoshop: { Credit: '&lt;img src=x&gt;', Keywords: ['a &amp; b'] } };
    expect(xmpFromExifr(parsed)).to.deep.equal({ photoshop: { Credit: '<img src=x>', Keywords: ['a & b'] } });
  });
});
