import { IdempotencyKey } from '../common/validation/idempotency-key.decorator';
import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../auth/staff.guard';
import { StartsGift } from '../common/rate-limit/gift-creation.decorator';
import { AuditReads } from '../audit/audit.interceptor';
import { AuthenticatedDonor } from '../donor-auth/donor-sessions.service';
import { CurrentDonor, DonorOnly } from '../donor-auth/donor.guard';
import {
  ChangePledgeAmountDto,
  CreatePledgeDto,
  ListPledgesQuery,
  PausePledgeDto,
  PledgeCreatedView,
} from './create-pledge.dto';
import { PledgeActor, PledgesService } from './pledges.service';

@ApiTags('pledges')
@Controller('v1/campaigns/:slug/pledges')
export class PledgesController {
  constructor(private readonly pledges: PledgesService) {}

  /** Starts a recurring gift: a Subscription whose first payment the site confirms. */
  @Post()
  @StartsGift(PledgeCreatedView)
  create(
    @Param('slug') slug: string,
    @Body() dto: CreatePledgeDto,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<PledgeCreatedView> {
    return this.pledges.create(slug, dto, idempotencyKey);
  }
}

/** The same operations for a signed-in donor (own pledges only) and for staff (any pledge). */
abstract class PledgeOperations {
  protected abstract readonly pledges: PledgesService;

  protected ops(actor: PledgeActor) {
    return {
      get: (id: string) => this.pledges.get(actor, id),
      changeAmount: (id: string, dto: ChangePledgeAmountDto) =>
        this.pledges.changeAmount(actor, id, dto.amount),
      pause: (id: string, dto: PausePledgeDto) => this.pledges.pause(actor, id, dto.until),
      resume: (id: string) => this.pledges.resume(actor, id),
      cancel: (id: string) => this.pledges.cancel(actor, id),
      paymentMethod: (id: string) => this.pledges.newPaymentMethod(actor, id),
    };
  }
}

@ApiTags('donor')
@DonorOnly()
@Controller('v1/donor/pledges')
export class DonorPledgesController extends PledgeOperations {
  constructor(protected readonly pledges: PledgesService) {
    super();
  }

  @Get()
  @ApiOkResponse({ description: 'The signed-in donor’s pledges' })
  async list(@CurrentDonor() donor: AuthenticatedDonor) {
    return { data: await this.pledges.listForDonor(donor.donorId) };
  }

  @Get(':id')
  get(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).get(id);
  }

  @Patch(':id')
  changeAmount(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Body() dto: ChangePledgeAmountDto,
  ) {
    return this.ops(donor).changeAmount(id, dto);
  }

  @Post(':id/pause')
  pause(
    @CurrentDonor() donor: AuthenticatedDonor,
    @Param('id') id: string,
    @Body() dto: PausePledgeDto,
  ) {
    return this.ops(donor).pause(id, dto);
  }

  @Post(':id/resume')
  resume(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).resume(id);
  }

  @Post(':id/cancel')
  cancel(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).cancel(id);
  }

  @Post(':id/payment-method')
  paymentMethod(@CurrentDonor() donor: AuthenticatedDonor, @Param('id') id: string) {
    return this.ops(donor).paymentMethod(id);
  }
}

@ApiTags('admin')
@StaffOnly('admin')
@Controller('v1/admin/pledges')
export class AdminPledgesController extends PledgeOperations {
  private readonly staff = { staff: true } as const;

  constructor(protected readonly pledges: PledgesService) {
    super();
  }

  @Get()
  @AuditReads()
  @ApiOkResponse({ description: 'Pledges, newest first, optionally by status' })
  async list(@Query() query: ListPledgesQuery) {
    return { data: await this.pledges.list(query.status, query.limit, query.before) };
  }

  @Get(':id')
  @AuditReads()
  get(@Param('id') id: string) {
    return this.ops(this.staff).get(id);
  }

  @Patch(':id')
  changeAmount(@Param('id') id: string, @Body() dto: ChangePledgeAmountDto) {
    return this.ops(this.staff).changeAmount(id, dto);
  }

  @Post(':id/pause')
  pause(@Param('id') id: string, @Body() dto: PausePledgeDto) {
    return this.ops(this.staff).pause(id, dto);
  }

  @Post(':id/resume')
  resume(@Param('id') id: string) {
    return this.ops(this.staff).resume(id);
  }

  @Post(':id/cancel')
  cancel(@Param('id') id: string) {
    return this.ops(this.staff).cancel(id);
  }

  @Post(':id/payment-method')
  paymentMethod(@Param('id') id: string) {
    return this.ops(this.staff).paymentMethod(id);
  }
}
