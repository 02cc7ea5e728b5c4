export * from './health.module';
export * from './health.types';
export {
  toInstanceHealthDto,
  toServiceHealthDto,
  type InstanceHealthDto,
  type ServiceHealthDto,
} from './dto/service-health.dto';
export { toAlertDto, type AlertDto } from './dto/alert.dto';
