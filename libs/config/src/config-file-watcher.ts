import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { DomainEvents } from '@app/common';
import { ConfigStore } from './config-store';
import { configFilePath, loadConfig, type ConfigSource } from './config-loader';

export const CONFIG_SOURCE = Symbol('CONFIG_SOURCE');

/**
 * Reloads the YAML file when it changes on disk, if `monitoring.hot_reload` is on. Polling (fs.watchFile)
 * rather than fs.watch: editors replace files by rename, which fs.watch loses track of.
 */
@Injectable()
export class ConfigFileWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ConfigFileWatcher');
  private watchedPath?: string;
  private stopListening?: () => void;

  constructor(
    private readonly configStore: ConfigStore,
    private readonly events: DomainEvents,
    private readonly source: ConfigSource,
  ) {}

  onApplicationBootstrap(): void {
    this.sync();
    this.stopListening = this.events.on('config.changed', () => this.sync());
  }

  onApplicationShutdown(): void {
    this.stopListening?.();
    this.unwatch();
  }

  /** Applies the file now; used by the watcher and directly by tests. Returns the changed sections. */
  reload(): string[] {
    try {
      return this.configStore.reloadTunables(loadConfig(this.source));
    } catch (error) {
      const message = `Config file not reloaded, keeping the running configuration: ${(error as Error).message}`;
      this.logger.error(message);
      this.events.activity('error', 'config', message);
      return [];
    }
  }

  private sync(): void {
    const wanted = this.configStore.current.monitoring.hotReload;
    if (wanted && !this.watchedPath) {
      this.watchedPath = configFilePath(this.source);
      watchFile(this.watchedPath, { interval: 500 }, this.onFileChange);
    } else if (!wanted) {
      this.unwatch();
    }
  }

  private readonly onFileChange = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs !== previous.mtimeMs) this.reload();
  };

  private unwatch(): void {
    if (this.watchedPath) unwatchFile(this.watchedPath, this.onFileChange);
    this.watchedPath = undefined;
  }
}
