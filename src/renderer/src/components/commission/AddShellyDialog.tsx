import { useEffect, useRef, useState } from 'react';
import type { CommandParams, ShellyFound } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { useConnection } from '../../state/connection';
import { reveal } from '../../state/navigate';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { Dialog } from '../dialogs/Dialog';
import {
  commissionDevice,
  probeDevice,
  scanNetwork,
  watchArrival,
  type ArrivalWatch,
  type DeviceLogin,
} from './commission-actions';
import {
  addressOf,
  addressProblem,
  brokerSuggestion,
  defaultDeviceName,
  hostCount,
  networkProblem,
  serverOf,
} from './commission-form';
import { ARRIVAL_TIMEOUT_MS, ConfirmStep, type CommissionOutcome } from './ConfirmStep';
import { FindStep, scanPortOf, type FindForm, type ScanState } from './FindStep';
import { IdentifyStep, needsPassword, type LoginForm } from './IdentifyStep';
import { pathOf, placeProblems, PlaceStep, type PlaceForm } from './PlaceStep';
import './commission.css';

const STEPS = ['find', 'identify', 'place', 'confirm'] as const;
type Step = (typeof STEPS)[number];

/** The place to offer first: where staff are in the tree, else where the console already has it. */
function startingPlace(found: ShellyFound): Pick<PlaceForm, 'company' | 'office' | 'room'> {
  const { byId } = useTree.getState();
  const selected = byId[useUi.getState().selectedId ?? ''];
  // A device under Unassigned has no place to offer: only a node inside a company does.
  const isPlaced = selected !== undefined && byId[`company:${selected.path[0] ?? ''}`] !== undefined;
  const path = isPlaced ? selected.path.slice(0, 3) : found.known?.path.length === 3 ? found.known.path : [];
  const companies = useTree.getState().nodes.filter((n) => n.kind === 'company');
  const onlyCompany = companies.length === 1 ? (companies[0]?.path[0] ?? '') : '';
  return { company: path[0] ?? onlyCompany, office: path[1] ?? '', room: path[2] ?? '' };
}

/**
 * "Add a Shelly" (issue #17, commissioning): find a device on the LAN, read what it says, choose
 * its place and broker, confirm, then watch it arrive in that room. Each step keeps what was
 * typed when another step fails or is gone back to.
 */
