import { expect } from 'chai';
import mongoose from 'mongoose';
import { cardView, filterView, paginationView, srcsetOf } from '../../server/web/gallery.view';
import { parseGalleryQuery } from '../../server/images/gallery.query';
import type { ImageRecord } from '../../server/images/image.model';

function record(overrides: Partial<ImageRecord> = {}): ImageRecord {
  return {
    _id: new mongoose.Types.ObjectId('6b08d0f12092ac152702e093'),
    declared: { caption: 'The passport belonging to a captured North Korean soldier', credit: 'Telegram/Volodymyr Zelensky', platform: 'telegram' },
    derivatives: {
      thumbnail: { file: 'a'.repeat(64) + '.webp', width: 400, height: 300 },
      display: { file: 'b'.repeat(64) + '.webp', width: 1600, height: 1200 },
    },
    file: { width: 4000, height: 3000 },
    status: { value: 'verified' },
    provenance: { badge: 'held_elsewhere' },
    createdAt: new Date('2025-02-07T14:37:00Z'),
    ...overrides,
  } as unknown as ImageRecord;
}

describe('gallery view-model', () => {
  it('builds a card: trimmed caption, full-caption alt, credit filter link keeping other filters, badges with words', () => {
    const query = parseGalleryQuery({ sort: 'oldest', page: '3', gps: 'yes' });
    const card = cardView(record({ declared: { caption: 'word '.repeat(60), credit: 'AP Photo/Jane Doe' } } as Partial<ImageRecord>), query);
    expect(card.caption.length).to.be.lessThan(145);
    expect(card.caption.endsWith('…')).to.equal(true);
    expect(card.alt.length).to.be.greaterThan(card.caption.length);
    // The credit link resets the page (a filtered view starts at its first page) and keeps sort and gps.
    expect(card.creditHref).to.equal('/?credit=AP+Photo%2FJane+Doe&gps=yes&sort=oldest');
    expect(card.href).to.equal('/images/6b08d0f12092ac152702e093');
  });

  it('gives the platform its display name, the badge and the ruling as words and symbols', () => {
    const card = cardView(record(), parseGalleryQuery({}));
    expect(card.platform).to.equal('Telegram');
    expect(card.platformHref).to.equal('/?platform=telegram');
    expect(card.badge).to.include({ key: 'held_elsewhere', label: 'Held elsewhere' });
    expect(card.status).to.include({ key: 'verified', label: 'Verified' });
    expect(cardView(record({ status: { value: 'unverified' } } as Partial<ImageRecord>), parseGalleryQuery({})).status).to.equal(undefined);
  });

  it('lists the 400w thumbnail and the 1600w display image in srcset, once when they are the same file', () => {
    const card = cardView(record(), parseGalleryQuery({}));
    expect(card.srcset).to.equal(`/media/derivatives/${'a'.repeat(64)}.webp 400w, /media/derivatives/${'b'.repeat(64)}.webp 1600w`);
    expect([card.width, card.height]).to.deep.equal([400, 300]);
    expect(srcsetOf('/x.webp', 100, '/x.webp', 100)).to.equal('/x.webp 100w');
  });

  it('describes an image without caption or credit in its alt text', () => {
    const card = cardView(record({ declared: {} } as Partial<ImageRecord>), parseGalleryQuery({}));
    expect(card.alt).to.equal('Image without a caption');
    expect(card.creditHref).to.equal(undefined);
  });

  it('paginates with first, last, neighbours and gaps, keeping the filters in every link', () => {
    const query = parseGalleryQuery({ credit: 'Reuters', page: '10' });
    const view = paginationView(query, 48 * 20 + 5);
    expect(view.totalPages).to.equal(21);
    const shown = view.links.map((link) => (link.kind === 'gap' ? '…' : link.current ? `[${link.n}]` : String(link.n)));
    expect(shown).to.deep.equal(['1', '…', '8', '9', '[10]', '11', '12', '…', '21']);
    expect(view.prev).to.equal('/?credit=Reuters&page=9');
    expect(view.next).to.equal('/?credit=Reuters&page=11');
    expect(view.range).to.equal('433–480 of 965');
  });

  it('has no previous link on page 1 and no next link on the last page', () => {
    expect(paginationView(parseGalleryQuery({}), 10).prev).to.equal(undefined);
    expect(paginationView(parseGalleryQuery({}), 10).next).to.equal(undefined);
    expect(paginationView(parseGalleryQuery({}), 0).range).to.equal('0 of 0');
    const first = paginationView(parseGalleryQuery({}), 100);
    expect(first.next).to.equal('/?page=2');
    expect(first.links.find((link) => link.kind === 'page' && link.n === 1)).to.deep.include({ href: '/', current: true });
  });

  it('marks the chosen filter options and lists each active filter with a link that removes only it', () => {
    const article = '6b08d0f1aa38fcda26c8a545';
    const query = parseGalleryQuery({ q: 'soldier', platform: 'telegram', status: 'disputed', article, page: '2' });
    const view = filterView(query, [{ id: article, headline: 'What happened to the North Korean troops' }]);
    expect(view.platforms.find((option) => option.selected)?.value).to.equal('telegram');
    expect(view.statuses.find((option) => option.selected)?.value).to.equal('disputed');
    expect(view.articles.find((option) => option.selected)?.label).to.equal('What happened to the North Korean troops');
    expect(view.gps.find((option) => option.selected)?.value).to.equal('');
    const platform = view.active.find((filter) => filter.label === 'Platform');
    expect(platform).to.deep.equal({ label: 'Platform', value: 'Telegram', removeHref: `/?q=soldier&article=${article}&status=disputed` });
  });
});
