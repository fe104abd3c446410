/**
 * A shipped definition named alone is read from the file named after it, and is the definition
 * reading every shipped file gives; a name that is not an id reads no file by it.
 */
import { describe, expect, it } from 'vitest';
import { shippedDefinition, shippedDefinitions } from '../../src/definitions/shippedDefinitions.js';

describe('a shipped definition named alone', () => {
  it('is the one every shipped file gives, and a path is no id', () => {
    // Asked first, before every file is read: each from its own file.
    const ids = ['thames-valley-vru', 'home-office-success-measures', 'police-uk-proxy'];
    const alone = ids.map((id) => shippedDefinition(id));
    expect(alone.map((d) => d?.file.id)).toEqual(ids);
    expect(shippedDefinition('../definitions/thames-valley-vru')).toBeUndefined();
    expect(shippedDefinition('definition.schema')).toBeUndefined();
    const all = shippedDefinitions();
    expect(all.map((d) => d.file.id).sort()).toEqual([...ids].sort());
    for (const d of alone) expect(d).toEqual(all.find((a) => a.file.id === d!.file.id));
  });
});
