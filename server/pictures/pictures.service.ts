// Picture groups: images whose pictures match (a resized copy, a crop, a mirrored or turned copy, a
// composite containing it) are one group. Matches are stored as links; groups are union-find over
// them, kept flat in the database (every member points at its group's id) and brought up to date
// when an image arrives or an editor takes one out. Image records carry a summary (group id, size,
// whether the image is the group's card in the gallery) through the port below.
import type mongoose from 'mongoose';
import type { Actor } from '../accounts/principal';
import type { Finding } from '../provenance/findings.types';
import type { HistoryService } from '../provenance/history.service';
import type { QueryHash } from '../provenance/picture-hashes';
import type { PictureHit } from '../provenance/picture-match';
import { NotFoundError } from '../shared/errors';
import type { LinkRelation, PicturesRepository } from './pictures.repository';

type ObjectId = mongoose.Types.ObjectId;
type Text = string | null | undefined;

/** What a group shows of each member. */
export interface GroupMemberRecord {
  _id: ObjectId;
  createdAt: Date;
  declared?: { credit?: Text; sourceUrl?: Text } | null;
  file?: { width: number; height: number; bytes: number } | null;
  derivatives?: { thumbnail?: { file?: Text } | null } | null;
}

export interface GroupSummary {
  id: ObjectId;
  size: number;
  /** The member the gallery shows for the group: the earliest seen. */
  lead: boolean;
}

/** The image records as the groups need them. */
export interface GroupImages<Member extends GroupMemberRecord> {
  exists(id: ObjectId): Promise<boolean>;
  groupMembers(ids: ObjectId[]): Promise<Member[]>;
  setGroupSummaries(summaries: Array<{ id: ObjectId; group: GroupSummary | null }>): Promise<void>;
}

export interface GroupProvenance {
  findPictures(query: readonly QueryHash[], excludeId?: ObjectId): Promise<Array<{ image: { _id: ObjectId }; hit: PictureHit }>>;
  refresh(id: ObjectId): Promise<unknown>;
}

const RELATION_OF_HIT: Record<PictureHit['relation'], LinkRelation> = { same: 'resized', crop: 'crop', mirrored: 'mirrored', rotated: 'rotated', contains: 'contains' };

/** How a member relates to the image whose page shows the group, in words. */
const RELATION_WORDS: Record<LinkRelation, { copy: string; of: string }> = {
  resized: { copy: 'resized copy', of: 'resized copy' },
  crop: { copy: 'crop', of: 'uncropped picture' },
  mirrored: { copy: 'mirrored copy', of: 'mirrored copy' },
  rotated: { copy: 'turned copy', of: 'turned copy' },
  contains: { copy: 'screenshot or composite containing it', of: 'the picture inside it' },
  frame: { copy: 'still from the video', of: 'video it is a frame of' },
};

export interface GroupMemberView {
  imageId: string;
  credit: string | null;
  sourceUrl: string | null;
  firstSeen: Date;
  width: number | null;
  height: number | null;
  bytes: number | null;
  thumbnailFile: string | null;
  /** How it relates to the image asked about ('this image' for itself). */
  relation: string;
  earliest: boolean;
  largest: boolean;
}

export interface GroupView {
  imageId: string;
  groupId: string | null;
  members: GroupMemberView[];
  /** The distinct credits of the group, when there are several. */
  differentCredits: string[];
}

const creditKey = (credit: Text) => (credit ?? '').trim().toLowerCase();

/**
 * What the provenance report reads of the groups: made from the repositories alone, so the
 * provenance service can be given it before the pictures service (which uses provenance) exists.
 */
export function createGroupReaders<Member extends GroupMemberRecord>({ repository, images }: { repository: PicturesRepository; images: Pick<GroupImages<Member>, 'groupMembers'> }) {
  /** The members of an image's group (itself alone when it has none). */
  async function membersWith(id: ObjectId): Promise<{ group: ObjectId | undefined; members: ObjectId[] }> {
    const group = await repository.groupOf(id);
    return { group, members: group ? await repository.membersOf(group) : [id] };
  }

  /** The ids of the images in the same group, itself excluded: their findings change with its credit. */
  async function groupMatesOf(id: ObjectId): Promise<ObjectId[]> {
    const { group, members } = await membersWith(id);
    return group ? members.filter((member) => String(member) !== String(id)) : [];
  }

  /** One finding when the group's members carry different credits, naming the other members and their credits. */
  async function groupFindings(image: { _id: ObjectId; declared?: { credit?: Text } | null }): Promise<Finding[]> {
    const mates = await groupMatesOf(image._id);
    if (mates.length === 0) return [];
    const others = (await images.groupMembers(mates)).filter((member) => creditKey(member.declared?.credit) !== '');
    const own = creditKey(image.declared?.credit);
    const credits = new Set([...(own ? [own] : []), ...others.map((member) => creditKey(member.declared?.credit))]);
    if (credits.size < 2) return [];
    const differing = others.filter((member) => creditKey(member.declared?.credit) !== own);
    return [
      {
        code: 'group.different_credits',
        severity: 'warning',
        message: `Copies of this picture are held under other credits: ${[...new Set(differing.map((member) => member.declared!.credit!))].map((credit) => `“${credit}”`).join(', ')}.`,
        evidence: differing.map((member) => ({ imageId: String(member._id), tag: 'declared.credit', value: member.declared!.credit! })),
      },
    ];
  }

  return { membersWith, groupMatesOf, groupFindings };
}

