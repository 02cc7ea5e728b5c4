import { randomUUID } from 'node:crypto';
import type { Alert } from './health.types';
import type { AlertDraft } from './alert-rules';

/** Recent alerts, newest first; the oldest fall off past `capacity` so memory stays bounded. */
export class AlertLog {
  private readonly entries: Alert[] = [];

  constructor(private capacity: number) {}

  add(draft: AlertDraft, at: Date): Alert {
    const alert: Alert = { id: randomUUID(), ...draft, time: at.toISOString() };
    this.entries.unshift(alert);
    this.trim();
    return alert;
  }

  list(limit = this.capacity): Alert[] {
    return this.entries.slice(0, Math.max(0, limit));
  }

  resize(capacity: number): void {
    this.capacity = capacity;
    this.trim();
  }

  private trim(): void {
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }
}
