export * from './settings.dto';
export * from './settings.service';
export * from './settings.module';
