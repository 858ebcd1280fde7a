/**
 * A private Mosquitto the drills can take down and bring back: persistence on (sessions and queued
 * QoS 1 messages survive a restart, as on a production broker), the same loopback port and data
 * folder every time, stopped, frozen and thawed by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../support/mosquitto';

export class RestartableBroker {
  private child: ChildProcess | null = null;
  private stderr = '';
  private isFrozen = false;
  /** How many times it was started after the first. */
  restarts = 0;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly conf: string,
  ) {}

  static async create(): Promise<RestartableBroker> {
    const dir = mkdtempSync(join(tmpdir(), 'kw-drill-broker-'));
    const port = await freePort();
    const conf = join(dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        'persistence true',
        `persistence_location ${dir}/`,
        'persistence_file mosquitto.db',
        // Saved at shutdown; an autosave mid-drill would only add disk work.
        'autosave_interval 3600',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        // Debian's defaults drop messages queued for an offline session; the drills lose none.
        'max_queued_messages 0',
        'max_inflight_messages 0',
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        // Started as root, Mosquitto drops to the `mosquitto` user, which cannot write the
        // persistence file into our folder: sessions would silently not survive a restart.
        `user ${userInfo().username}`,
        '',
      ].join('\n'),
    );
    const broker = new RestartableBroker(port, dir, conf);
    await broker.start();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('mosquitto is not running');
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('mosquitto is already running');
    const child = spawn('mosquitto', ['-c', this.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child = child;
    await waitForPort(this.port, child, () => this.stderr, 10_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
    this.restarts++;
  }

  /** SIGTERM by PID: Mosquitto saves its sessions and queued messages, then exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.isFrozen) this.thaw();
    await new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      process.kill(child.pid as number, 'SIGTERM');
    });
    this.child = null;
  }

  /** SIGSTOP: the socket stays open and silent, as a hung broker or a dead link looks. */
  freeze(): void {
    process.kill(this.pid, 'SIGSTOP');
    this.isFrozen = true;
  }

  thaw(): void {
    process.kill(this.pid, 'SIGCONT');
    this.isFrozen = false;
  }

  get log(): string {
    return this.stderr;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