export function AddShellyDialog() {
  const close = useUi((s) => s.closeDialog);
  const [step, setStep] = useState<Step>('find');
  const [find, setFind] = useState<FindForm>({
    address: '',
    network: '',
    port: '80',
    isAddressChecked: false,
    isNetworkChecked: false,
  });
  const [scan, setScan] = useState<ScanState>({ kind: 'idle' });
  const [isReading, setReading] = useState(false);
  const [found, setFound] = useState<ShellyFound | null>(null);
  const [login, setLogin] = useState<LoginForm>({ username: 'admin', password: '' });
  /** The login the device accepted: commissioning needs it again. */
  const [acceptedLogin, setAcceptedLogin] = useState<DeviceLogin | undefined>(undefined);
  const [place, setPlace] = useState<PlaceForm>({
    company: '',
    office: '',
    room: '',
    name: '',
    server: '',
    mqttUser: '',
    mqttPassword: '',
    tls: 'none',
    isChecked: false,
  });
  /** The device (by MAC) the place form was filled in for: another device starts it afresh. */
  const placedFor = useRef<string | null>(null);
  const [outcome, setOutcome] = useState<CommissionOutcome>({ kind: 'ready' });
  const [errors, setErrors] = useState<Partial<Record<Step, string>>>({});
  const watch = useRef<ArrivalWatch | null>(null);
  const lateTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);

  useEffect(
    () => () => {
      watch.current?.stop();
      if (lateTimer.current) clearTimeout(lateTimer.current);
    },
    [],
  );

  const fail = (at: Step, message: string | null): void =>
    setErrors((e) => ({ ...e, [at]: message ?? undefined }));

  const read = async (address: string, from: 'find' | 'identify', withLogin?: DeviceLogin): Promise<void> => {
    if (isReading) return;
    setReading(true);
    fail(from, null);
    const reply = await probeDevice(address, withLogin);
    setReading(false);
    if (!reply.ok) return fail(from, reply.error.message);
    setFound(reply.value);
    setAcceptedLogin(withLogin);
    if (from === 'find') setLogin((l) => ({ ...l, password: '' }));
    fail('identify', null);
    setStep('identify');
  };

  const readTyped = (): void => {
    const address = addressOf(find.address);
    setFind((f) => ({ ...f, isAddressChecked: true }));
    if (addressProblem(address) === null) void read(address, 'find');
  };

  const runScan = async (): Promise<void> => {
    setFind((f) => ({ ...f, isNetworkChecked: true }));
    const port = scanPortOf(find);
    if (isReading || scan.kind === 'running' || networkProblem(find.network) !== null || port === null)
      return;
    fail('find', null);
    setScan({ kind: 'running', hosts: hostCount(find.network) });
    const reply = await scanNetwork(find.network, port);
    if (!reply.ok) {
      setScan({ kind: 'idle' });
      return fail('find', reply.error.message);
    }
    setScan({ kind: 'done', ...reply.value });
  };

  const readAgain = (): void => {
    if (!found || login.password === '') return fail('identify', t('commission.identify.passwordEmpty'));
    const withLogin: DeviceLogin =
      found.generation === 1
        ? { username: login.username.trim() || 'admin', password: login.password }
        : { password: login.password };
    void read(found.address, 'identify', withLogin);
  };

  const toPlace = (): void => {
    if (!found) return;
    if (placedFor.current !== found.mac) {
      placedFor.current = found.mac;
      // Whether a loopback broker is reachable depends on where the device is: offered per device.
      const suggestion = brokerSuggestion(useConnection.getState().state, found.address);
      setPlace((p) => ({
        ...p,
        ...startingPlace(found),
        name: defaultDeviceName(found),
        ...(p.server === '' && suggestion),
        isChecked: false,
      }));
    }
    setStep('place');
  };

  const toConfirm = (): void => {
    setPlace((p) => ({ ...p, isChecked: true }));
    if (Object.keys(placeProblems(place)).length === 0) return setStep('confirm');
    // To the first field to fix, once its problem is on screen.
    requestAnimationFrame(() =>
      bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    );
  };

  const send = async (): Promise<void> => {
    if (!found || outcome.kind !== 'ready') return;
    const tls = found.generation === 1 ? 'none' : place.tls;
    const params: CommandParams<'device.commission'> = {
      address: found.address,
      ...(acceptedLogin && { login: acceptedLogin }),
      path: pathOf(place),
      name: place.name.normalize('NFC'),
      mqtt: {
        server: serverOf(place.server, tls),
        tls,
        ...(place.mqttUser.trim() !== '' && { user: place.mqttUser.trim() }),
        ...(place.mqttPassword !== '' && { password: place.mqttPassword }),
      },
    };
    fail('confirm', null);
    setOutcome({ kind: 'sending' });
    watch.current?.stop();
    const arrival = watchArrival();
    watch.current = arrival;
    const reply = await commissionDevice(params);
    if (!reply.ok) {
      arrival.stop();
      setOutcome({ kind: 'ready' });
      return fail('confirm', reply.error.message);
    }
    const report = reply.value;
    setOutcome({ kind: 'waiting', report, sinceMs: Date.now() });
    // Late is not final: the watch goes on, and a device that turns up after all is shown arrived.
    lateTimer.current = setTimeout(
      () => setOutcome((o) => (o.kind === 'waiting' ? { kind: 'late', report } : o)),
      ARRIVAL_TIMEOUT_MS,
    );
    arrival.expect(report, (nodeId) => {
      if (lateTimer.current) clearTimeout(lateTimer.current);
      setOutcome({ kind: 'arrived', report, nodeId });
    });
  };

  const showInTree = (nodeId: string): void => {
    close();
    reveal(nodeId);
  };

  const back = (): void => setStep(STEPS[Math.max(0, STEPS.indexOf(step) - 1)] ?? 'find');

  const submit = (): void => {
    if (step === 'find') return readTyped();
    if (step === 'identify') return found && needsPassword(found) ? readAgain() : toPlace();
    if (step === 'place') return toConfirm();
    if (outcome.kind === 'ready') return void send();
    if (outcome.kind === 'arrived') return showInTree(outcome.nodeId);
  };

  const isSent = outcome.kind !== 'ready' && outcome.kind !== 'sending';
  const isBusy = isReading || outcome.kind === 'sending';
  const isPasswordAsked = found !== null && needsPassword(found);
  const primary = primaryLabel(step, found, outcome, isReading);
  return (
    <Dialog
      title={t('commission.title')}
      testId="add-shelly-dialog"
      onClose={close}
      onSubmit={submit}
      actions={
        <>
          {step === 'find' || isSent ? (
            <button
              type="button"
              onClick={close}
              data-testid="commission-close"
              // While the dialog waits there is nothing else to press: focus stays in the dialog.
              autoFocus={isSent && primary === null}
            >
              {isSent ? t('dialogs.close') : t('dialogs.cancel')}
            </button>
          ) : (
            <button
              type="button"
              onClick={back}
              disabled={outcome.kind === 'sending'}
              data-testid="commission-back"
            >
              {t('commission.back')}
            </button>
          )}
          {primary && (
            <button
              key={`${step} ${outcome.kind} ${isPasswordAsked}`}
              type="submit"
              className="primary"
              data-testid="commission-next"
              // Not `disabled`: that would drop the focus of whoever pressed it; a busy submit is ignored.
              aria-disabled={isBusy}
              // Where a step has no field to start in, this button is the next thing to do.
              autoFocus={step === 'confirm' || (step === 'identify' && !isPasswordAsked)}
            >
              {primary}
            </button>
          )}
        </>
      }
    >
      <div className="commission" data-step={step} ref={bodyRef}>
        <ol className="commission-steps" aria-label={t('commission.steps')}>
          {STEPS.map((s, i) => (
            <li
              key={s}
              aria-current={s === step ? 'step' : undefined}
              className={i < STEPS.indexOf(step) ? 'is-done' : undefined}
            >
              {t(`commission.step.${s}`)}
            </li>
          ))}
        </ol>
        {step === 'find' && (
          <FindStep
            form={find}
            onChange={(patch) => setFind((f) => ({ ...f, ...patch }))}
            scan={scan}
            onScan={() => void runScan()}
            onPick={(picked) => {
              setFind((f) => ({ ...f, address: picked.address, isAddressChecked: false }));
              void read(picked.address, 'find');
            }}
            isReading={isReading}
            error={errors.find ?? null}
          />
        )}
        {step === 'identify' && found && (
          <IdentifyStep
            found={found}
            login={login}
            onLoginChange={(patch) => setLogin((l) => ({ ...l, ...patch }))}
            isReading={isReading}
            error={errors.identify ?? null}
          />
        )}
        {step === 'place' && found && (
          <PlaceStep found={found} form={place} onChange={(patch) => setPlace((p) => ({ ...p, ...patch }))} />
        )}
        {step === 'confirm' && found && (
          <ConfirmStep found={found} form={place} outcome={outcome} error={errors.confirm ?? null} />
        )}
      </div>
    </Dialog>
  );
}

function primaryLabel(
  step: Step,
  found: ShellyFound | null,
  outcome: CommissionOutcome,
  isReading: boolean,
): string | null {
  if (step === 'find') return isReading ? t('commission.reading') : t('commission.find.read');
  if (step === 'identify')
    return found && needsPassword(found)
      ? isReading
        ? t('commission.reading')
        : t('commission.identify.readAgain')
      : t('commission.next');
  if (step === 'place') return t('commission.next');
  if (outcome.kind === 'ready') return t('commission.confirm.submit');
  if (outcome.kind === 'sending') return t('commission.confirm.sending');
  if (outcome.kind === 'arrived') return t('commission.showInTree');
  return null;
}
