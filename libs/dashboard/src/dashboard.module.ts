import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { resolvePublicDir } from './public-dir';
import { DASHBOARD_PUBLIC_DIR, StaticAssets } from './static-assets';

@Module({
  controllers: [DashboardController],
  providers: [{ provide: DASHBOARD_PUBLIC_DIR, useFactory: () => resolvePublicDir() }, StaticAssets],
})
export class DashboardModule {}
