import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { StaffRole } from './api-key.entity';
import { StaffOnly, StaffRequest } from './staff.guard';

export class StaffIdentityView {
  @ApiProperty({ enum: ['admin', 'finance'] }) role: StaffRole;
  @ApiProperty({ description: 'The key’s name' }) name: string;
}

/** Which key this is: the dashboard offers only what its role may do. */
@ApiTags('admin')
@Controller('v1/admin/me')
export class AdminIdentityController {
  @Get()
  @StaffOnly('finance')
  @ApiOperation({ operationId: 'getStaffIdentity', summary: 'The calling key’s role and name' })
  @ApiOkResponse({ type: StaffIdentityView })
  me(@Req() req: StaffRequest): StaffIdentityView {
    return { role: req.staff!.role, name: req.staff!.name };
  }
}
