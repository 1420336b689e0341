import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ListOf } from '../common/openapi/api-errors.decorator';
import { ApiKey } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './create-api-key.dto';
import { StaffOnly } from './staff.guard';

function view(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: `pbk_${k.lookupId}`,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/api-keys')
export class AdminApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create a staff API key (shown once)' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  async create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    const { apiKey, key } = await this.apiKeys.create(dto.name, dto.role);
    return { ...view(apiKey), key };
  }

  @Get()
  @ApiOperation({ operationId: 'listApiKeys', summary: 'Staff API keys (never the keys)' })
  @ApiOkResponse({ type: ListOf(ApiKeyView) })
  async list(): Promise<{ data: ApiKeyView[] }> {
    return { data: (await this.apiKeys.list()).map(view) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke a staff API key' })
  @ApiNoContentResponse({ description: 'Revoked (no body)' })
  @ApiErrors({ 404: 'No such key, or already revoked' })
  async revoke(@Param('id') id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
