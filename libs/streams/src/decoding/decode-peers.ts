/** What an orchestrator instance tells the others sharing its speech-to-text engines. */
export interface PeerLoad {
  /** Live streams open on the instance: its claim on the pool's slots. */
  streams: number;
  /** Decode slots its streams' finals kept busy over the last 30 s; null while too little is measured. */
  finalsLoad: number | null;
}

/** A live instance sharing the engines, as last heard. */
export interface Peer extends PeerLoad {
  id: string;
}

/**
 * The other orchestrator instances that share this one's speech-to-text engines (docs/streams.md "Decode
 * capacity": shared with REDIS_URL). Each tells the others its load; nothing is asked per decode.
 */
export interface DecodePeers {
  /** This instance, as the others know it. */
  readonly id: string;
  /** Starts taking part; `own` is read whenever this instance reports itself. */
  join(own: () => PeerLoad): void;
  /** This instance's claim changed (a stream opened or closed): tells the others now, not at the next beat. */
  announce(): void;
  /** The other live instances, as last heard. */
  others(): Peer[];
  /** Told when an instance joins, leaves, dies (its lease runs out) or its claim changes. */
  onChange(listener: () => void): () => void;
  /** Stops taking part, telling the others so they take its share back at once. */
  leave(): Promise<void>;
}

export const DECODE_PEERS = Symbol('DECODE_PEERS');

/** Without REDIS_URL the process is alone with its engines. */
export class SoloDecodePeers implements DecodePeers {
  readonly id = 'self';
  join(): void {}
  announce(): void {}
  others(): Peer[] {
    return [];
  }
  onChange(): () => void {
    return () => undefined;
  }
  async leave(): Promise<void> {}
}
