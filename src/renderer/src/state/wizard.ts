/**
 * The connection wizard's state: the form as typed, which step is shown, which fields have been
 * visited (errors show once a field is left, or when Next/Test is pressed), and the last test
 * report. It talks to the core only through the contract (`connection.test`,
 * `connection.save`, `connection.connect`); passwords stay in this store only while the wizard
 * is open and are dropped when it closes.
 */
import { create } from 'zustand';
import type { ConnectionProfileInput, ConnectionState, ConnectionTestReport } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';
import { api } from '../api';
import {
  applyPreset,
  emptyForm,
  formFromProfile,
  STEP_FIELDS,
  stepErrors,
  toProfile,
  WIZARD_STEPS,
  type FieldErrors,
  type FieldName,
  type PresetId,
  type WizardForm,
  type WizardStep,
} from '../components/wizard/form';
import { useConnection } from './connection';

interface WizardStore {
  step: WizardStep;
  form: WizardForm;
  /** Fields whose errors are shown: left once, or their step was submitted. */
  shown: Partial<Record<FieldName, boolean>>;
  isTesting: boolean;
  /** How many tests have finished since the wizard opened (lets tests wait for a fresh one). */
  testRuns: number;
  report: ConnectionTestReport | null;
  /** The profile the report is about (JSON), to tell when the form has changed since. */
  testedKey: string | null;
  /** The test could not run at all (a profile the core refuses, the core unreachable). */
  testError: ApiError | null;
  /** Saving failed (invalid PEM, disk), or the core was unreachable. */
  saveError: ApiError | null;
  isSaving: boolean;
  saved: { name: string; state: ConnectionState | null; connectError: ApiError | null } | null;
  /**
   * Asked before a save would replace the live connection: the profile in use and its broker,
   * and the one being saved. Null when nothing is being asked.
   */
  replace: { live: string; liveBroker: string | null; next: string } | null;

  start(initial?: ConnectionProfileInput): void;
  reset(): void;
  setField<K extends keyof WizardForm>(field: K, value: WizardForm[K]): void;
  show(field: FieldName): void;
  choosePreset(preset: PresetId): void;
  goTo(step: WizardStep): void;
  /** Validates the current step; moves on only when it is clean. */
  next(): boolean;
  back(): void;
  runTest(): Promise<void>;
  saveAndConnect(options?: { activate?: boolean }): Promise<boolean>;
  /**
   * Save, as the person chose: making the profile active while another connection is live asks
   * first (`replace`); anything else saves at once.
   */
  requestSave(options: { activate: boolean }): Promise<boolean>;
  /** The answer to `replace`: go ahead, or save without making it active. */
  answerReplace(isReplacing: boolean): Promise<boolean>;
}

const fresh = () => ({
  step: 'broker' as WizardStep,
  form: emptyForm(),
  shown: {},
  isTesting: false,
  testRuns: 0,
  report: null,
  testedKey: null,
  testError: null,
  saveError: null,
  isSaving: false,
  saved: null,
  replace: null,
});

const showAll = (fields: FieldName[]) => Object.fromEntries(fields.map((f) => [f, true]));

/** The first step whose fields stop the profile, so Test/Save can send the person there. */
function firstStepWith(errors: FieldErrors): WizardStep {
  return WIZARD_STEPS.find((step) => STEP_FIELDS[step].some((f) => errors[f])) ?? 'broker';
}

