import { IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { SERVICE_MESSAGE_TYPES, type ServiceMessageType } from '../realtime.events';
import { CLIENT_ID_PATTERN } from './wire-patterns';

export const SERVICE_REQUEST_TARGETS = ['whisper', 'speaker', 'translation'] as const;
export const SERVICE_REQUEST_ACTIONS = ['get_models', 'get_languages', 'health'] as const;
export type ServiceRequestTarget = (typeof SERVICE_REQUEST_TARGETS)[number];
export type ServiceRequestAction = (typeof SERVICE_REQUEST_ACTIONS)[number];

/** Read first, to pick the DTO of the message's type. */
export class ServiceMessageTypeDto {
  @IsIn(SERVICE_MESSAGE_TYPES, { message: `type must be one of ${SERVICE_MESSAGE_TYPES.join(', ')}` })
  type: ServiceMessageType;
}

export class ServiceRequestDto extends ServiceMessageTypeDto {
  @IsIn(SERVICE_REQUEST_TARGETS)
  target_service: ServiceRequestTarget;

  @IsIn(SERVICE_REQUEST_ACTIONS)
  action: ServiceRequestAction;

  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  request_id?: string;

  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

export class JoinSessionDto extends ServiceMessageTypeDto {
  @IsString()
  @Matches(CLIENT_ID_PATTERN, { message: 'session_id must be 1 to 128 letters, digits or . _ : -' })
  session_id: string;
}

export class LeaveSessionDto extends ServiceMessageTypeDto {
  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  session_id?: string;
}
