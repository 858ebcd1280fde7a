/**
 * Where the tariff comes from (README "Cost"): `[tariff]` in kilowatch.toml wins, as every setting
 * the file sets does; otherwise the one set on the settings screen, kept in the database as it was
 * written (so it reads back exactly), or none.
 */
import type { TariffSetting as TariffSettingView } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { TariffInputSchema, type TariffInput } from '../../../shared/tariff-input';
import type { Store } from '../store/store';
import { TariffSchema, tariffInputOf, type Tariff } from './tariff-schema';

const STORED = 'tariff';

/** zod's issues as one sentence naming each field: "periods.0.bands.1.perKWh: has more decimals…". */
function inWords(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export class TariffSetting {
  private stored: { input: TariffInput; tariff: Tariff } | null = null;
  /** A kept tariff this runtime refuses (a currency it does not know), in words. */
  readonly ignored: string[] = [];

  constructor(
    private readonly store: Store,
    private readonly fromFile: Tariff | undefined,
  ) {
    const text = store.setting(STORED);
    if (text === undefined) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      this.ignored.push('the saved tariff could not be read');
      return;
    }
    const written = TariffInputSchema.safeParse(raw);
    const parsed = TariffSchema.safeParse(raw);
    if (written.success && parsed.success) this.stored = { input: written.data, tariff: parsed.data };
    else
      this.ignored.push(
        `the saved tariff is not valid here (${inWords((written.error ?? parsed.error)?.issues ?? [])})`,
      );
  }

  /** The tariff in force; null: no cost anywhere. */
  get tariff(): Tariff | null {
    return this.fromFile ?? this.stored?.tariff ?? null;
  }

  view(): TariffSettingView {
    if (this.fromFile) return { tariff: tariffInputOf(this.fromFile), source: 'file' };
    if (this.stored) return { tariff: this.stored.input, source: 'console' };
    return { tariff: null, source: 'none' };
  }

  /** Checks and keeps a tariff from the settings screen (null: none); the file's cannot be changed. */
  set(input: TariffInput | null): Result<Tariff | null, ApiError> {
    if (this.fromFile)
      return err(
        'invalid-params',
        'The tariff is set by kilowatch.toml [tariff], which wins over the settings screen; change it there.',
      );
    if (input === null) {
      const saved = this.store.saveSetting(STORED, null);
      if (!saved.ok) return saved;
      this.stored = null;
      return ok(null);
    }
    const parsed = TariffSchema.safeParse(input);
    if (!parsed.success)
      return err('invalid-params', `The tariff is not valid: ${inWords(parsed.error.issues)}.`);
    const saved = this.store.saveSetting(STORED, JSON.stringify(input));
    if (!saved.ok) return saved;
    this.stored = { input, tariff: parsed.data };
    return ok(parsed.data);
  }
}