export const useWizard = create<WizardStore>()((set, get) => ({
  ...fresh(),

  start: (initial) => set({ ...fresh(), ...(initial && { form: formFromProfile(initial) }) }),
  reset: () => set(fresh()),

  setField: (field, value) =>
    set((s) => {
      const form = { ...s.form, [field]: value };
      // The port follows the protocol while it is still a default port.
      if (field === 'protocol') {
        const defaults = ['1883', '8883', '80', '443'];
        if (defaults.includes(s.form.port))
          form.port = String({ mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 }[value as WizardForm['protocol']]);
      }
      return { form, saved: null, replace: null };
    }),

  show: (field) => set((s) => (s.shown[field] ? s : { shown: { ...s.shown, [field]: true } })),

  choosePreset: (preset) => set((s) => ({ form: applyPreset(s.form, preset), saved: null })),

  goTo: (step) => set({ step }),

  next: () => {
    const { step, form } = get();
    const errors = stepErrors(form, step);
    set((s) => ({ shown: { ...s.shown, ...showAll(STEP_FIELDS[step]) } }));
    if (Object.keys(errors).length > 0) return false;
    const at = WIZARD_STEPS.indexOf(step);
    set({ step: WIZARD_STEPS[Math.min(at + 1, WIZARD_STEPS.length - 1)] as WizardStep });
    return true;
  },

  back: () => {
    const at = WIZARD_STEPS.indexOf(get().step);
    set({ step: WIZARD_STEPS[Math.max(at - 1, 0)] as WizardStep });
  },

  runTest: async () => {
    const built = toProfile(get().form);
    if (!built.ok) {
      set((s) => ({
        shown: { ...s.shown, ...showAll(Object.keys(built.errors) as FieldName[]) },
        step: firstStepWith(built.errors),
      }));
      return;
    }
    const key = JSON.stringify(built.profile);
    set({ isTesting: true, report: null, testError: null, testedKey: key });
    const reply = await api.invoke('connection.test', { profile: built.profile });
    // A newer test (or a closed wizard) wins over a late answer.
    if (get().testedKey !== key || !get().isTesting) return;
    if (reply.ok) set((s) => ({ isTesting: false, report: reply.value, testRuns: s.testRuns + 1 }));
    else set((s) => ({ isTesting: false, testError: reply.error, testRuns: s.testRuns + 1 }));
  },

  requestSave: async ({ activate }) => {
    if (!activate) return get().saveAndConnect({ activate: false });
    const built = toProfile(get().form);
    if (!built.ok) return get().saveAndConnect({ activate });
    const status = await api.invoke('connection.status', {});
    // Unknown state (the core unreachable): asking cannot name the live profile, and saving
    // will fail the same way, saying why.
    const live = status.ok ? status.value : null;
    const isLive = live !== null && live.status !== 'disconnected';
    if (isLive && live.profile !== undefined) {
      set({ replace: { live: live.profile, liveBroker: live.broker, next: built.profile.name } });
      return false;
    }
    return get().saveAndConnect({ activate });
  },

  answerReplace: async (isReplacing) => {
    if (!get().replace) return false;
    set({ replace: null });
    return get().saveAndConnect({ activate: isReplacing });
  },

  saveAndConnect: async ({ activate = true } = {}) => {
    const built = toProfile(get().form);
    if (!built.ok) {
      set((s) => ({
        shown: { ...s.shown, ...showAll(Object.keys(built.errors) as FieldName[]) },
        step: firstStepWith(built.errors),
      }));
      return false;
    }
    set({ isSaving: true, saveError: null, saved: null });
    const saved = await api.invoke('connection.save', { profile: built.profile, activate });
    if (!saved.ok) {
      set({ isSaving: false, saveError: saved.error });
      return false;
    }
    const name = saved.value.name;
    if (!activate) {
      set({ isSaving: false, saved: { name, state: null, connectError: null } });
      return true;
    }
    const connected = await api.invoke('connection.connect', { name });
    if (connected.ok) useConnection.getState().set(connected.value);
    set({
      isSaving: false,
      saved: {
        name,
        state: connected.ok ? connected.value : null,
        connectError: connected.ok ? null : connected.error,
      },
      // The password has done its job: it now lives in the core's secret store only.
      form: { ...get().form, password: '', passphrase: '' },
    });
    return connected.ok;
  },
}));

/** Whether the last report is about exactly what the form says now. */
export function isReportCurrent(s: Pick<WizardStore, 'form' | 'testedKey' | 'report'>): boolean {
  if (!s.report || !s.testedKey) return false;
  const built = toProfile(s.form);
  return built.ok && JSON.stringify(built.profile) === s.testedKey;
}
