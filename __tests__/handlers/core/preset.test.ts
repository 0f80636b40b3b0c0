import * as v from 'valibot';
import {
  DEFAULT_PRESET,
  DEFAULT_PRESET_JSON,
  formatsFor,
  largestRenditionWidth,
  parsePreset,
  plannedOutputs,
  PRESET_SCHEMA,
} from '../../../handlers/core/preset';
import { expectCodedError } from '../../fixtures/expect-error';

/** A valid preset as JSON, modified by `change` (a deep copy of the default). */
function presetJson(change: (json: Record<string, any>) => void = () => {}): unknown {
  const json = structuredClone(DEFAULT_PRESET_JSON) as Record<string, any>;
  change(json);
  return json;
}

async function invalid(json: unknown): Promise<string> {
  const error = await expectCodedError(() => parsePreset(json), 'INVALID_PRESET');
  return error.message;
}

describe('DEFAULT_PRESET', () => {
  it('plans exactly the seven contract outputs, in order', () => {
    expect(plannedOutputs(DEFAULT_PRESET).map((o) => o.name)).toEqual([
      'thumb.webp',
      'thumb.jpg',
      'medium.webp',
      'medium.jpg',
      'large.webp',
      'large.jpg',
      'medium-grayscale.webp',
    ]);
  });

  it('describes each output: base, rendition, filter, format, extension, width', () => {
    const outputs = plannedOutputs(DEFAULT_PRESET);
    expect(outputs[1]).toEqual(
      expect.objectContaining({ name: 'thumb.jpg', base: 'thumb', rendition: 'thumb', filter: null, format: 'jpeg', extension: 'jpg', contentType: 'image/jpeg', width: 320 }),
    );
    expect(outputs[6]).toEqual(
      expect.objectContaining({ name: 'medium-grayscale.webp', base: 'medium-grayscale', rendition: 'medium', filter: 'grayscale', format: 'webp', width: 1024 }),
    );
  });

  it('uses WebP q80 and mozjpeg JPEG q80 on white, with renditions 320, 1024 and 2048', () => {
    expect(DEFAULT_PRESET.renditions).toEqual([
      { name: 'thumb', width: 320 },
      { name: 'medium', width: 1024 },
      { name: 'large', width: 2048 },
    ]);
    expect(DEFAULT_PRESET.formats).toEqual([
      { format: 'webp', quality: 80, effort: 4, lossless: false },
      { format: 'jpeg', quality: 80, mozjpeg: true },
    ]);
    expect(DEFAULT_PRESET.flattenBackground).toBe('#ffffff');
    expect(largestRenditionWidth(DEFAULT_PRESET)).toBe(2048);
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(DEFAULT_PRESET)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PRESET.renditions[0])).toBe(true);
    expect(Object.isFrozen(DEFAULT_PRESET.variants[0]?.filters)).toBe(true);
  });
});

