/**
 * Stable small integer ids for text keys (node ids, rooms), allocated in memory and written in
 * the same batch as the first row that uses them. Only this process writes the database.
 */
export class KeyIndex {
  private readonly ids = new Map<string, number>();
  private nextId = 1;

  constructor(rows: ReadonlyArray<{ id: number; key: string }>) {
    for (const row of rows) {
      this.ids.set(row.key, row.id);
      this.nextId = Math.max(this.nextId, row.id + 1);
    }
  }

  get(key: string): number | undefined {
    return this.ids.get(key);
  }

  keys(): IterableIterator<string> {
    return this.ids.keys();
  }

  /** The id of `key`; a new id is announced through `onNew` so it can be persisted. */
  id(key: string, onNew: (id: number) => void): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(key, id);
      onNew(id);
    }
    return id;
  }
}

/** Rooms are keyed by their three names; NUL cannot occur in a valid name. */
export const placeKey = (company: string, office: string, room: string): string =>
  `${company}\u0000${office}\u0000${room}`;

/**
 * The "room" of energy counted while a device had no place: three empty names, which no real room
 * can have. A minute without any place is from before rooms were remembered (schema v1); a minute
 * counted under Unassigned must stay there when rollups are rebuilt, not move to a later room.
 */
export const UNASSIGNED_PLACE = { company: '', office: '', room: '' } as const;
export const isUnassignedPlace = (p: { company: string }): boolean => p.company === '';
