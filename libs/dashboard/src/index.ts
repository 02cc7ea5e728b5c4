export * from './dashboard.module';
export * from './public-dir';
export * from './static-assets';
