import { describe, expect, it } from 'vitest';
import { channelKey, channelLabel, defaultChannels, parseChannelKey } from './axes.ts';

describe('3D axes', () => {
  it('picks axes by dimension', () => {
    expect(defaultChannels(3).map(channelLabel)).toEqual(['x₀', 'x₁', 'x₂']);
    expect(defaultChannels(7).map(channelLabel)).toEqual(['x₀', 'x₁', 'x₂']);
    expect(defaultChannels(2).map(channelLabel)).toEqual(['x₀', 't', 'x₁']);
    expect(defaultChannels(1).map(channelLabel)).toEqual(['t', '', 'x₀']);
    expect(channelLabel({ kind: 'component', index: 12 })).toBe('x₁₂');
  });

  it('round-trips select values', () => {
    for (const ch of [...defaultChannels(3), ...defaultChannels(1)]) expect(parseChannelKey(channelKey(ch))).toEqual(ch);
  });
});
