/**
 * Which `src` values are trusted as a Shelly id (shelly/device-id.ts): every real id format, ids
 * of partner devices (LinkedGo ST802) and the Wall Display's capitals included; anything that
 * could be a path, a wildcard, markup or a paragraph is not.
 */
import { describe, expect, it } from 'vitest';
import { isTrustedDeviceId } from '../../src/main/core/shelly/device-id';

describe('trusted device ids', () => {
  it('accepts the ids real devices print', () => {
    const real = [
      'shellyplus1pm-a8032ab1c2d3',
      'shellypro3em-aabbccddeeff',
      'shellypstripg4-aabbccddeeff',
      'st1820-8cbfeaa6eba0',
      'st-802-8cbfeaa74600', // LinkedGo ST802 (its MQTT client_id and topic prefix)
      'ShellyWallDisplay-AABBCCDDEEFF', // Wall Display XL (Home Assistant's fixture)
      'shellyplug-s-C8C9A3B8FDE8', // Gen1 Plug S
      'shellyswitch-559F55', // Gen1 Shelly 2, six hex digits
    ];
    expect(real.filter((id) => !isTrustedDeviceId(id))).toEqual([]);
  });

  it('refuses anything else', () => {
    const hostile = [
      '',
      'shellyplus1pm',
      '-a8032ab1c2d3',
      'shellyplus1pm-a8032ab1c2d3/../x',
      'Aurora/Lisbon/Room101/Light1',
      'shellyplus1pm-a8032ab1c2d3 ',
      'shelly plus-a8032ab1c2d3',
      'shelly#-a8032ab1c2d3',
      'shelly+-a8032ab1c2d3',
      'shelly\u0000-a8032ab1c2d3',
      'shelly.plus-a8032ab1c2d3',
      '<script>-a8032ab1c2d3',
      'shellyplus1pm-a8032ab1c2dz',
      'a-b-c-d-e-a8032ab1c2d3', // more dashed words than any model has
      `${'x'.repeat(60)}-a8032ab1c2d3`, // longer than any id
      123456,
      null,
    ];
    expect(hostile.filter((id) => isTrustedDeviceId(id))).toEqual([]);
  });
});