export type GroupReaders = ReturnType<typeof createGroupReaders>;

export function createPicturesService<Member extends GroupMemberRecord>(deps: {
  repository: PicturesRepository;
  images: GroupImages<Member>;
  provenance: GroupProvenance;
  history: Pick<HistoryService, 'append'>;
  readers: GroupReaders;
}) {
  const { repository, images, provenance, history } = deps;
  const { membersWith } = deps.readers;

  /** Writes the group summaries onto the records and refreshes every member's findings. */
  async function publish(groups: ObjectId[][], alone: ObjectId[]): Promise<void> {
    const summaries: Array<{ id: ObjectId; group: GroupSummary | null }> = alone.map((id) => ({ id, group: null }));
    for (const members of groups) {
      const records = await images.groupMembers(members);
      const earliest = [...records].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || String(a._id).localeCompare(String(b._id)))[0];
      const id = groupIdOf(members);
      for (const member of members) summaries.push({ id: member, group: { id, size: members.length, lead: String(member) === String(earliest?._id) } });
    }
    await images.setGroupSummaries(summaries);
    for (const id of [...groups.flat(), ...alone]) await provenance.refresh(id);
  }

  /**
   * A new image: links to every held picture its hashes find (and to the held crops of it, found by
   * its crop windows), then the groups it touches become one.
   */
  async function imageStored(id: ObjectId, query: readonly QueryHash[], windows: readonly string[]): Promise<void> {
    const found = await provenance.findPictures(query, id);
    // A held image that is a crop of this one: its whole hash is near one of this image's windows.
    const crops = windows.length ? await provenance.findPictures(windows.map((hash) => ({ hash, source: 'region' as const })), id) : [];
    for (const { image, hit } of found) await repository.link(id, image._id, RELATION_OF_HIT[hit.relation], hit.distance);
    for (const { image, hit } of crops) {
      if (!found.some((f) => String(f.image._id) === String(image._id))) await repository.link(image._id, id, 'crop', hit.distance);
    }
    const linked = [...found, ...crops].map(({ image }) => image._id);
    if (linked.length > 0) await joinGroups([id, ...linked]);
  }

  /** Makes the groups of these images one (union-find, kept flat) and publishes it. */
  async function joinGroups(ids: ObjectId[]): Promise<void> {
    const members = new Map<string, ObjectId>();
    for (const id of ids) for (const member of (await membersWith(id)).members) members.set(String(member), member);
    const all = [...members.values()];
    await repository.setGroup(all, groupIdOf(all));
    await publish([all], []);
  }

  /** A still traced to a frame of a held video (server/video): the two join one group. */
  async function stillOfVideo(still: ObjectId, video: ObjectId, distance: number): Promise<void> {
    await repository.link(still, video, 'frame', distance);
    await joinGroups([still, video]);
  }

  /** The group as an image's page and the API show it; 404 for an image the archive does not hold. */
  async function groupView(id: ObjectId): Promise<GroupView> {
    if (!(await images.exists(id))) throw new NotFoundError('No image with this id is in the archive.');
    const { group, members } = await membersWith(id);
    if (!group) return { imageId: String(id), groupId: null, members: [], differentCredits: [] };
    const [records, links] = await Promise.all([images.groupMembers(members), repository.linksOf(members)]);
    const live = links.filter((link) => !link.removed);
    const earliest = [...records].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
    // The largest copy of the picture: a screenshot or collage is a larger file, not a larger copy.
    const composites = new Set(live.filter((link) => link.relation === 'contains').map((link) => String(link.copy)));
    const copies = records.filter((record) => !composites.has(String(record._id)));
    const area = (record: Member) => (record.file?.width ?? 0) * (record.file?.height ?? 0);
    const largest = [...(copies.length ? copies : records)].sort((a, b) => area(b) - area(a) || a.createdAt.getTime() - b.createdAt.getTime())[0];
    const relationTo = (member: ObjectId): string => {
      if (String(member) === String(id)) return 'this image';
      const direct = live.find((link) => (String(link.copy) === String(member) && String(link.of) === String(id)) || (String(link.of) === String(member) && String(link.copy) === String(id)));
      if (direct) return String(direct.copy) === String(member) ? RELATION_WORDS[direct.relation].copy : RELATION_WORDS[direct.relation].of;
      const any = live.find((link) => String(link.copy) === String(member) || String(link.of) === String(member));
      if (!any) return 'same picture';
      const other = String(any.copy) === String(member) ? any.of : any.copy;
      const words = String(any.copy) === String(member) ? RELATION_WORDS[any.relation].copy : RELATION_WORDS[any.relation].of;
      return `${words} of another copy (${String(other).slice(-6)})`;
    };
    const credits = [...new Map(records.filter((r) => creditKey(r.declared?.credit)).map((r) => [creditKey(r.declared?.credit), r.declared!.credit!])).values()];
    return {
      imageId: String(id),
      groupId: String(group),
      members: [...records]
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map((record) => ({
          imageId: String(record._id),
          credit: record.declared?.credit ?? null,
          sourceUrl: record.declared?.sourceUrl ?? null,
          firstSeen: record.createdAt,
          width: record.file?.width ?? null,
          height: record.file?.height ?? null,
          bytes: record.file?.bytes ?? null,
          thumbnailFile: record.derivatives?.thumbnail?.file ?? null,
          relation: relationTo(record._id),
          earliest: String(record._id) === String(earliest?._id),
          largest: String(record._id) === String(largest?._id),
        })),
      differentCredits: credits.length > 1 ? credits : [],
    };
  }

  /**
   * An editor says an image does not show the group's picture: its links are marked removed (kept,
   * with who and why), the rest of the group is regrouped from the links that remain, and the
   * history of the image and of every image it was linked to records it.
   */
  async function removeFromGroup(id: ObjectId, actor: Actor, reason: string): Promise<GroupView> {
    if (!(await images.exists(id))) throw new NotFoundError('No image with this id is in the archive.');
    const { group, members } = await membersWith(id);
    if (!group) return groupView(id);
    const links = (await repository.linksOf(members)).filter((link) => !link.removed);
    const own = links.filter((link) => String(link.copy) === String(id) || String(link.of) === String(id));
    await repository.removeLinks(own.map((link) => link._id), { by: actor.name, reason, at: new Date(), image: id });
    const remaining = links.filter((link) => !own.includes(link));
    const rest = members.filter((member) => String(member) !== String(id));
    const components = connectedComponents(rest, remaining);
    await repository.forget([id, ...components.filter((c) => c.length === 1).flat()]);
    const groups = components.filter((c) => c.length > 1);
    for (const component of groups) await repository.setGroup(component, groupIdOf(component));
    await publish(groups, [id, ...components.filter((c) => c.length === 1).flat()]);

    const neighbours = [...new Map(own.map((link) => (String(link.copy) === String(id) ? link.of : link.copy)).map((other) => [String(other), other])).values()];
    await history.append(id, { type: 'group_member_removed', actor, reason, changes: [{ field: 'pictureGroup', from: String(group), to: null }] });
    for (const other of neighbours) {
      await history.append(other, { type: 'group_member_removed', actor, reason, changes: [{ field: 'pictureGroupMember', from: String(id), to: null }] });
    }
    return groupView(id);
  }

  return { imageStored, stillOfVideo, groupView, removeFromGroup };
}

export type PicturesService = ReturnType<typeof createPicturesService>;

/** A group's id is its oldest member's id (ObjectIds start with their creation time). */
function groupIdOf(members: ObjectId[]): ObjectId {
  return [...members].sort((a, b) => String(a).localeCompare(String(b)))[0];
}

/** The groups the links make among `ids`: union-find with path halving. */
export function connectedComponents(ids: ObjectId[], links: Array<{ copy: ObjectId; of: ObjectId }>): ObjectId[][] {
  const parent = new Map(ids.map((id) => [String(id), String(id)]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) {
      parent.set(x, parent.get(parent.get(x)!)!);
      x = parent.get(x)!;
    }
    return x;
  };
  for (const link of links) {
    const [a, b] = [String(link.copy), String(link.of)];
    if (!parent.has(a) || !parent.has(b)) continue;
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const byRoot = new Map<string, ObjectId[]>();
  for (const id of ids) {
    const root = find(String(id));
    byRoot.set(root, [...(byRoot.get(root) ?? []), id]);
  }
  return [...byRoot.values()];
}