describe('parsePreset', () => {
  it('applies defaults once: quality, effort, mozjpeg, variants, background', () => {
    const preset = parsePreset({
      name: 'mini',
      renditions: [{ name: 'small', width: 100 }],
      formats: [{ format: 'webp' }, { format: 'jpeg' }, { format: 'png' }, { format: 'avif' }],
    });
    expect(preset).toEqual({
      name: 'mini',
      renditions: [{ name: 'small', width: 100 }],
      formats: [
        { format: 'webp', quality: 80, effort: 4, lossless: false },
        { format: 'jpeg', quality: 80, mozjpeg: true },
        { format: 'png', compressionLevel: 6, palette: false },
        { format: 'avif', quality: 50, effort: 4 },
      ],
      variants: [],
      flattenBackground: '#ffffff',
    });
    expect(plannedOutputs(preset).map((o) => o.name)).toEqual(['small.webp', 'small.jpg', 'small.png', 'small.avif']);
  });

  it('names variants <rendition>-<filter labels>, or by an explicit name; formats default to the preset’s', () => {
    const preset = parsePreset(
      presetJson((j) => {
        j.variants = [
          { rendition: 'thumb', filters: [{ name: 'sepia' }, { name: 'blur', sigma: 2 }] },
          { name: 'dark-thumb', rendition: 'thumb', filters: [{ name: 'negate' }], formats: [{ format: 'png' }] },
        ];
      }),
    );
    expect(preset.variants.map((v) => v.name)).toEqual(['thumb-sepia-blur', 'dark-thumb']);
    const planned = plannedOutputs(preset).slice(6);
    expect(planned.map((o) => [o.name, o.filter])).toEqual([
      ['thumb-sepia-blur.webp', 'sepia-blur'],
      ['thumb-sepia-blur.jpg', 'sepia-blur'],
      ['dark-thumb.png', 'negate'],
    ]);
    expect(formatsFor(preset, 'thumb-sepia-blur')).toBe(preset.formats);
    expect(formatsFor(preset, 'dark-thumb')).toEqual([{ format: 'png', compressionLevel: 6, palette: false }]);
    expect(formatsFor(preset, 'medium')).toBe(preset.formats);
  });

  it('round-trips the default preset JSON', () => {
    expect(parsePreset(JSON.parse(JSON.stringify(DEFAULT_PRESET_JSON)))).toEqual(DEFAULT_PRESET);
  });

  describe('rejects, naming the JSON path, the expectation and the value', () => {
    it('a width of 0', async () => {
      expect(await invalid(presetJson((j) => (j.renditions[0].width = 0)))).toBe(
        'Invalid preset at $.renditions[0].width: expected an integer from 1 to 16384, but received 0.',
      );
    });

    it.each([
      ['fractional', 320.5, '320.5'],
      ['a string', '320', '"320"'],
      ['too wide', 20000, '20000'],
      ['missing', undefined, 'missing'],
    ])('a width that is %s', async (_label, width, shown) => {
      const message = await invalid(presetJson((j) => (j.renditions[1].width = width)));
      expect(message).toContain('$.renditions[1].width');
      expect(message).toContain('an integer from 1 to 16384');
      expect(message).toContain(shown);
    });

    it('a width beyond what an assigned encoder allows (WebP stops at 16383)', async () => {
      const message = await invalid(presetJson((j) => (j.renditions[2].width = 16384)));
      expect(message).toContain('$.renditions[2].width');
      expect(message).toContain('at most 16383');
      expect(message).toContain('WebP');
      // The same width is fine when only JPEG is produced.
      expect(() => parsePreset(presetJson((j) => {
        j.renditions[2].width = 16384;
        j.formats = [{ format: 'jpeg' }];
      }))).not.toThrow();
    });

    it('an unknown filter, listing the allowed ones', async () => {
      const message = await invalid(presetJson((j) => (j.variants[0].filters = [{ name: 'vintage' }])));
      expect(message).toBe(
        'Invalid preset at $.variants[0].filters[0].name: expected one of "grayscale", "sepia", "blur", "sharpen", "tint", "negate" or "normalize", but received "vintage".',
      );
    });

    it('a tint colour that is not #rrggbb', async () => {
      const message = await invalid(presetJson((j) => (j.variants[0].filters = [{ name: 'tint', color: 'red' }])));
      expect(message).toBe(
        'Invalid preset at $.variants[0].filters[0].color: expected a colour written as "#rrggbb", such as "#704214", but received "red".',
      );
    });

    it('a blur sigma out of range, or missing', async () => {
      expect(await invalid(presetJson((j) => (j.variants[0].filters = [{ name: 'blur', sigma: 0.1 }])))).toContain(
        '$.variants[0].filters[0].sigma: expected a number from 0.3 to 1000, but received 0.1.',
      );
      expect(await invalid(presetJson((j) => (j.variants[0].filters = [{ name: 'blur' }])))).toContain(
        '$.variants[0].filters[0].sigma: expected a number from 0.3 to 1000, but received nothing',
      );
    });

    it('parameters a filter does not take', async () => {
      expect(await invalid(presetJson((j) => (j.variants[0].filters = [{ name: 'grayscale', amount: 2 }])))).toBe(
        'Invalid preset at $.variants[0].filters[0]: "amount" is not a property of the "grayscale" filter; expected only the property "name".',
      );
    });

    it('an unknown output format, listing the allowed ones', async () => {
      expect(await invalid(presetJson((j) => (j.formats[1].format = 'jpg')))).toBe(
        'Invalid preset at $.formats[1].format: expected one of "webp", "jpeg", "png" or "avif", but received "jpg".',
      );
    });

    it.each([0, 101, 79.5])('a quality of %s', async (quality) => {
      expect(await invalid(presetJson((j) => (j.formats[0].quality = quality)))).toContain(
        `$.formats[0].quality: expected an integer from 1 to 100, but received ${quality}.`,
      );
    });

    it('options a format does not have (typos), naming the key and the nearest known one', async () => {
      expect(await invalid(presetJson((j) => (j.formats[1].mozJpeg = true)))).toBe(
        'Invalid preset at $.formats[1]: "mozJpeg" is not a property of a JPEG format (did you mean "mozjpeg"?); expected only the properties "format", "quality" and "mozjpeg".',
      );
      expect(await invalid(presetJson((j) => (j.formats[0] = { format: 'webp', qualty: 50 })))).toBe(
        'Invalid preset at $.formats[0]: "qualty" is not a property of a WebP format (did you mean "quality"?); expected only the properties "format", "quality", "effort" and "lossless".',
      );
    });

    it('an unknown key with no known one near it, without a suggestion', async () => {
      expect(await invalid(presetJson((j) => (j.formats[0].speed = 3)))).toBe(
        'Invalid preset at $.formats[0]: "speed" is not a property of a WebP format; expected only the properties "format", "quality", "effort" and "lossless".',
      );
    });

    it('a misspelt required key as the misspelling, not as the key it meant being missing', async () => {
      expect(await invalid(presetJson((j) => (j.renditions[1] = { name: 'medium', widht: 1024 })))).toBe(
        'Invalid preset at $.renditions[1]: "widht" is not a property of a rendition (did you mean "width"?); expected only the properties "name" and "width".',
      );
    });

    it('duplicate rendition names', async () => {
      expect(await invalid(presetJson((j) => (j.renditions[2].name = 'thumb')))).toBe(
        'Invalid preset at $.renditions[2].name: expected a name not already used by $.renditions[0].name, but received "thumb".',
      );
    });

    it('a format listed twice (duplicate output names)', async () => {
      expect(await invalid(presetJson((j) => j.formats.push({ format: 'webp', quality: 60 })))).toBe(
        'Invalid preset at $.formats[2] (for $.renditions[0]): expected output names to be unique, but "thumb.webp" is already produced by $.formats[0] (for $.renditions[0]).',
      );
    });

    it('a variant whose name collides with a rendition', async () => {
      expect(await invalid(presetJson((j) => (j.variants[0].name = 'large')))).toBe(
        'Invalid preset at $.variants[0].name: expected a name not already used by $.renditions[2].name, but received "large".',
      );
    });

    it('two variants with the same derived name', async () => {
      expect(await invalid(presetJson((j) => j.variants.push({ rendition: 'medium', filters: [{ name: 'grayscale' }] })))).toBe(
        'Invalid preset at $.variants[1]: expected a name not already used by $.variants[0], but received "medium-grayscale".',
      );
    });

    it('a variant of a rendition that does not exist', async () => {
      expect(await invalid(presetJson((j) => (j.variants[0].rendition = 'huge')))).toBe(
        'Invalid preset at $.variants[0].rendition: expected the name of a rendition of this preset ("thumb", "medium" or "large"), but received "huge".',
      );
    });

    it('a variant without filters', async () => {
      expect(await invalid(presetJson((j) => (j.variants[0].filters = [])))).toContain('$.variants[0].filters');
    });

    it.each(['Thumb', '../etc', '', 'a b', '-x', 'x'.repeat(65)])('the unsafe name %j', async (name) => {
      const message = await invalid(presetJson((j) => (j.renditions[0].name = name)));
      expect(message).toContain('$.renditions[0].name');
      expect(message).toContain('a-z, 0-9 and "-"');
    });

    it('an unknown top-level property (a typo)', async () => {
      expect(await invalid(presetJson((j) => (j.renditons = [])))).toBe(
        'Invalid preset at $: "renditons" is not a property of a preset (did you mean "renditions"?); expected only the properties "name", "renditions", "formats", "variants" and "flattenBackground".',
      );
    });

    it('no renditions', async () => {
      expect(await invalid(presetJson((j) => (j.renditions = [])))).toContain(
        '$.renditions: expected a list of renditions (1 to 20 items), but received an array of 0 items.',
      );
    });

    it('a background colour that is not #rrggbb', async () => {
      expect(await invalid(presetJson((j) => (j.flattenBackground = 'white')))).toContain('$.flattenBackground');
    });

    it.each([null, [], 'default', 42])('%j instead of an object', async (json) => {
      expect(await invalid(json)).toContain('Invalid preset at $: expected a preset object');
    });
  });
});

describe('PRESET_SCHEMA', () => {
  it('checks the shape and applies the defaults, leaving the rules between parts to parsePreset', async () => {
    const json = presetJson((j) => {
      j.variants[0].rendition = 'huge';
      delete j.variants[0].formats;
    });
    const shape = v.parse(PRESET_SCHEMA, json);
    expect(shape.formats[0]).toEqual({ format: 'webp', quality: 80, effort: 4, lossless: false });
    expect(shape.variants).toEqual([{ rendition: 'huge', filters: [{ name: 'grayscale' }] }]);
    expect(await invalid(json)).toContain('$.variants[0].rendition: expected the name of a rendition of this preset');
  });
});

describe('formatsFor', () => {
  it('refuses a base name the preset does not produce', async () => {
    await expectCodedError(() => formatsFor(DEFAULT_PRESET, 'huge'), 'INTERNAL');
  });
});
